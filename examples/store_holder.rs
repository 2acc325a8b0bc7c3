//! Holds a database open the way the app does, for the torture suite (tests/torture/): the
//! `Store` lives as long as this process, and commands arrive on stdin, one per line:
//!
//! - `save FILE`: imports the case JSON in FILE (as the app's editor saves it); prints
//!   `saved REV_ID` once the save returned (acknowledged), or `error MESSAGE`;
//! - `poke`: opens and closes every file in the database's folder, as the GTK file chooser
//!   does (with SQLite's POSIX locks alone this dropped all of the process's locks);
//! - `quit` (or end of input): closes the store.
//!
//! Prints `ready` once the store is open. Usage: `store_holder DB`.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use tianbao::model::Case;
use tianbao::store::Store;

fn main() {
    let db = PathBuf::from(std::env::args_os().nth(1).expect("usage: store_holder DB"));
    let mut store = match Store::open(&db) {
        Ok(s) => s,
        Err(e) => {
            println!("error {e}");
            std::process::exit(2);
        }
    };
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."));
    let mut out = std::io::stdout();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = match line.split_once(' ').unwrap_or((line.as_str(), "")) {
            ("save", file) => match std::fs::read_to_string(file)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<Case>(&t).map_err(|e| e.to_string()))
                .and_then(|c| store.save_case(&c).map_err(|e| e.to_string()))
            {
                Ok(saved) => format!("saved {}", saved.rev_id),
                Err(e) => format!("error {e}"),
            },
            ("poke", _) => {
                for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    if e.path().is_file() {
                        drop(std::fs::File::open(e.path()));
                    }
                }
                "poked".into()
            }
            ("quit", _) => break,
            (other, _) => format!("error unknown command {other}"),
        };
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
    drop(store);
    let _ = writeln!(out, "closed");
}
