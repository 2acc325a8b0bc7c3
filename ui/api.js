// The one door to the Rust side: Tauri's global invoke (withGlobalTauri). Every command rejects
// with the core's Chinese message.

export async function call(cmd, args = {}) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core) throw new Error('本页面需要在“案例填报助手”程序窗口中打开');
  return core.invoke(cmd, args);
}

/** A command that reports progress: `onProgress(message)` hears each message of its channel. */
function callWithProgress(cmd, args, onProgress) {
  const ch = new window.__TAURI__.core.Channel();
  ch.onmessage = onProgress;
  return call(cmd, { ...args, onProgress: ch });
}

export const api = {
  appInfo: () => call('app_info'),
  // 帮助 and 备份与恢复.
  userGuide: () => call('user_guide'),
  /** PNG bytes (ArrayBuffer) of a picture of the guide. */
  guideImage: (name) => call('guide_image', { name }),
  listBackups: () => call('list_backups'),
  backupNow: () => call('backup_now'),
  backupIfDue: () => call('backup_if_due'),
  restoreBackup: (file) => call('restore_backup', { file }),
  listCases: (query) => call('list_cases', { query }),
  createCase: () => call('create_case'),
  getCase: (id) => call('get_case', { id }),
  saveCase: (c) => call('save_case', { case: c }),
  validateCase: (c) => call('validate_case', { case: c }),
  deleteCase: (id) => call('delete_case', { id }),
  restoreCase: (id) => call('restore_case', { id }),
  /** A new case keeping case `id`'s 推荐单位 (and `keep`: {region, platforms}). */
  duplicateCase: (id, keep) => call('duplicate_case', { id, keep }),
  /** Deletes a new case nothing was typed into; true when it did. */
  discardIfUntouched: (id) => call('discard_if_untouched', { id }),
  /** Ends a pending input-method composition (the clerk moved to another field). */
  resetInputMethod: () => call('reset_input_method'),
  setStatus: (id, status) => call('set_status', { id, status }),
  setOffice: (office) => call('set_office', { office }),
  // Materials. attachFile copies and checks; the editor puts `attachment` into the case.
  attachFile: (path, role) => call('attach_file', { path, role }),
  /** JPEG bytes (ArrayBuffer). */
  thumbnail: (sha256) => call('thumbnail', { sha256 }),
  gcBlobs: () => call('gc_blobs'),
  checkVideoFile: (path) => call('check_video_file', { path }),
  /** [link | null, code | null] from a pasted share text. */
  parseNetdisk: (text) => call('parse_netdisk', { text }),
  // 推荐表 (.docx).
  docxFileName: (c, index) => call('docx_file_name', { case: c, index }),
  generateDocx: (caseId, path) => call('generate_docx', { caseId, path }),
  /** `onProgress({done, total, current})` after each file. */
  generateDocxMany: (ids, dir, onProgress) => callWithProgress('generate_docx_many', { ids, dir }, onProgress),
  cancelGeneration: () => call('cancel_generation'),
  /**
   * 导入推荐表: one outcome per file ({path, case_id, case, revised, report, error});
   * `onProgress({done, total, current})` before each file.
   */
  importDocx: (paths, onProgress) => callWithProgress('import_docx', { paths }, onProgress),
  // 省级汇总 (the provincial desk).
  deskView: () => call('desk_view'),
  setUnit: (unit) => call('set_unit', { unit }),
  importLibrary: (path) => call('import_library', { path }),
  /** `opinion`: '同意' | '不同意' | null; resolves to the refreshed view. */
  setOpinion: (id, opinion) => call('set_opinion', { id, opinion }),
  setOrder: (ids) => call('set_order', { ids }),
  setLibraryOverride: (id, reason) => call('set_library_override', { id, reason }),
  submissionCheck: () => call('submission_check'),
  writeSummary: (path) => call('write_summary', { path }),
  packageFolderName: () => call('package_folder_name'),
  /** `onProgress({done, total, current})` before each step. */
  writePackage: (dir, partBytes, onProgress) => callWithProgress('write_package', { dir, partBytes }, onProgress),
};
