// Keeps the webview's own window.alert / window.confirm (synchronous, shown by WebKitGTK and
// WebView2, and answerable over WebDriver). tauri-plugin-dialog's init script replaces them with
// asynchronous native message boxes whose confirm() returns a Promise — always truthy, so
// `if (!confirm(…)) return;` would go on without asking. This script runs before the plugin's
// (it is registered first) and turns later assignments to these two names into no-ops.
(function () {
  'use strict';
  for (const name of ['alert', 'confirm']) {
    const own = window[name];
    if (typeof own !== 'function') continue;
    Object.defineProperty(window, name, {
      configurable: true,
      enumerable: true,
      get: () => own,
      set: () => {},
    });
  }
})();
