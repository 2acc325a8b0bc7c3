//! 案例交换 (bundles between offices): thin commands over `tianbao::bundle` and the store's
//! conflicts and history. An import is verified and previewed first (nothing written), kept here
//! until the person confirms (apply) or closes the preview (drop).

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, State};
use tianbao::bundle::{self, ExportOptions, ExportReport, Import, ImportReport, Preview};
use tianbao::model::CaseId;
use tianbao::store::{CaseConflicts, ConflictView, HistoryEntry, Saved};

use crate::{blocking, msg, AppState, CmdResult};

/// The previewed import waiting for 导入 or 取消 (one at a time).
#[derive(Default)]
pub struct Exchange {
    pending: Mutex<Option<Import>>,
}

impl Exchange {
    fn take(&self) -> Option<Import> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }
}

/// `台江县商务局_2024-05-10_12例.tianbao` for `count` cases.
#[tauri::command]
pub async fn bundle_default_name(state: State<'_, AppState>, count: usize) -> CmdResult<String> {
    Ok(bundle::default_file_name(&*state.store()?, count))
}

/// Whether the file is a passphrase-protected bundle (then the page asks for the passphrase
/// before the preview).
#[tauri::command]
pub async fn bundle_encrypted(path: PathBuf) -> CmdResult<bool> {
    bundle::is_encrypted(&path).map_err(msg)
}

/// Writes the cases (`ids`; empty = every case not in the 回收站) into a bundle at `path`.
#[tauri::command]
pub async fn export_bundle(
    app: AppHandle,
    ids: Vec<CaseId>,
    path: PathBuf,
    passphrase: Option<String>,
) -> CmdResult<ExportReport> {
    blocking(move || {
        let state = app.state::<AppState>();
        let mut store = state.store()?;
        let opts = ExportOptions {
            ids,
            passphrase: passphrase.filter(|p| !p.is_empty()),
        };
        bundle::export(&mut store, &opts, &path).map_err(msg)
    })
    .await
}

/// Verifies the bundle at `path` and plans it against this database; writes nothing. The plan
/// waits for [`apply_bundle`] or [`drop_bundle`].
#[tauri::command]
pub async fn preview_bundle(
    app: AppHandle,
    path: PathBuf,
    passphrase: Option<String>,
) -> CmdResult<Preview> {
    blocking(move || {
        let state = app.state::<AppState>();
        let import = {
            let store = state.store()?;
            bundle::preview(&store, &path, passphrase.as_deref()).map_err(msg)?
        };
        let preview = import.preview.clone();
        *app.state::<Exchange>()
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(import);
        Ok(preview)
    })
    .await
}

/// Applies the previewed import (files first, then every case in one transaction).
#[tauri::command]
pub async fn apply_bundle(app: AppHandle) -> CmdResult<ImportReport> {
    blocking(move || {
        let import = app
            .state::<Exchange>()
            .take()
            .ok_or("没有待导入的交换包：请重新选择文件。")?;
        let state = app.state::<AppState>();
        let mut store = state.store()?;
        bundle::apply(&mut store, import).map_err(msg)
    })
    .await
}

/// Forgets the previewed import (its staged files are removed).
#[tauri::command]
pub async fn drop_bundle(exchange: State<'_, Exchange>) -> CmdResult<()> {
    exchange.take();
    Ok(())
}

/// Every case with open conflicts, each conflict with its values, 字数 and offices.
#[tauri::command]
pub async fn list_conflicts(state: State<'_, AppState>) -> CmdResult<Vec<CaseConflicts>> {
    state.store()?.conflict_views().map_err(msg)
}

/// The open conflicts of one case.
#[tauri::command]
pub async fn case_conflicts(
    state: State<'_, AppState>,
    id: CaseId,
) -> CmdResult<Vec<ConflictView>> {
    let store = state.store()?;
    let cs = store.conflicts(id).map_err(msg)?;
    Ok(cs.iter().map(|c| store.conflict_view(c)).collect())
}

/// Decides one conflicting field with `value` (one of the values, or an edited text).
#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: CaseId,
    field: String,
    value: serde_json::Value,
) -> CmdResult<Saved> {
    state.store()?.resolve(id, &field, &value).map_err(msg)
}

/// Who changed the case, when, and which fields (oldest first).
#[tauri::command]
pub async fn case_history(state: State<'_, AppState>, id: CaseId) -> CmdResult<Vec<HistoryEntry>> {
    state.store()?.history_detail(id).map_err(msg)
}
