// Start-up and switching between the case list and the editor.

import { api } from './api.js';
import { $, h, toast, reportError } from './dom.js';
import { createList } from './list.js';
import { createEditor } from './editor.js';
import { createDocx } from './docx.js';
import { createProvince } from './province.js';
import { createExchange } from './exchange.js';
import { createImport } from './import.js';
import { createListDrop } from './listdrop.js';
import { onFileDrop } from './native.js';
import { errorText } from './format.js';
import { createBackups, takeRestoredNote } from './backups.js';
import { createHelp, aboutLines } from './help.js';
import { confirmDialog } from './dialog.js';

function show(view) {
  for (const id of ['fatal', 'list-view', 'province-view', 'editor-view', 'backup-view', 'help-view']) $(`#${id}`).hidden = id !== view;
  document.body.dataset.view = view;
}

function fatal(message, path, { title = '无法打开数据文件', tips = true } = {}) {
  $('#fatal-title').textContent = title;
  $('#fatal-tips').hidden = !tips;
  $('#fatal-msg').textContent = message;
  $('#fatal-path').textContent = path || '（未知）';
  show('fatal');
}

async function main() {
  // Marks read by scripts/bench_app.py: modules loaded, 关于's facts in, the views built, list shown.
  performance.mark('tianbao-modules');
  let info;
  try {
    info = await api.appInfo();
    performance.mark('tianbao-info');
  } catch (e) {
    fatal(errorText(e), '');
    return;
  }
  const c = info.campaign;
  $('#campaign').textContent = `${c.activity_name} · 报送截止 ${c.deadline}`;
  $('#db-path').textContent = info.db_path ? `数据文件：${info.db_path}` : '';
  $('#db-path').title = '请定期备份此文件';
  // 关于, 帮助 and 备份与恢复 work even when the database could not be opened. 帮助 and
  // 备份与恢复 go back to the page they were opened from — from one to the other, to where the
  // first was opened from.
  const aux = ['help-view', 'backup-view'];
  let back = 'list-view';
  const opening = () => {
    if (!aux.includes(document.body.dataset.view)) back = document.body.dataset.view;
  };
  const help = createHelp({ onClose: () => show(back) });
  $('#open-help').addEventListener('click', async () => {
    opening();
    show('help-view');
    try {
      await help.open();
    } catch (e) {
      reportError(e);
    }
  });
  $('#open-about').addEventListener('click', async () => {
    const lines = aboutLines(await api.appInfo().catch(() => info));
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(lines.map(([k, v]) => `${k}：${v}`).join('\n'));
        toast('已复制，可粘贴到微信或邮件中');
      } catch {
        toast('无法复制，请手动抄下以上信息', { error: true });
      }
    };
    await confirmDialog({
      title: '关于 案例填报助手',
      message: '电话求助时，请把下面的信息读给技术人员。',
      ok: '关闭',
      cancel: null,
      wide: true,
      body: () => [
        h('dl', { class: 'about-lines', id: 'about-lines' }, ...lines.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        h('button', { type: 'button', id: 'about-copy', onclick: copy }, '复制以上信息'),
      ],
    });
  });
  const backups = createBackups({
    // After a restore the whole page starts again on the restored database.
    onRestored: async () => window.location.reload(),
    onClose: () => {
      show(back);
      if (back === 'list-view') list?.refresh();
    },
  });
  // Set once the editor exists: a restore replaces the database, so an open case is saved and
  // left (as 返回列表 does) before 备份与恢复 shows — also when 帮助 lies between.
  let leaveEditor = async () => true;
  $('#open-backups').addEventListener('click', async () => {
    opening();
    if (!(await leaveEditor())) return;
    if (back === 'editor-view') back = 'list-view';
    show('backup-view');
    await backups.open();
  });

  let list = null; // the case list, once the database is open
  if (info.damaged) {
    // A damaged database is never shown as a blank app: the backups, the newest sound one
    // offered; nothing else (there is no list to go back to).
    $('#office').hidden = true;
    $('#open-backups').hidden = true;
    show('backup-view');
    await backups.open({ damagedMessage: info.store_error });
    document.body.dataset.ready = 'true';
    return;
  }
  if (info.store_error && info.in_use) {
    // A second window on the same database (no D-Bus session bus to find the first): it says
    // so and writes nothing.
    fatal(info.store_error, info.db_path, { title: '数据文件已在另一个窗口中打开', tips: false });
    $('#office').hidden = true;
    $('#open-backups').hidden = true;
    return;
  }
  if (info.store_error) {
    fatal(info.store_error, info.db_path);
    $('#office').hidden = true;
    $('#open-backups').hidden = true;
    return;
  }
  setOffice(info.identity);

  // The editor goes back to where the case was opened from: the list or 省级汇总.
  let backTo = 'list-view';
  const editor = createEditor({
    info,
    onBack: () => {
      show(backTo);
      if (backTo === 'province-view') province.refresh();
      else {
        list.refresh(lastOpened);
        importer.offerReport();
      }
    },
  });
  let lastOpened = null;
  leaveEditor = async () => !editor.current || editor.close();
  const docx = createDocx({
    // The editor and the list say when a case changed after its 推荐表 was generated.
    onWritten: (written) => {
      const open = editor.current;
      if (open && written.some((w) => w.case_id === open.id)) editor.printedNow(new Date().toISOString());
      if (document.body.dataset.view === 'list-view') list.refresh();
    },
  });
  const province = createProvince({
    info,
    onOpenCase: async (id, field) => {
      try {
        const kase = await api.getCase(id);
        lastOpened = id;
        backTo = 'province-view';
        show('editor-view');
        await editor.open(kase);
        if (field) editor.focusField(field);
      } catch (e) {
        reportError(e);
      }
    },
  });
  $('#to-province').addEventListener('click', async () => {
    show('province-view');
    await province.refresh();
  });
  $('#province-back').addEventListener('click', () => {
    show('list-view');
    list.refresh();
  });
  /** Opens case `id` from the list. `created`: a case just made (not in the store's list yet);
   * `summary`: its list row. */
  const openFromList = async (id, { created = null, summary = null } = {}) => {
    try {
      const kase = created || (await api.getCase(id));
      lastOpened = id;
      backTo = 'list-view';
      show('editor-view');
      await editor.open(kase, { fresh: Boolean(created), ...(summary || {}) });
    } catch (e) {
      reportError(e);
    }
  };
  list = createList({
    onGenerate: (cases) => docx.askMany(cases),
    onConflicts: (s) => exchange.showConflicts(s.id, s.name),
    onHistory: (s) => exchange.showHistory(s.id, s.name),
    onOpen: openFromList,
  });

  const exchange = createExchange({ list, onChanged: () => list.refresh() });
  const importer = createImport({ onOpen: (id) => openFromList(id), onDone: () => list.showAll() });

  document.addEventListener('keydown', (e) => {
    if (document.body.dataset.view !== 'list-view') return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'n') {
      e.preventDefault();
      $('#new-case').click();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      $('#search').focus();
    }
  });

  // 生成推荐表 of the open case: save first, then (draft? confirm) → save dialog → generate.
  $('#gen-docx').addEventListener('click', async () => {
    if (!(await editor.flush({ force: true }))) {
      toast('还有内容没能保存，请先处理保存失败的提示再生成推荐表', { error: true });
      return;
    }
    if (editor.current) await docx.askOne(editor.current);
  });

  // Files dropped on the window (Tauri gives their paths): onto a slot of the open case; on the
  // list, 推荐表 are imported as cases and 交换包 previewed and imported.
  const listDrop = createListDrop({
    importForms: (paths) => importer.importPaths(paths),
    importBundle: (path) => exchange.importPath(path),
  });
  const onDrop = (e) => (document.body.dataset.view === 'editor-view' ? editor.onDrop(e) : listDrop(e));
  onFileDrop(onDrop).catch((e) => console.warn('drag-drop', e));

  // The functions behind the buttons, minus the native dialogs (which WebDriver cannot drive):
  // the e2e tests call these with paths, through the same code the buttons and drops use.
  window.tianbao = {
    caseId: () => (editor.current ? editor.current.id : null),
    /** A drag-drop event as native.onFileDrop hands it on ({type, paths, x, y} in CSS px). */
    drop: (e) => onDrop(e),
    attachPaths: (slot, paths) => editor.attachPaths(slot, paths),
    checkVideoPath: (path) => editor.checkVideoPath(path),
    generateDocx: async (path) => {
      if (!(await editor.flush({ force: true }))) throw new Error('内容没能保存');
      return docx.generateOne(editor.current, path);
    },
    generateDocxMany: (dir) => docx.generateMany(list.selectedCases().map((c) => c.id), dir),
    // 省级汇总: the same functions its buttons call after their dialogs.
    showProvince: async () => {
      show('province-view');
      await province.refresh();
    },
    importLibrary: (path) => province.importLibrary(path),
    setUnit: (unit) => province.setUnit(unit),
    setOpinion: (id, value) => province.setOpinion(id, value),
    setLibraryOverride: (id, reason) => province.setOverride(id, reason),
    checkSubmission: () => province.check(),
    writeSummary: (path) => province.writeSummary(path),
    writePackage: (dir, partBytes) => province.writePackage(dir, partBytes),
    exportBundle: (path, opts) => exchange.exportTo(path, opts),
    /** Opens the preview dialog (the test clicks 导入 / 取消); resolves when it is decided. */
    importBundle: (path, passphrase) => exchange.importPath(path, passphrase),
    showConflicts: (id, name) => exchange.showConflicts(id, name),
    showHistory: (id, name) => exchange.showHistory(id, name),
    /** 导入推荐表: resolves with one outcome per file once imported; the report stays open. */
    importDocx: (paths) => importer.importPaths(paths),
  };

  $('#office-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      setOffice(await api.setOffice($('#office-input').value.trim()));
      $('#office').open = false;
      toast('已保存填报单位');
    } catch (err) {
      reportError(err);
    }
  });

  // Closing the window (the × button, Alt+F4, the system shutting down the session) first saves
  // what was typed. If that save fails the window stays open once, with the error shown.
  const win = window.__TAURI__?.window?.getCurrentWindow?.();
  let warned = false;
  if (win) {
    await win.onCloseRequested(async (event) => {
      const ok = await editor.flush({ force: true });
      if (!ok && !warned) {
        warned = true;
        event.preventDefault();
        toast('内容没能保存（见上方提示）。再次关闭窗口将放弃未保存的内容。', { error: true, ms: 15000 });
      }
    });
  }

  // No refresh when the window is focused again: while it is open no other program can write
  // into its database (the store's one-writer lock; the command line is refused), so the list
  // is what this window made it.

  show('list-view');
  performance.mark('tianbao-views');
  const first = await list.showFirst();
  const restored = takeRestoredNote();
  if (restored) toast(restored);
  $('#search').focus();
  document.body.dataset.ready = 'true';
  performance.mark('tianbao-ready'); // read by scripts/bench_app.py (launch → the list's first screen shown)
  // Copies of attachments that no case uses any more (e.g. after a crash mid-undo).
  editor.gc();
  // The start-of-day backup, once the whole list is read (at 5,000 cases it takes 0.4 s). A
  // failure is said, with what to do; the work goes on.
  first.rest
    .then(() => api.backupIfDue())
    .catch((e) => reportError(e, { prefix: '今天的自动备份没有做成（可在“备份与恢复”中点“立即备份”再试）：', ms: 15000 }));
}

function setOffice(identity) {
  const office = identity && identity.office ? identity.office : '';
  $('#office-label').textContent = `填报单位：${office || '未设置'}`;
  $('#office-input').value = office;
  if (identity && identity.device) $('#office-label').title = `本机标识：${identity.device}`;
}

main();
