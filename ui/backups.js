// 备份与恢复: the backups of the database (time, why, cases, size, whether the file is sound),
// 立即备份, and restoring one — the current content is backed up first (by the store). When the
// database was found damaged at start, this page opens by itself with the newest sound backup
// marked 推荐 and nothing else of the app available until one is restored.

import { api } from './api.js';
import { h, $, toast, reportError } from './dom.js';
import { errorText, humanSize } from './format.js';
import { confirmDialog } from './dialog.js';

export function createBackups({ onRestored, onClose }) {
  const view = $('#backup-view');
  const rowsEl = $('#backup-rows');
  const note = $('#backup-note');
  let damaged = false;

  async function open({ damagedMessage = null } = {}) {
    damaged = Boolean(damagedMessage);
    view.classList.toggle('damaged', damaged);
    $('#backup-close').hidden = damaged;
    $('#backup-now').hidden = damaged;
    note.hidden = !damaged;
    note.textContent = damaged
      ? `${damagedMessage}\n下面推荐的是最新的一份完好备份。恢复后，损坏的文件会改名保留在原处，可交给技术人员。`
      : '';
    await render();
  }

  async function render() {
    let list;
    try {
      list = await api.listBackups();
    } catch (e) {
      rowsEl.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'error' }, errorText(e))));
      return;
    }
    const offer = list.find((b) => b.ok);
    $('#backup-empty').hidden = list.length > 0;
    rowsEl.replaceChildren(
      ...list.map((b) =>
        h(
          'tr',
          { dataset: { file: b.file }, class: [b.ok ? '' : 'bad', damaged && b === offer ? 'offered' : ''].join(' ').trim() },
          h('td', {}, b.at, damaged && b === offer ? h('span', { class: 'offer-badge' }, '推荐') : null),
          h('td', {}, b.reason_label),
          h('td', { class: 'num' }, b.cases == null ? '—' : `${b.cases} 个`),
          h('td', { class: 'num' }, humanSize(b.bytes)),
          h('td', {}, b.ok ? h('span', { class: 'ok' }, '完好') : h('span', { class: 'error', title: b.problem || '' }, `已损坏：${b.problem || ''}`)),
          h(
            'td',
            {},
            h(
              'button',
              { type: 'button', class: `small restore${damaged && b === offer ? ' primary' : ''}`, disabled: !b.ok, onclick: () => restore(b) },
              '恢复这个备份',
            ),
          ),
        ),
      ),
    );
  }

  async function restore(b) {
    const what = `${b.at}（${b.reason_label}，${b.cases} 个案例）`;
    const yes = await confirmDialog({
      title: '恢复备份',
      message: damaged
        ? `用 ${what} 的备份替换已损坏的数据文件？\n损坏的文件会改名保留在原处，可交给技术人员。`
        : `恢复 ${what} 的备份？\n恢复前会先把当前内容备份一次，恢复错了还可以再恢复回来。`,
      ok: '恢复这个备份',
    });
    if (!yes) return;
    try {
      await api.restoreBackup(b.file);
    } catch (e) {
      reportError(e, { ms: 15000 });
      return;
    }
    // Said after the page has started again on the restored database.
    sessionStorage.setItem(RESTORED_NOTE, `已恢复 ${b.at} 的备份（${b.cases} 个案例）`);
    await onRestored();
  }

  $('#backup-now').addEventListener('click', async () => {
    try {
      const b = await api.backupNow();
      toast(`已备份：${b.file}（${b.cases} 个案例）`);
      await render();
    } catch (e) {
      reportError(e, { ms: 15000 });
    }
  });
  $('#backup-close').addEventListener('click', () => onClose());

  return { open };
}

const RESTORED_NOTE = 'tianbao-restored';

/** The note a restore left for the restarted page ("已恢复 … 的备份"), once; null if none. */
export function takeRestoredNote() {
  const note = sessionStorage.getItem(RESTORED_NOTE);
  sessionStorage.removeItem(RESTORED_NOTE);
  return note;
}
