//! 案例填报助手 — the Tauri v2 shell. Thin commands only: every one forwards to the core library
//! `tianbao` (validation, 字数, storage, media, .docx) and turns its errors into their Chinese
//! message. No logic lives here; what the UI needs and the core lacks is added to the core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backup;
mod desk;
mod exchange;
mod help;
mod import;
mod window;

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager, State};
use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::docx::{self, BatchOutcome, Progress, Written};
use tianbao::media::{self, AttachOutcome, Library, Purpose, VideoReport};
use tianbao::model::{Case, CaseId, Status};
use tianbao::store::{
    CaseSummary, CopyKeep, DataLocation, Identity, ListQuery, Saved, Store, StoreError,
};
use tianbao::validate::{validate, Report};

/// What the shell holds: the campaign and dictionaries, and the store if it could be opened.
/// A store that cannot be opened is not a crash: the window opens and shows `store_error` (a
/// damaged database: the restore page, with the newest good backup offered).
struct AppState {
    campaign: Campaign,
    dicts: Dicts,
    location: Option<DataLocation>,
    store: Mutex<Result<Store, String>>,
    /// The database failed its check at start (damaged): the UI opens 备份与恢复.
    damaged: AtomicBool,
    /// Another process holds the database's writer lock (a second window where the
    /// single-instance plugin could not look, e.g. no D-Bus session bus).
    in_use: bool,
    /// Set by 取消 while 推荐表 are being generated; looked at between files.
    cancel_docx: Arc<AtomicBool>,
}

/// The open store, borrowed from the state's lock.
struct StoreGuard<'a>(MutexGuard<'a, Result<Store, String>>);

impl Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        match &*self.0 {
            Ok(s) => s,
            Err(_) => unreachable!("StoreGuard is only made over an open store"),
        }
    }
}

impl DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        match &mut *self.0 {
            Ok(s) => s,
            Err(_) => unreachable!("StoreGuard is only made over an open store"),
        }
    }
}

impl AppState {
    fn store(&self) -> Result<StoreGuard<'_>, String> {
        // A panic while the lock was held leaves the store itself consistent (SQLite).
        let g = self.store.lock().unwrap_or_else(|p| p.into_inner());
        match &*g {
            Ok(_) => Ok(StoreGuard(g)),
            Err(e) => Err(e.clone()),
        }
    }

    /// The attached files, to work on without holding the store's lock.
    fn library(&self) -> Result<Library, String> {
        Ok(self.store()?.library())
    }

    fn db_path(&self) -> Result<PathBuf, String> {
        self.location
            .as_ref()
            .map(|l| l.db.clone())
            .ok_or_else(|| "找不到数据库的位置。".to_string())
    }
}

/// Runs slow work (decoding photos, building .docx) on a worker thread, so neither the window
/// nor the other commands wait for it.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| format!("后台任务意外中止（{e}），请重试。"))?
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
    /// The attachment folder (`<db>-files/`) and the backups (`<db>-backups/`).
    files_dir: Option<String>,
    backup_dir: Option<String>,
    /// Portable mode: the data beside the program (a `tianbao-portable` marker or --portable).
    portable: bool,
    identity: Option<Identity>,
    /// The Chinese message when the database could not be opened (with what to do).
    store_error: Option<String>,
    /// The database is damaged: the UI opens 备份与恢复 with the newest good backup offered.
    damaged: bool,
    /// The database is open in another window: the UI says so (and nothing else).
    in_use: bool,
}

#[tauri::command]
async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    let (identity, store_error) = match state.store() {
        Ok(s) => (Some(s.identity()), None),
        Err(e) => (None, Some(e)),
    };
    let loc = state.location.as_ref();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        campaign: state.campaign.clone(),
        dicts: state.dicts.clone(),
        db_path: loc.map(|l| l.db.display().to_string()),
        files_dir: loc.map(|l| l.files_dir().display().to_string()),
        backup_dir: loc.map(|l| l.backup_dir().display().to_string()),
        portable: loc.is_some_and(|l| l.portable),
        identity,
        store_error,
        damaged: state.damaged.load(Ordering::SeqCst),
        in_use: state.in_use,
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
async fn duplicate_case(state: State<'_, AppState>, id: CaseId, keep: CopyKeep) -> CmdResult<Case> {
    state.store()?.copy_for_next_person(id, keep).map_err(msg)
}

/// Ends a pending input-method composition (pinyin typed, no character chosen yet) when the
/// clerk moves to another field, as native GTK fields do. wry turns WebKit's inline preedit off
/// (the pinyin shows in the input method's own window), so the page never sees a composition
/// and cannot end it; without this the next choice lands in the field clicked next.
#[tauri::command]
fn reset_input_method(webview: tauri::Webview) -> CmdResult<()> {
    #[cfg(target_os = "linux")]
    webview
        .with_webview(|w| {
            use webkit2gtk::{InputMethodContextExt, WebViewExt};
            if let Some(ctx) = w.inner().input_method_context() {
                ctx.reset();
            }
        })
        .map_err(msg)?;
    #[cfg(not(target_os = "linux"))]
    let _ = webview;
    Ok(())
}

/// Leaving a new case nothing was typed into: it is not kept. True when it was deleted.
#[tauri::command]
async fn discard_if_untouched(state: State<'_, AppState>, id: CaseId) -> CmdResult<bool> {
    state.store()?.discard_if_untouched(id).map_err(msg)
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

// ---- materials: attach, thumbnails, freeing copies, the video, the 网盘 link ----------------------

/// Copies the file into the app's store and checks it for its role. The case is not changed:
/// the editor puts the returned attachment into the case and saves it.
#[tauri::command]
async fn attach_file(
    state: State<'_, AppState>,
    path: PathBuf,
    role: Purpose,
) -> CmdResult<AttachOutcome> {
    let library = state.library()?;
    blocking(move || library.attach_file(&path, role).map_err(msg)).await
}

/// The JPEG thumbnail of a stored file, as raw bytes (an ArrayBuffer in the page).
#[tauri::command]
async fn thumbnail(state: State<'_, AppState>, sha256: String) -> CmdResult<Response> {
    let library = state.library()?;
    blocking(move || library.thumbnail(&sha256).map(Response::new).map_err(msg)).await
}

/// Frees the copies no case uses any more; returns the bytes freed.
#[tauri::command]
async fn gc_blobs(app: AppHandle) -> CmdResult<u64> {
    blocking(move || {
        // The store is held only while the cases are read, not while files are deleted.
        let (live, library) = {
            let s = app.state::<AppState>();
            let s = s.store()?;
            (s.live_blobs().map_err(msg)?, s.library())
        };
        library.gc(&live).map_err(msg)
    })
    .await
}

/// Reads the video's container headers (never the whole file; never copied).
#[tauri::command]
async fn check_video_file(state: State<'_, AppState>, path: PathBuf) -> CmdResult<VideoReport> {
    let campaign = state.campaign.clone();
    blocking(move || media::check_video(&path, &campaign).map_err(msg)).await
}

/// A pasted 百度网盘 share text → [link, 提取码] (either may be null).
#[tauri::command]
async fn parse_netdisk(text: String) -> CmdResult<(Option<String>, Option<String>)> {
    Ok(media::parse_netdisk_share(&text))
}

// ---- 生成推荐表 ------------------------------------------------------------------------------------

/// The file name of a case's 推荐表: `01_李明_推荐表.docx` (index 1-based).
#[tauri::command]
async fn docx_file_name(case: Case, index: usize) -> CmdResult<String> {
    Ok(docx::docx_file_name(index, &case))
}

/// The 推荐表 of one stored case, saved at `path`.
#[tauri::command]
async fn generate_docx(
    state: State<'_, AppState>,
    case_id: CaseId,
    path: PathBuf,
) -> CmdResult<Written> {
    let (case, library) = {
        let s = state.store()?;
        (s.get_case(case_id).map_err(msg)?, s.library())
    };
    let printed = case.clone();
    let w = blocking(move || docx::write_case_docx(&library, &case, &path).map_err(msg)).await?;
    state
        .store()?
        .note_printed(case_id, &printed)
        .map_err(msg)?;
    Ok(w)
}

/// The 推荐表 of each case into `dir` (01_姓名_推荐表.docx …), progress on `on_progress`,
/// stopped between files by `cancel_generation`.
#[tauri::command]
async fn generate_docx_many(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<CaseId>,
    dir: PathBuf,
    on_progress: Channel<Progress>,
) -> CmdResult<BatchOutcome> {
    let library = state.library()?;
    let cancel = state.cancel_docx.clone();
    cancel.store(false, Ordering::SeqCst);
    blocking(move || {
        let state = app.state::<AppState>();
        let mut loaded = Vec::new();
        let out = docx::write_batch(
            &library,
            &ids,
            &dir,
            |id| -> Result<Case, String> {
                let case = state.store()?.get_case(id).map_err(msg)?;
                loaded.push(case.clone());
                Ok(case)
            },
            |p| {
                let _ = on_progress.send(p.clone());
            },
            &cancel,
        )
        .map_err(msg)?;
        state
            .store()?
            .note_printed_many(&loaded, &out.written)
            .map_err(msg)?;
        Ok(out)
    })
    .await
}

#[tauri::command]
async fn cancel_generation(state: State<'_, AppState>) -> CmdResult<()> {
    state.cancel_docx.store(true, Ordering::SeqCst);
    Ok(())
}

/// `--db FILE` (or `--db=FILE`) on the command line.
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

fn has_arg(name: &str) -> bool {
    std::env::args_os().skip(1).any(|a| a == name)
}

/// Where the data is: `--db`, TIANBAO_DB, portable mode, the user's data folder.
fn data_location() -> Result<DataLocation, String> {
    match db_path_from_args() {
        Some(p) => Ok(DataLocation::explicit(&p)),
        None => DataLocation::resolve(has_arg("--portable")).map_err(msg),
    }
}

/// The store opened at `loc` and checked. A damaged database is not
/// opened: the UI offers the backups. Another process holding it (a second start where the
/// single-instance plugin could not look: no D-Bus session bus) waits for the lock, then
/// shows the store's "open in another window" message.
fn open_store(loc: &Result<DataLocation, String>) -> (Result<Store, String>, bool, bool) {
    let path = match loc {
        Ok(l) => l.db.clone(),
        Err(e) => return (Err(e.clone()), false, false),
    };
    let (store, damaged, in_use) = match Store::open(&path) {
        Ok(s) => (Ok(s), false, false),
        Err(e) => (
            Err(e.to_string()),
            e.is_damaged(),
            matches!(e, StoreError::InUse { .. }),
        ),
    };
    // The start-of-day backup is made once the list is shown (`backup::backup_if_due`).
    match &store {
        Ok(_) => eprintln!("案例填报助手：数据库 {}", path.display()),
        Err(e) => eprintln!("案例填报助手：{e}"),
    }
    (store, damaged, in_use)
}

fn main() {
    if has_arg("--version") || has_arg("-V") {
        println!("案例填报助手 {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    let context = tauri::generate_context!();
    let location = data_location();
    let mut builder = tauri::Builder::default();
    // First: a second start on the same database brings this window forward and exits (Linux).
    // Without it (no D-Bus session bus; other systems) the database's lock keeps the second
    // start from writing: it shows the "open in another window" message.
    if let Some(single) = window::single_instance(&context, location.as_ref().ok()) {
        builder = builder.plugin(single);
    }
    let result = builder
        .plugin(window::state_plugin())
        // Before the dialog plugin: keeps the webview's synchronous alert/confirm.
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("webview-dialogs")
                .js_init_script(include_str!("webview_dialogs.js").to_string())
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(exchange::Exchange::default())
        .setup(move |app| {
            // Here, after the single-instance check: a second start exits before it would wait
            // for the database's lock. No command runs before setup has returned.
            let (store, damaged, in_use) = open_store(&location);
            app.manage(AppState {
                campaign: Campaign::current(),
                dicts: Dicts::current(),
                location: location.clone().ok(),
                store: Mutex::new(store),
                damaged: AtomicBool::new(damaged),
                in_use,
                cancel_docx: Arc::new(AtomicBool::new(false)),
            });
            window::fit_window(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            help::user_guide,
            help::guide_image,
            backup::list_backups,
            backup::backup_now,
            backup::backup_if_due,
            backup::restore_backup,
            list_cases,
            create_case,
            get_case,
            save_case,
            validate_case,
            delete_case,
            restore_case,
            duplicate_case,
            discard_if_untouched,
            reset_input_method,
            set_status,
            set_office,
            attach_file,
            thumbnail,
            gc_blobs,
            check_video_file,
            parse_netdisk,
            docx_file_name,
            generate_docx,
            generate_docx_many,
            cancel_generation,
            desk::desk_view,
            desk::set_unit,
            desk::import_library,
            desk::set_opinion,
            desk::set_order,
            desk::set_library_override,
            desk::submission_check,
            desk::write_summary,
            desk::package_folder_name,
            desk::write_package,
            exchange::bundle_default_name,
            exchange::bundle_encrypted,
            exchange::export_bundle,
            exchange::preview_bundle,
            exchange::apply_bundle,
            exchange::drop_bundle,
            exchange::list_conflicts,
            exchange::case_conflicts,
            exchange::resolve_conflict,
            exchange::case_history,
            import::import_docx,
        ])
        .run(context);
    if let Err(e) = result {
        eprintln!("案例填报助手无法启动窗口：{e}");
        eprintln!("请确认已安装 WebKitGTK（libwebkit2gtk-4.1），并在图形桌面中运行。");
        std::process::exit(1);
    }
}
