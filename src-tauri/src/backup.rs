//! 备份与恢复: the backups of the database (each checked and its cases counted), a backup now,
//! and restoring one — thin commands over the core's `store::backup` (the current content is
//! backed up before a restore; a damaged database is restored over and then opened).

use std::sync::atomic::Ordering;

use tauri::{AppHandle, Manager};
use tianbao::store::{BackupInfo, BackupReason, Restored};

use crate::{blocking, msg, AppState, CmdResult};

/// The backups, newest first, each checked (quick_check) and its cases counted.
#[tauri::command]
pub async fn list_backups(app: AppHandle) -> CmdResult<Vec<BackupInfo>> {
    let db = app.state::<AppState>().db_path()?;
    blocking(move || tianbao::store::list_backups(&db).map_err(msg)).await
}

#[tauri::command]
pub async fn backup_now(app: AppHandle) -> CmdResult<BackupInfo> {
    blocking(move || {
        let state = app.state::<AppState>();
        let s = state.store()?;
        s.backup_now(BackupReason::Manual).map_err(msg)
    })
    .await
}

/// The start-of-day backup (none yet today: a copy now), asked for by the page once the list
/// is shown — not on the way to it: at 5,000 cases the copy takes 0.4 s, the first start of the
/// day would wait for it. `None`: today's backup was already there.
#[tauri::command]
pub async fn backup_if_due(app: AppHandle) -> CmdResult<Option<BackupInfo>> {
    blocking(move || {
        let state = app.state::<AppState>();
        let s = state.store()?;
        s.backup_if_due().map_err(msg)
    })
    .await
}

/// Restores the backup named `file` (one of `list_backups`): into the open database (its
/// content backed up first), or over a damaged one, which is then opened.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, file: String) -> CmdResult<Restored> {
    blocking(move || {
        let state = app.state::<AppState>();
        let db = state.db_path()?;
        let from = tianbao::store::backup_named(&db, &file).map_err(msg)?;
        let mut g = state.store.lock().unwrap_or_else(|p| p.into_inner());
        let (mut slot, before) = match std::mem::replace(&mut *g, Err(String::new())) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e)),
        };
        let r = tianbao::store::restore(&db, &mut slot, &from).map_err(msg);
        *g = slot.ok_or_else(|| before.unwrap_or_default());
        if g.is_ok() {
            state.damaged.store(false, Ordering::SeqCst);
        }
        r
    })
    .await
}
