// 生成推荐表: the Word form of the open case (a save dialog), or of the cases ticked in the list
// (a folder, one file each: 01_李明_推荐表.docx …) with progress and 取消 between files.
// The core builds and writes the files on a worker thread; the window stays responsive.
//
// `generateOne(kase, path)` and `generateMany(ids, dir)` are the functions behind the buttons
// (the buttons ask for the path with a native dialog first); tests call them directly.

import { api } from './api.js';
import { toast, reportError, showJob, setJob, hideJob, cancelButton } from './dom.js';
import { confirmDialog } from './dialog.js';
import * as native from './native.js';
import { caseLabel } from './labels.js';

const LAST_DIR = 'tianbao.docx.lastDir';

function lastDir() {
  try {
    return localStorage.getItem(LAST_DIR) || '';
  } catch {
    return '';
  }
}

function rememberDir(dir) {
  try {
    if (dir) localStorage.setItem(LAST_DIR, dir);
  } catch {
    /* private storage off: no default folder next time */
  }
}

/** @param {{onWritten?: (written: Array<{case_id: string}>) => void}} [o] */
export function createDocx({ onWritten = () => {} } = {}) {
  let running = false;

  function openActions(file) {
    return [
      { label: '打开文件', run: () => native.openPath(file).catch((e) => reportError(e)) },
      { label: '打开所在文件夹', run: () => native.revealInFolder(file).catch((e) => reportError(e)) },
    ];
  }

  function busyGuard() {
    if (running) {
      toast('正在生成推荐表，请等当前的完成或取消后再试', { error: true });
      return true;
    }
    return false;
  }

  /** Runs `work` as the one generation at a time, its progress shown in the footer. */
  async function asJob(text, opts, work) {
    if (busyGuard()) return null;
    running = true;
    const { cancellable = false, ...bar } = opts;
    showJob(text, { ...bar, buttons: cancellable ? [cancelButton('job-cancel', () => api.cancelGeneration().catch(() => {}))] : [] });
    try {
      return await work();
    } catch (e) {
      reportError(e, { ms: 15000 });
      throw e;
    } finally {
      running = false;
      hideJob();
    }
  }

  /** Writes the 推荐表 of the (saved) case `kase` to `path`. Resolves with what was written. */
  function generateOne(kase, path) {
    return asJob(`正在生成“${caseLabel(kase)}”的推荐表…`, {}, async () => {
      const w = await api.generateDocx(kase.id, path);
      rememberDir(native.dirOf(w.path));
      onWritten([w]);
      toast(`已生成推荐表：${w.file_name}${w.draft ? '（带“草稿”字样）' : ''}`, { actions: openActions(w.path), ms: 20000 });
      return w;
    });
  }

  /** Writes the 推荐表 of each case in `ids` (in that order) into `dir`. */
  function generateMany(ids, dir) {
    const total = ids.length;
    return asJob(`正在生成 1/${total}…`, { cancellable: true, value: 0, max: total }, async () => {
      const out = await api.generateDocxMany(ids, dir, (p) => {
        if (p.done >= p.total) return;
        setJob(`正在生成 ${p.done + 1}/${p.total}…${p.current ? `（${p.current}）` : ''}`, p.done);
      });
      rememberDir(dir);
      onWritten(out.written);
      const n = out.written.length;
      const drafts = out.written.filter((w) => w.draft).length;
      let msg = out.cancelled ? `已取消：生成了 ${n}/${total} 个推荐表` : `已生成 ${n} 个推荐表`;
      if (n > 1) msg += '（按姓名拼音顺序编号）';
      if (n) msg += `，保存在 ${dir}`;
      if (drafts) msg += `（其中 ${drafts} 个带“草稿”字样）`;
      if (out.failed.length) {
        msg += `。${out.failed.length} 个未能生成：` + out.failed.map((f) => `${f.case}（${f.message}）`).join('；');
      }
      const first = out.written[0];
      const actions = first ? (n === 1 ? openActions(first.path) : [openActions(first.path)[1]]) : [];
      toast(msg, { error: out.failed.length > 0, actions, ms: out.failed.length ? 60000 : 20000 });
      return out;
    });
  }

  function askDraft(message) {
    return confirmDialog({ title: '生成带“草稿”字样的推荐表？', message, ok: '仍要生成' });
  }

  /** The editor's button: confirm a draft, ask where to save, generate. */
  async function askOne(kase) {
    if (busyGuard()) return;
    if (kase.status !== 'ready' && !(await askDraft('该案例未标记完成，推荐表将带“草稿”字样（页眉注明“请勿盖章”）。'))) return;
    let path;
    try {
      const name = await api.docxFileName(kase, 1);
      path = await native.pickSavePath({
        title: '保存推荐表',
        defaultPath: native.joinPath(lastDir(), name),
        filters: native.FILTERS.docx,
      });
    } catch (e) {
      reportError(e);
      return;
    }
    if (!path) return;
    if (!/\.docx$/i.test(path)) path += '.docx';
    await generateOne(kase, path).catch(() => {});
  }

  /**
   * The list's button: confirm drafts, pick a folder, generate. `cases`: summaries, in the order
   * the files are numbered (01_…, 02_…: by 姓名 in pinyin order, see list.selectedCases).
   */
  async function askMany(cases) {
    if (busyGuard() || !cases.length) return;
    const drafts = cases.filter((c) => c.status !== 'ready').length;
    if (drafts) {
      const text =
        cases.length === 1
          ? '该案例未标记完成，推荐表将带“草稿”字样（页眉注明“请勿盖章”）。'
          : `所选 ${cases.length} 个案例中有 ${drafts} 个未标记完成，它们的推荐表将带“草稿”字样（页眉注明“请勿盖章”）。`;
      if (!(await askDraft(text))) return;
    }
    let dir;
    try {
      dir = await native.pickFolder({ title: `选择保存 ${cases.length} 个推荐表的文件夹`, defaultPath: lastDir() });
    } catch (e) {
      reportError(e);
      return;
    }
    if (!dir) return;
    await generateMany(
      cases.map((c) => c.id),
      dir,
    ).catch(() => {});
  }

  return {
    generateOne,
    generateMany,
    askOne,
    askMany,
    get running() {
      return running;
    },
  };
}
