// 案例交换: cases carried between offices on a USB stick (.tianbao bundles).
//
// - 导出交换包: the ticked cases (or all), an optional passphrase (it protects the ID scans on a
//   stick that can be lost), a save dialog with the core's name (台江县商务局_2024-05-10_12例).
// - 导入交换包: each file is verified and previewed first (nothing written): what is new,
//   updated, unchanged, merged, in conflict, deleted elsewhere, possibly the same person; 导入
//   applies it in one go, 取消 forgets it.
// - 有冲突: per field, every office's value with its 字数; take one, or edit a text and take that.
// - 历史: who (office), when, which fields.
//
// The functions behind the buttons take paths (the buttons ask with native dialogs first), so
// the e2e tests call them directly, as they do for the 推荐表.

import { call } from './api.js';
import { h, $, toast, reportError, showJob, hideJob } from './dom.js';
import * as native from './native.js';
import { confirmDialog } from './dialog.js';
import { humanSize, shortTime } from './format.js';

const FILTER = [{ name: '案例交换包（.tianbao）', extensions: ['tianbao', 'TIANBAO'] }];
const LAST_DIR = 'tianbao.exchange.lastDir';

function remembered() {
  try {
    return localStorage.getItem(LAST_DIR) || '';
  } catch {
    return '';
  }
}

function remember(path) {
  try {
    const d = native.dirOf(path);
    if (d) localStorage.setItem(LAST_DIR, d);
  } catch {
    /* no default folder next time */
  }
}

/** The exchange's dialogs: the app's dialog with content and buttons of their own
 * (`build(close)`); resolves with what close() was given, null for Esc. */
function modal(title, build, { wide = false, id = 'x-dialog' } = {}) {
  return confirmDialog({ title, body: build, ok: null, cancel: null, wide, id }).then((v) => (v === false ? null : v));
}

function buttons(...list) {
  return h('div', { class: 'x-buttons' }, ...list);
}

export function createExchange({ list, onChanged }) {
  let busy = false;

  function guard() {
    if (busy) {
      toast('正在处理交换包，请稍候', { error: true });
      return true;
    }
    return false;
  }

  // ---- 导出 -------------------------------------------------------------------------------------

  /** Asks for an optional passphrase: '' for none, null when cancelled. */
  function askPassphrase(count) {
    return modal('导出交换包', (close) => {
      const use = h('input', { type: 'checkbox', id: 'x-use-pass' });
      const p1 = h('input', { type: 'password', id: 'x-pass1', autocomplete: 'new-password', disabled: true });
      const p2 = h('input', { type: 'password', id: 'x-pass2', autocomplete: 'new-password', disabled: true });
      const err = h('p', { class: 'x-error', id: 'x-pass-error', role: 'alert' });
      use.addEventListener('change', () => {
        p1.disabled = p2.disabled = !use.checked;
        if (use.checked) p1.focus();
      });
      const ok = h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'x-export-ok',
          onclick: () => {
            if (!use.checked) return close('');
            if (p1.value.length < 4) {
              err.textContent = '口令至少 4 个字符';
              p1.focus();
              return;
            }
            if (p1.value !== p2.value) {
              err.textContent = '两次输入的口令不一致，请重新输入';
              p2.focus();
              return;
            }
            close(p1.value);
          },
        },
        '选择保存位置…',
      );
      return [
        h('p', {}, `把 ${count} 个案例（含修改记录、照片和身份证扫描件，不含视频）写进一个文件，用U盘带到其他单位导入。`),
        h('label', { class: 'x-check' }, use, ' 设置口令（U盘丢失时保护身份证等个人信息；对方导入时须输入同一口令）'),
        h('div', { class: 'x-pass' }, h('label', {}, '口令 ', p1), h('label', {}, '再输一次 ', p2)),
        err,
        buttons(h('button', { type: 'button', id: 'x-cancel', onclick: () => close(null) }, '取消'), ok),
      ];
    });
  }

  /** Writes the cases `ids` (empty: every case) into `path`. */
  async function exportTo(path, { ids = [], passphrase = '' } = {}) {
    if (guard()) return null;
    busy = true;
    showJob('正在导出交换包…');
    try {
      const r = await call('export_bundle', { ids, path, passphrase: passphrase || null });
      remember(r.path);
      toast(`已导出交换包：${r.cases} 个案例，${r.files} 个附件，${humanSize(r.bytes)}${r.encrypted ? '，已加口令' : ''}`, {
        ms: 20000,
        actions: [{ label: '打开所在文件夹', run: () => native.revealInFolder(r.path).catch((e) => reportError(e)) }],
      });
      return r;
    } catch (e) {
      reportError(e, { ms: 20000 });
      throw e;
    } finally {
      busy = false;
      hideJob();
    }
  }

  async function askExport() {
    const picked = list.selectedCases().map((c) => c.id);
    const count = picked.length || list.count();
    if (!count) {
      toast('还没有可以导出的案例', { error: true });
      return;
    }
    const pass = await askPassphrase(count);
    if (pass === null) return;
    let name;
    try {
      name = await call('bundle_default_name', { count });
    } catch (e) {
      reportError(e);
      return;
    }
    const dir = remembered();
    const path = await native.pickSavePath({
      title: '保存交换包（可直接选U盘）',
      defaultPath: dir ? native.joinPath(dir, name) : name,
      filters: FILTER,
    });
    if (!path) return;
    await exportTo(/\.tianbao$/i.test(path) ? path : `${path}.tianbao`, { ids: picked, passphrase: pass }).catch(() => {});
  }

  // ---- 导入 -------------------------------------------------------------------------------------

  /** 'new' | 'fast_forward' | 'unchanged' | 'merged' | 'conflict' | 'deleted_elsewhere'. */
  function outcomeOf(c) {
    const o = typeof c.outcome === 'string' ? c.outcome : Object.keys(c.outcome || {})[0] || '';
    return o === 'merged' && c.conflicts.length ? 'conflict' : o;
  }

  function previewTable(p) {
    const rows = p.cases.map((c) =>
      h(
        'tr',
        { class: `o-${outcomeOf(c)}` },
        h('td', {}, c.name || '未命名案例'),
        h('td', {}, c.outcome_label),
        h(
          'td',
          {},
          [
            c.conflicts.length ? `有冲突的栏目：${c.conflicts.join('、')}` : '',
            ...c.same_person.map((s) => `可能与“${s.name}”是同一人（${s.reason}）`),
          ]
            .filter(Boolean)
            .join('；'),
        ),
      ),
    );
    return h(
      'table',
      { class: 'x-table', id: 'x-preview-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '姓名'), h('th', {}, '导入后'), h('th', {}, '说明'))),
      h('tbody', {}, ...rows),
    );
  }

  /**
   * Verifies and previews the bundle at `path`, shows what it would do; 导入 applies it.
   * Resolves with the report, or null when cancelled.
   */
  async function importPath(path, passphrase = null) {
    if (guard()) return null;
    let pass = passphrase;
    try {
      if (pass == null && (await call('bundle_encrypted', { path }))) {
        pass = await askImportPassphrase(path);
        if (pass == null) return null;
      }
    } catch (e) {
      reportError(e, { ms: 20000 });
      return null;
    }
    busy = true;
    let preview;
    try {
      preview = await call('preview_bundle', { path, passphrase: pass });
    } catch (e) {
      busy = false;
      reportError(e, { ms: 30000 });
      throw e;
    }
    const nothing = preview.cases.every((c) => outcomeOf(c) === 'unchanged');
    const go = await modal(
      '导入交换包',
      (close) => [
        h('p', { class: 'x-file' }, `文件：${preview.file}`),
        h('p', {}, `来自：${preview.office || '未设置单位'}，导出于 ${shortTime(preview.created_at)}${preview.encrypted ? '（有口令）' : ''}`),
        h('p', { class: 'x-summary', id: 'x-summary' }, preview.summary),
        previewTable(preview),
        preview.conflicts
          ? h('p', { class: 'x-note' }, '有冲突的案例：两边改了同一栏目。导入后两边的内容都会保留，请在列表中点“有冲突”逐项选择。')
          : null,
        buttons(
          h('button', { type: 'button', id: 'x-cancel', onclick: () => close(false) }, nothing ? '关闭' : '取消'),
          nothing ? null : h('button', { type: 'button', class: 'primary', id: 'x-apply', onclick: () => close(true) }, '导入'),
        ),
      ],
      { wide: true },
    );
    try {
      if (!go) {
        await call('drop_bundle');
        if (nothing) toast('这个交换包已经导入过，没有任何变化');
        return null;
      }
      const r = await call('apply_bundle');
      toast(`已导入：${r.summary}`, { ms: 20000 });
      await onChanged();
      return r;
    } catch (e) {
      reportError(e, { ms: 30000 });
      throw e;
    } finally {
      busy = false;
    }
  }

  function askImportPassphrase(path) {
    return modal('输入交换包口令', (close) => {
      const p = h('input', { type: 'password', id: 'x-import-pass', autocomplete: 'off' });
      p.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') close(p.value);
      });
      setTimeout(() => p.focus(), 0);
      return [
        h('p', {}, `“${path.split(/[\\/]/).pop()}”设置了口令，请输入导出单位告诉您的口令。`),
        h('label', {}, '口令 ', p),
        buttons(
          h('button', { type: 'button', id: 'x-cancel', onclick: () => close(null) }, '取消'),
          h('button', { type: 'button', class: 'primary', id: 'x-pass-ok', onclick: () => close(p.value) }, '确定'),
        ),
      ];
    });
  }

  async function askImport() {
    const paths = await native.pickFiles({ title: '选择交换包（.tianbao）', filters: [...FILTER, ...native.FILTERS.any], multiple: true });
    for (const p of paths) {
      try {
        await importPath(p);
      } catch {
        /* shown; go on with the next file */
      }
    }
  }

  // ---- 冲突 -------------------------------------------------------------------------------------

  function who(ch) {
    if (ch.mine) return '本单位的版本';
    return ch.offices.length ? `${ch.offices.join('、')}的版本` : '对方的版本';
  }

  /** Shows the open conflicts of case `id`, field by field; resolves when closed. */
  async function showConflicts(id, name = '') {
    let views;
    try {
      views = await call('case_conflicts', { id });
    } catch (e) {
      reportError(e);
      return;
    }
    if (!views.length) {
      toast('这个案例没有待处理的冲突');
      return;
    }
    await modal(
      `处理冲突：${name || '未命名案例'}`,
      (close) => {
        const body = h('div', { class: 'x-conflicts', id: 'x-conflicts' });
        const render = () => {
          body.replaceChildren(
            ...views.map((c) => {
              const take = async (value) => {
                try {
                  await call('resolve_conflict', { id, field: c.field, value });
                  views = views.filter((v) => v.field !== c.field);
                  toast(`已处理“${c.label}”`);
                  if (!views.length) {
                    close(true);
                    toast('冲突已全部处理');
                    await onChanged();
                  } else render();
                } catch (e) {
                  reportError(e, { ms: 15000 });
                }
              };
              const edit = c.editable
                ? h('textarea', { class: 'x-edit', rows: 4, 'aria-label': `编辑“${c.label}”` })
                : null;
              if (edit) edit.value = (c.choices.find((ch) => ch.mine) || c.choices[0]).text;
              return h(
                'section',
                { class: 'x-conflict', dataset: { field: c.field } },
                h('h3', {}, c.label),
                c.base_text ? h('p', { class: 'x-base' }, `原来的内容：${c.base_text}`) : null,
                ...c.choices.map((ch, i) =>
                  h(
                    'div',
                    { class: `x-choice${ch.mine ? ' mine' : ''}` },
                    h('div', { class: 'x-who' }, `${who(ch)}（${ch.words} 字）`),
                    h('div', { class: 'x-text' }, ch.text || '（空）'),
                    h('button', { type: 'button', class: 'small x-take', dataset: { choice: i }, onclick: () => take(ch.value) }, '采用这一版'),
                  ),
                ),
                edit
                  ? h(
                      'div',
                      { class: 'x-choice' },
                      h('div', { class: 'x-who' }, '或者编辑后采用：'),
                      edit,
                      h('button', { type: 'button', class: 'small x-take-edit', onclick: () => take(edit.value) }, '采用编辑后的内容'),
                    )
                  : null,
              );
            }),
          );
        };
        render();
        return [
          h('p', {}, '两个单位改了同一栏目。请逐项选择要保留的内容；没有选择前，两边的内容都保留着，案例不能标记为完成。'),
          body,
          buttons(h('button', { type: 'button', id: 'x-cancel', onclick: () => close(false) }, '稍后处理')),
        ];
      },
      { wide: true },
    );
  }

  // ---- 历史 -------------------------------------------------------------------------------------

  async function showHistory(id, name = '') {
    let entries;
    try {
      entries = await call('case_history', { id });
    } catch (e) {
      reportError(e);
      return;
    }
    await modal(
      `修改历史：${name || '未命名案例'}`,
      (close) => [
        h(
          'table',
          { class: 'x-table', id: 'x-history' },
          h('thead', {}, h('tr', {}, h('th', {}, '序号'), h('th', {}, '时间'), h('th', {}, '单位'), h('th', {}, '操作'), h('th', {}, '改动的栏目'))),
          h(
            'tbody',
            {},
            ...entries
              .slice()
              .reverse()
              .map((e) =>
                h(
                  'tr',
                  {},
                  h('td', {}, String(e.number)),
                  h('td', {}, shortTime(e.at)),
                  h('td', {}, e.office || '未设置单位'),
                  h('td', {}, `${e.kind_label}${e.exported ? '（已导出）' : ''}${e.conflicts ? `，${e.conflicts} 处冲突` : ''}`),
                  h('td', { class: 'x-changed' }, e.changed.length ? e.changed.join('、') : '—'),
                ),
              ),
          ),
        ),
        buttons(h('button', { type: 'button', id: 'x-cancel', onclick: () => close() }, '关闭')),
      ],
      { wide: true },
    );
  }

  $('#export-bundle')?.addEventListener('click', () => askExport());
  $('#import-bundle')?.addEventListener('click', () => askImport());

  return { exportTo, importPath, showConflicts, showHistory, askExport, askImport };
}
