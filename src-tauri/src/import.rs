//! 导入推荐表: filled-in 推荐表 files (.docx, also typed by hand in Word or WPS) become cases —
//! a thin command over `Store::import_docx_many` (a backup first, then one outcome per file:
//! the case made or revised with what was found, left blank, missing or odd; or why the file
//! was not imported, worded by the core).

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};
use tianbao::docx::Progress;
use tianbao::store::Imported;

use crate::{blocking, msg, AppState, CmdResult};

/// One outcome per file, and the line that sums them up (the core's words).
#[derive(serde::Serialize)]
pub struct ImportBatch {
    files: Vec<Imported>,
    summary: String,
}

/// Imports the files at `paths` in that order; `on_progress` hears before each file and once
/// at the end.
#[tauri::command]
pub async fn import_docx(
    app: AppHandle,
    paths: Vec<PathBuf>,
    on_progress: Channel<Progress>,
) -> CmdResult<ImportBatch> {
    blocking(move || {
        let state = app.state::<AppState>();
        let mut store = state.store()?;
        let files = store
            .import_docx_many(&paths, |p| {
                let _ = on_progress.send(p.clone());
            })
            .map_err(msg)?;
        let summary = tianbao::store::imported_summary(&files);
        Ok(ImportBatch { files, summary })
    })
    .await
}
