// The case list: search over 姓名/地区/账号, filter by status or 回收站, completeness per case;
// tick cases to generate their 推荐表 together (生成推荐表（N）).

import { api } from './api.js';
import { h, $, $$, toast, reportError } from './dom.js';
import { shortTime, STATUS_LABEL } from './format.js';
import { caseLabel } from './labels.js';

export function createList({ onOpen, onGenerate }) {
  const rows = $('#case-rows');
  const empty = $('#list-empty');
  const search = $('#search');
  const selectAll = $('#select-all');
  const genMany = $('#gen-many');
  let filter = 'all';
  let seq = 0;
  let shown = []; // the summaries listed, in order
  const selected = new Set(); // ids ticked (only of listed cases)

  function query() {
    return {
      text: search.value.trim(),
      status: filter === 'draft' || filter === 'ready' ? filter : null,
      trash: filter === 'trash',
    };
  }

  async function refresh(focusId) {
    const my = ++seq;
    let list;
    try {
      list = await api.listCases(query());
    } catch (e) {
      reportError(e);
      return;
    }
    if (my !== seq) return; // a newer search is on its way
    shown = filter === 'trash' ? [] : list;
    const listed = new Set(shown.map((s) => s.id));
    for (const id of [...selected]) if (!listed.has(id)) selected.delete(id);
    document.body.classList.toggle('trash-view', filter === 'trash');
    rows.replaceChildren(...list.map(row));
    updateSelection();
    $('#list-count').textContent = `共 ${list.length} 个案例`;
    empty.hidden = list.length > 0;
    empty.textContent =
      filter === 'trash'
        ? '回收站是空的。'
        : query().text
          ? '没有找到符合条件的案例。'
          : '还没有案例。点击“新建案例”开始填写。';
    if (focusId) $(`tr[data-id="${focusId}"] .open`, rows)?.focus();
  }

  function row(s) {
    const trash = filter === 'trash';
    const issues = [];
    if (s.errors) issues.push(h('span', { class: 'error' }, `${s.errors} 错误`));
    if (s.warnings) issues.push(h('span', { class: 'warning' }, `${s.warnings} 提醒`));
    if (!issues.length) issues.push(h('span', { class: 'ok' }, '无'));
    const actions = trash
      ? [h('button', { type: 'button', class: 'small', onclick: () => restore(s) }, '恢复')]
      : [
          h('button', { type: 'button', class: 'small open', onclick: () => onOpen(s.id) }, '打开'),
          h('button', { type: 'button', class: 'small', onclick: () => duplicate(s) }, '复制'),
          h('button', { type: 'button', class: 'small danger', onclick: () => remove(s) }, '删除'),
        ];
    const pick = trash
      ? null
      : h('input', {
          type: 'checkbox',
          class: 'sel',
          'aria-label': `选择“${caseLabel(s)}”`,
          checked: selected.has(s.id),
          onchange: (e) => {
            if (e.target.checked) selected.add(s.id);
            else selected.delete(s.id);
            updateSelection();
          },
        });
    const tr = h(
      'tr',
      { dataset: { id: s.id }, class: trash ? 'trashed' : '' },
      h('td', { class: 'c-sel' }, pick),
      h('td', { class: 'c-name' }, clip(caseLabel(s), s.title)),
      h('td', { class: 'c-region' }, clip(s.region || '—')),
      h('td', { class: 'c-account' }, clip(s.account || '—')),
      h('td', { class: 'c-status' }, h('span', { class: `status-badge ${s.status}` }, STATUS_LABEL[s.status] || s.status)),
      h(
        'td',
        { class: 'c-complete' },
        h('progress', { max: 100, value: s.completeness, 'aria-label': `完成度 ${s.completeness}%` }),
        h('span', { class: 'pct' }, `${s.completeness}%`),
      ),
      h('td', { class: 'c-issues' }, ...issues),
      h('td', { class: 'c-time' }, shortTime(s.updated_at)),
      h('td', { class: 'c-actions' }, h('div', { class: 'actions' }, ...actions)),
    );
    if (!trash) tr.addEventListener('dblclick', () => onOpen(s.id));
    return tr;
  }

  function updateSelection() {
    const n = selected.size;
    genMany.textContent = n ? `生成推荐表（${n}）` : '生成推荐表';
    genMany.disabled = n === 0;
    genMany.classList.toggle('accent', n > 0);
    genMany.title = n ? `把勾选的 ${n} 个案例各生成一个 Word 推荐表（.docx）` : '先勾选要生成推荐表的案例';
    genMany.hidden = filter === 'trash';
    selectAll.checked = n > 0 && n === shown.length;
    selectAll.indeterminate = n > 0 && n < shown.length;
    selectAll.disabled = shown.length === 0;
    for (const tr of rows.children) tr.classList.toggle('selected', selected.has(tr.dataset.id));
  }

  /** The ticked cases, in list order. */
  function selectedCases() {
    return shown.filter((s) => selected.has(s.id));
  }

  selectAll.addEventListener('change', () => {
    if (selectAll.checked) for (const s of shown) selected.add(s.id);
    else selected.clear();
    for (const cb of rows.querySelectorAll('input.sel')) cb.checked = selected.has(cb.closest('tr').dataset.id);
    updateSelection();
  });
  genMany.addEventListener('click', () => onGenerate(selectedCases()));

  // Long values are cut with an ellipsis; the whole value is in the tooltip.
  function clip(text, sub) {
    return h('span', { class: 'clip', title: sub ? `${text}\n${sub}` : text }, text);
  }

  // The row's actions: the store does it, the toast says so, the list is drawn again.
  const act = (run) => (s) => run(s, caseLabel(s)).catch((e) => reportError(e));
  const remove = act(async (s, name) => {
    await api.deleteCase(s.id);
    toast(`已把“${name}”移到回收站`, { action: { label: '撤销', run: () => restore(s) } });
    await refresh();
  });
  const restore = act(async (s, name) => {
    await api.restoreCase(s.id);
    toast(`已恢复“${name}”`);
    await refresh();
  });
  const duplicate = act(async (s, name) => {
    const c = await api.duplicateCase(s.id);
    toast(`已复制“${name}”`);
    await refresh(c.id);
  });

  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => refresh(), 150);
  });
  for (const r of $$('input[name=filter]')) {
    r.addEventListener('change', () => {
      filter = r.value;
      refresh();
    });
  }
  $('#new-case').addEventListener('click', async () => {
    try {
      const c = await api.createCase();
      onOpen(c.id, c);
    } catch (e) {
      reportError(e);
    }
  });

  return { refresh, selectedCases };
}
