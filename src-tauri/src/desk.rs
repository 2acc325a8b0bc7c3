//! The provincial desk's commands (issue 10): each one forwards to the core (`Store::desk`,
//! `library`, `summary`, `package`) and turns its errors into their Chinese message. Slow ones
//! (reading a spreadsheet, writing the package) run on a worker thread without the store's lock.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use tianbao::docx::Progress;
use tianbao::library::{self, Imported};
use tianbao::model::CaseId;
use tianbao::package::{self, Check, Options, Outcome};
use tianbao::store::{Desk, LibraryInfo, Opinion};
use tianbao::summary;

use crate::{blocking, msg, AppState, CmdResult};

/// The provincial view: unit, quota, counter, every case with its flags, in order.
#[tauri::command]
pub async fn desk_view(state: State<'_, AppState>) -> CmdResult<Desk> {
    state.store()?.desk().map_err(msg)
}

/// Sets the submitting unit (one of the 37); returns it written in full.
#[tauri::command]
pub async fn set_unit(state: State<'_, AppState>, unit: String) -> CmdResult<String> {
    state.store()?.set_unit(&unit).map_err(msg)
}

#[derive(Serialize)]
pub struct LibraryImported {
    info: LibraryInfo,
    sheet: String,
    header_row: usize,
    columns: Vec<String>,
    skipped: usize,
}

/// Reads a 案例库 list (on a worker thread) and replaces the stored one with it.
#[tauri::command]
pub async fn import_library(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CmdResult<LibraryImported> {
    let imported: Imported = blocking(move || library::read_library(&path).map_err(msg)).await?;
    let info = state.store()?.import_library(&imported).map_err(msg)?;
    Ok(LibraryImported {
        info,
        sheet: imported.sheet,
        header_row: imported.header_row,
        columns: imported.columns,
        skipped: imported.skipped,
    })
}

/// 省级意见 同意 / 不同意 (None clears it); returns the refreshed view.
#[tauri::command]
pub async fn set_opinion(
    state: State<'_, AppState>,
    id: CaseId,
    opinion: Option<Opinion>,
) -> CmdResult<Desk> {
    let mut s = state.store()?;
    s.set_opinion(id, opinion).map_err(msg)?;
    s.desk().map_err(msg)
}

/// The order of the submission (序号): `ids` first, the rest after.
#[tauri::command]
pub async fn set_order(state: State<'_, AppState>, ids: Vec<CaseId>) -> CmdResult<Desk> {
    let mut s = state.store()?;
    s.set_order(&ids).map_err(msg)?;
    s.desk().map_err(msg)
}

/// Lets a case flagged by the 案例库 count (a reason required); None takes it back.
#[tauri::command]
pub async fn set_library_override(
    state: State<'_, AppState>,
    id: CaseId,
    reason: Option<String>,
) -> CmdResult<Desk> {
    let mut s = state.store()?;
    s.set_library_override(id, reason.as_deref()).map_err(msg)?;
    s.desk().map_err(msg)
}

/// The whole-submission check (every finding, each naming the case and field).
#[tauri::command]
pub async fn submission_check(state: State<'_, AppState>) -> CmdResult<Check> {
    let s = state.store()?;
    let plan = package::plan_today(&s).map_err(msg)?;
    Ok(plan.check)
}

/// The 汇总表 of the 同意 cases at `path` (.xlsx or .docx by its extension).
#[tauri::command]
pub async fn write_summary(state: State<'_, AppState>, path: PathBuf) -> CmdResult<u64> {
    let (unit, rows, campaign) = {
        let s = state.store()?;
        let desk = s.desk().map_err(msg)?;
        let mut rows = Vec::new();
        for c in desk.agreed_cases() {
            let case = s.get_case(c.id).map_err(msg)?;
            rows.push(summary::row_of(&case, Opinion::Agree.as_str()));
        }
        (desk.unit, rows, s.campaign().clone())
    };
    blocking(move || summary::write_summary(&path, &unit, &rows, &campaign).map_err(msg)).await
}

/// The suggested folder name of the package (`2024 农村直播电商优秀案例_贵州省_报送材料`).
#[tauri::command]
pub async fn package_folder_name(state: State<'_, AppState>) -> CmdResult<String> {
    let s = state.store()?;
    Ok(package::folder_name(&s.unit().map_err(msg)?, s.campaign()))
}

/// Writes the package into the new folder `dir` (temp folder + rename), progress on
/// `on_progress`, stopped by `cancel_generation`.
#[tauri::command]
pub async fn write_package(
    state: State<'_, AppState>,
    dir: PathBuf,
    part_bytes: Option<u64>,
    on_progress: Channel<Progress>,
) -> CmdResult<Outcome> {
    let (plan, files) = {
        let s = state.store()?;
        (package::plan_today(&s).map_err(msg)?, s.library())
    };
    let cancel = state.cancel_docx.clone();
    cancel.store(false, Ordering::SeqCst);
    let opts = Options {
        part_bytes: part_bytes.unwrap_or(package::DEFAULT_PART_BYTES),
    };
    blocking(move || {
        package::write_package(
            &files,
            &plan,
            &dir,
            &opts,
            &mut |p| {
                let _ = on_progress.send(p.clone());
            },
            &cancel,
        )
        .map_err(msg)
    })
    .await
}
