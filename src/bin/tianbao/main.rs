//! `tianbao`: the command line over the core library (see `tianbao --help`). Batch jobs over the
//! same database as the app; every command prints Chinese text, or JSON with `--json`. Errors
//! go to stderr as one Chinese sentence, exit code 2; a validation that finds errors, or a
//! batch with a file that could not be made, exits 1.
//!
//! Flags and glue only: `args` (the flags), `run` (each command: calls into the library),
//! `print` (the console text of reports), `error` (the CLI's error type).

mod args;
mod error;
mod print;
mod run;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    match run::run(cli) {
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
