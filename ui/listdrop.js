// Files dropped on the case list (every view but the editor, which has its own drop zones): one
// handler, sorting the files by their extension. 推荐表 (.docx, and the old Word/WPS formats,
// which the core explains how to save as .docx) are imported as cases; 交换包 (.tianbao) are
// previewed and imported one after another; anything else gets a message saying where it goes.
// While files hover over the window the list is outlined as the place to drop them.

import { toast } from './dom.js';
import { baseName } from './native.js';

/** Word and WPS files: imported as 推荐表 (all but .docx are refused with what to do). */
export const FORM_FILE = /\.(docx|docm|dotx|doc|dot|wps|wpt|rtf)$/i;
/** Bundles made by 导出交换包. */
export const BUNDLE_FILE = /\.tianbao$/i;

/** Splits dropped paths into {forms, bundles, other}, each in the order dropped. */
export function sortDropped(paths) {
  const out = { forms: [], bundles: [], other: [] };
  for (const p of paths || []) {
    if (BUNDLE_FILE.test(p)) out.bundles.push(p);
    else if (FORM_FILE.test(p)) out.forms.push(p);
    else out.other.push(p);
  }
  return out;
}

/** What to say about files the list does not take (names them, at most three), with a hint for
 * what counties send: a folder or a .zip/.rar of 推荐表. */
export function otherFilesMessage(other) {
  const names = other.slice(0, 3).map((p) => `“${baseName(p)}”`).join('、');
  const more = other.length > 3 ? ` 等 ${other.length} 个文件` : '';
  let hint = '要添加照片、图片或视频，请先打开案例，再把文件拖到“材料”中对应的框里。';
  if (other.some((p) => /\.(zip|rar|7z)$/i.test(p))) hint = '压缩包请先解压，再把其中的推荐表（.docx）拖进来。' + hint;
  else if (other.some((p) => !/\.[^.\\/]+$/.test(baseName(p)))) hint = '拖入的是文件夹吗？请打开它，选中其中的推荐表（.docx）再拖进来。' + hint;
  return `${names}${more}不能拖到案例列表上：列表上可以拖入推荐表（.docx，导入为案例）或交换包（.tianbao）。${hint}`;
}

/**
 * @param {object} o
 * @param {(paths: string[]) => Promise<unknown>} o.importForms  导入推荐表
 * @param {(path: string) => Promise<unknown>} o.importBundle    导入交换包 (preview, then 导入)
 * @returns {(e: {type, paths}) => Promise<void>} the handler for native.onFileDrop's events
 */
export function createListDrop({ importForms, importBundle }) {
  return async function onDrop({ type, paths }) {
    document.body.classList.toggle('drop-over-list', type === 'enter' || type === 'over');
    if (type !== 'drop') return;
    const { forms, bundles, other } = sortDropped(paths);
    // Bundles first: each waits for its preview to be decided; the 推荐表 report comes after.
    for (const p of bundles) await importBundle(p).catch(() => {});
    if (forms.length) await importForms(forms).catch(() => {});
    if (other.length) toast(otherFilesMessage(other), { error: true, ms: 15000 });
  };
}
