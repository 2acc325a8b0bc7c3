//! 帮助: the user guide (docs/用户手册.md and its pictures in docs/img/manual/), compiled into
//! the app by build.rs (`$OUT_DIR/guide.rs`), so it shows offline and the binary never reads
//! docs/.

use tauri::ipc::Response;

use crate::CmdResult;

mod guide {
    include!(concat!(env!("OUT_DIR"), "/guide.rs"));
}
/// docs/用户手册.md as HTML (rendered at build time).
#[tauri::command]
pub async fn user_guide() -> CmdResult<&'static str> {
    Ok(guide::GUIDE_HTML)
}

/// A picture of the guide (its path as the Markdown names it, `img/manual/….png`), as bytes.
#[tauri::command]
pub async fn guide_image(name: String) -> CmdResult<Response> {
    guide::GUIDE_IMAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| Response::new(b.to_vec()))
        .ok_or_else(|| format!("帮助中没有图片“{name}”。"))
}
