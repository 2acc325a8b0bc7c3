//! The window: one per database (on Linux tauri-plugin-single-instance, keyed by the database's
//! path; without a D-Bus session bus it does nothing, and on other systems it is not used —
//! there the store's writer lock refuses the second start instead), size and place kept between starts
//! (tauri-plugin-window-state), fitted to a small screen's work area on first start.

use tauri::plugin::TauriPlugin;
use tauri::{Context, Manager, Wry};
use tauri_plugin_window_state::StateFlags;
use tianbao::store::DataLocation;

/// One window per database: the D-Bus name carries a key of the database's path, so the stick's
/// database and the PC's own may be open side by side, the same one only once. A second start
/// brings the first window forward and exits. Linux only: elsewhere the plugin's lock is named
/// by the app's identifier alone, so a second database could not be opened beside the first;
/// `None` there (the store's lock keeps one window per database).
pub fn single_instance(
    context: &Context<Wry>,
    location: Option<&DataLocation>,
) -> Option<TauriPlugin<Wry>> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let mut single = tauri_plugin_single_instance::Builder::new().callback(|app, _argv, _cwd| {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
    });
    if let Some(l) = location {
        let id = &context.config().identifier;
        single = single.dbus_id(format!("{id}.{}", l.instance_key()));
    }
    Some(single.build())
}

/// Size and position kept between starts (not visibility: the window opens hidden and is shown
/// by `fit_window`).
pub fn state_plugin() -> TauriPlugin<Wry> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::all() & !StateFlags::VISIBLE)
        .build()
}

/// Opens the window to fit the screen on first start (no saved size): on a screen smaller than
/// the configured 1280×800 (a 1366×768 laptop), the work area; then shows it.
pub fn fit_window(app: &tauri::App) {
    // A saved state: the plugin has already put the window where it was.
    let restored = app
        .path()
        .app_config_dir()
        .map(|d| d.join(tauri_plugin_window_state::DEFAULT_FILENAME).exists())
        .unwrap_or(false);
    let Some(w) = app.get_webview_window("main") else {
        return;
    };
    if !restored {
        if let Ok(Some(m)) = w.current_monitor().or_else(|_| w.primary_monitor()) {
            let area = m.work_area();
            // The configured size (1280×800) in the monitor's physical pixels (not the hidden
            // window's outer_size, which GTK does not know before it is shown).
            let (width, height) = app
                .config()
                .app
                .windows
                .iter()
                .find(|c| c.label == "main")
                .map(|c| (c.width, c.height))
                .unwrap_or((1280.0, 800.0));
            let want: tauri::PhysicalSize<u32> =
                tauri::LogicalSize::new(width, height).to_physical(m.scale_factor());
            if want.width > area.size.width || want.height > area.size.height {
                // A small screen (a 1366×768 laptop): the whole work area, then maximised (a
                // window manager keeps its panels free; without one the size is what counts).
                let _ = w.set_position(area.position);
                let _ = w.set_size(area.size);
                let _ = w.maximize();
            }
        }
    }
    let _ = w.show();
    let _ = w.set_focus();
}
