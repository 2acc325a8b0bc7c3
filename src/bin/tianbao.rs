//! `tianbao`: the command line over the core library (see `tianbao --help`).
use clap::Parser;

fn main() {
    let cli = tianbao::cli::Cli::parse();
    match tianbao::cli::run(cli) {
        Ok(out) => {
            if !out.text.is_empty() {
                println!("{}", out.text.trim_end());
            }
            std::process::exit(out.code);
        }
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::exit(2);
        }
    }
}
