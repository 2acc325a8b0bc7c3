//! `tianbao`: the command line over the core library (see `tianbao --help`). Batch jobs over the
//! same database as the app; every command prints Chinese text, or JSON with `--json`. Errors
//! go to stderr as one Chinese sentence, exit code 2; a validation that finds errors, or a
//! batch with a file that could not be made, exits 1.
//!
//! Flags and glue only: `args` (the flags), `run` (each command: calls into the library),
//! `print` (the console text of reports), `error` (the CLI's error type).

mod args;
mod desk;
mod error;
mod print;
mod run;
mod sync;

use clap::Parser;
use std::io::Write;

fn main() {
    let cli = args::Cli::parse();
    match run::run(cli) {
        Ok(out) => {
            if !out.text.is_empty() {
                let mut stdout = std::io::stdout().lock();
                // A reader that went away (`| head -1`, `| true`) is not an error: the command
                // has done its work; exit quietly.
                let _ = writeln!(stdout, "{}", out.text.trim_end()).and_then(|_| stdout.flush());
            }
            std::process::exit(out.code);
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "错误：{e}");
            std::process::exit(2);
        }
    }
}

/// A progress line on stderr; nothing when stderr is closed.
pub(crate) fn progress(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
