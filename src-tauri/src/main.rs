//! 案例填报助手 — the Tauri v2 shell. Thin commands only: every one forwards to the core library
//! `tianbao` (validation, 字数, storage) and turns its errors into their Chinese message. No logic
//! lives here; what the UI needs and the core lacks is added to the core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tauri::State;
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::model::{Case, CaseId, Status};
use tianbao::store::{CaseSummary, Identity, ListQuery, Saved, Store};
use tianbao::validate::{validate, Report};

/// What the shell holds: the campaign and dictionaries, and the store if it could be opened.
/// A store that cannot be opened is not a crash: the window opens and shows `store_error`.
struct AppState {
    campaign: Campaign,
    dicts: Dicts,
    db_path: Option<PathBuf>,
    store: Result<Mutex<Store>, String>,
}

impl AppState {
    fn store(&self) -> Result<MutexGuard<'_, Store>, String> {
        match &self.store {
            // A panic while the lock was held leaves the store itself consistent (SQLite).
            Ok(m) => Ok(m.lock().unwrap_or_else(|p| p.into_inner())),
            Err(e) => Err(e.clone()),
        }
    }
}

type CmdResult<T> = Result<T, String>;

fn msg(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[derive(Serialize)]
struct AppInfo {
    version: &'static str,
    campaign: Campaign,
    dicts: Dicts,
    db_path: Option<String>,
    identity: Option<Identity>,
    /// The Chinese message when the database could not be opened (with what to do).
    store_error: Option<String>,
}

#[tauri::command]
async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    let (identity, store_error) = match state.store() {
        Ok(s) => (Some(s.identity()), None),
        Err(e) => (None, Some(e)),
    };
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        campaign: state.campaign.clone(),
        dicts: state.dicts.clone(),
        db_path: state.db_path.as_ref().map(|p| p.display().to_string()),
        identity,
        store_error,
    })
}

#[tauri::command]
async fn list_cases(state: State<'_, AppState>, query: ListQuery) -> CmdResult<Vec<CaseSummary>> {
    state.store()?.list_cases(&query).map_err(msg)
}

#[tauri::command]
async fn create_case(state: State<'_, AppState>) -> CmdResult<Case> {
    state.store()?.create_case().map_err(msg)
}

#[tauri::command]
async fn get_case(state: State<'_, AppState>, id: CaseId) -> CmdResult<Case> {
    state.store()?.get_case(id).map_err(msg)
}

#[tauri::command]
async fn save_case(state: State<'_, AppState>, case: Case) -> CmdResult<Saved> {
    state.store()?.save_case(&case).map_err(msg)
}

/// The live counters and inline messages: called on every input, touches no database.
#[tauri::command]
async fn validate_case(state: State<'_, AppState>, case: Case) -> CmdResult<Report> {
    Ok(validate(&case, &state.campaign, &state.dicts))
}

#[tauri::command]
async fn delete_case(state: State<'_, AppState>, id: CaseId) -> CmdResult<()> {
    state.store()?.delete_case(id).map_err(msg)
}

#[tauri::command]
async fn restore_case(state: State<'_, AppState>, id: CaseId) -> CmdResult<()> {
    state.store()?.restore_case(id).map_err(msg)
}

#[tauri::command]
async fn duplicate_case(state: State<'_, AppState>, id: CaseId) -> CmdResult<Case> {
    state.store()?.duplicate_case(id).map_err(msg)
}

#[tauri::command]
async fn set_status(state: State<'_, AppState>, id: CaseId, status: Status) -> CmdResult<Saved> {
    state.store()?.set_status(id, status).map_err(msg)
}

#[tauri::command]
async fn set_office(state: State<'_, AppState>, office: String) -> CmdResult<Identity> {
    let mut s = state.store()?;
    s.set_office(&office).map_err(msg)?;
    Ok(s.identity())
}

/// `--db FILE` (or `--db=FILE`) on the command line; otherwise the core's default, which
/// honours TIANBAO_DB.
fn db_path_from_args() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--db=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

fn open_store() -> (Option<PathBuf>, Result<Mutex<Store>, String>) {
    let path = match db_path_from_args() {
        Some(p) => std::path::absolute(&p).unwrap_or(p),
        None => match tianbao::store::default_db_path() {
            Ok(p) => p,
            Err(e) => return (None, Err(e.to_string())),
        },
    };
    let store = Store::open(&path).map(Mutex::new).map_err(msg);
    match &store {
        Ok(_) => eprintln!("案例填报助手：数据库 {}", path.display()),
        Err(e) => eprintln!("案例填报助手：{e}"),
    }
    (Some(path), store)
}

fn main() {
    let (db_path, store) = open_store();
    let state = AppState {
        campaign: Campaign::current(),
        dicts: Dicts::current(),
        db_path,
        store,
    };
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            app_info,
            list_cases,
            create_case,
            get_case,
            save_case,
            validate_case,
            delete_case,
            restore_case,
            duplicate_case,
            set_status,
            set_office,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("案例填报助手无法启动窗口：{e}");
        eprintln!("请确认已安装 WebKitGTK（libwebkit2gtk-4.1），并在图形桌面中运行。");
        std::process::exit(1);
    }
}
