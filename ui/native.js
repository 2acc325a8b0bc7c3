// The window's native side, through Tauri's global API (withGlobalTauri): file dialogs (dialog
// plugin), opening a generated file or its folder (opener plugin), files dropped on the window
// (the webview's drag-drop event, which gives paths). Nothing here reads or writes a file.

const T = () => window.__TAURI__ || {};

// GTK matches filter patterns case-sensitively; Windows and macOS do not. On Linux both cases are
// offered so that "IMG_0001.JPG" can be picked.
const NAV = typeof navigator === 'undefined' ? {} : navigator;
const LINUX = /Linux/i.test(NAV.platform || NAV.userAgent || '');
function exts(list) {
  return LINUX ? [...list, ...list.map((e) => e.toUpperCase())] : list;
}

export const FILTERS = {
  // WebP and BMP are taken too: the core stores a JPEG conversion beside them.
  image: [{ name: '图片（JPG、PNG、WebP、BMP）', extensions: exts(['jpg', 'jpeg', 'png', 'webp', 'bmp']) }],
  idScan: [{ name: '图片或 PDF（JPG、PNG、PDF、WebP、BMP）', extensions: exts(['jpg', 'jpeg', 'png', 'pdf', 'webp', 'bmp']) }],
  video: [{ name: '视频（MP4、MPG、MOV）', extensions: exts(['mp4', 'mpg', 'mpeg', 'mov']) }],
  docx: [{ name: 'Word 文档（.docx）', extensions: ['docx'] }],
  // 导入推荐表: .doc and .wps can be picked too, and are then told to be saved as .docx.
  form: [{ name: 'Word 推荐表（.docx、.doc、.wps）', extensions: exts(['docx', 'doc', 'wps']) }],
  // Last, so a HEIC photo or a .JPG on Linux can still be chosen (and then explained).
  any: [{ name: '所有文件', extensions: ['*'] }],
};

function dialog() {
  const d = T().dialog;
  if (!d) throw new Error('文件对话框不可用：请在“案例填报助手”程序窗口中使用');
  return d;
}

/** Paths the clerk picked (an empty list when cancelled). */
export async function pickFiles({ title, filters, multiple = false }) {
  const r = await dialog().open({ title, filters, multiple, directory: false });
  if (r == null) return [];
  return Array.isArray(r) ? r : [r];
}

/** A folder, or null when cancelled. */
export async function pickFolder({ title, defaultPath }) {
  const r = await dialog().open({ title, directory: true, multiple: false, defaultPath: defaultPath || undefined });
  return typeof r === 'string' ? r : null;
}

/** Where to save, or null when cancelled. */
export async function pickSavePath({ title, defaultPath, filters }) {
  const r = await dialog().save({ title, defaultPath, filters });
  return typeof r === 'string' && r ? r : null;
}

export async function openPath(path) {
  const o = T().opener;
  if (!o) throw new Error('无法打开文件：打开功能不可用');
  await o.openPath(path);
}

export async function revealInFolder(path) {
  const o = T().opener;
  if (!o) throw new Error('无法打开文件夹：打开功能不可用');
  await o.revealItemInDir(path);
}

/** The folder part of a path (either separator); '' when none. */
export function dirOf(path) {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : i === 0 ? path.slice(0, 1) : '';
}

/** `dir` + `name` with the separator `dir` already uses. */
export function joinPath(dir, name) {
  if (!dir) return name;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * Files dragged over / dropped on the window. `handler({type, paths, x, y})` gets the position in
 * CSS pixels of the page (Tauri gives physical pixels): type is 'enter' | 'over' | 'drop' | 'leave'.
 * Returns false when the window has no such event (not running in the app).
 */
export async function onFileDrop(handler) {
  const wv = T().webview;
  if (!wv || !wv.getCurrentWebview) return false;
  await wv.getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload || {};
    const ratio = window.devicePixelRatio || 1;
    const pos = p.position;
    handler({
      type: p.type,
      paths: p.paths || [],
      x: pos ? pos.x / ratio : null,
      y: pos ? pos.y / ratio : null,
    });
  });
  return true;
}

/** The file name part of a path (either separator). */
export function baseName(path) {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}
