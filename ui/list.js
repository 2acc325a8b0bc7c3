// The case list: search over 姓名/地区/账号/推荐单位/电话/直播领域, filter by status, by 材料未齐 or
// the 回收站; per case its status, whether its materials are complete, two cases of one person,
// a 推荐表 out of date, completeness; tick cases to generate their 推荐表 together.

import { api } from './api.js';
import { h, $, $$, toast, reportError } from './dom.js';
import { shortTime, STATUS_LABEL } from './format.js';
import { caseLabel, sortByName } from './labels.js';
import { confirmDialog } from './dialog.js';
import { createRowWindow } from './rowwindow.js';

/** Rows read first at start: more than a screen holds (a 1080-pixel screen shows about 20). */
const FIRST_SCREEN = 60;

export function createList({ onOpen, onGenerate, onConflicts = () => {}, onHistory = () => {} }) {
  const rows = $('#case-rows');
  const empty = $('#list-empty');
  const search = $('#search');
  const selectAll = $('#select-all');
  const genMany = $('#gen-many');
  let filter = 'all';
  let seq = 0;
  let shown = []; // the summaries listed, in order
  const selected = new Set(); // ids ticked (only of listed cases)
  // Only the rows in view are drawn (rowwindow.js): a list of thousands costs a screenful.
  const drawn = createRowWindow({
    scroller: rows.closest('.table-wrap'),
    body: rows,
    above: $('#rows-above'),
    below: $('#rows-below'),
    make: row,
  });

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
    apply(list, focusId);
  }

  /**
   * At start: the first screen at once, then the whole list — read in one go it takes 0.15 s
   * more at 5,000 cases (the count says so meanwhile). Resolves once the first screen is drawn,
   * with `rest`: the whole list's reading.
   */
  async function showFirst(n = FIRST_SCREEN) {
    const my = ++seq;
    let head;
    try {
      head = await api.listCases({ ...query(), limit: n });
    } catch (e) {
      reportError(e);
      return { rest: Promise.resolve() };
    }
    if (my !== seq) return { rest: Promise.resolve() };
    apply(head);
    if (head.length < n) return { rest: Promise.resolve() }; // that was all of it
    $('#list-count').textContent = `正在读取全部案例（已显示前 ${n} 个）…`;
    return { rest: refresh() };
  }

  function apply(list, focusId) {
    if (filter === 'missing') list = list.filter((s) => s.missing_materials && s.missing_materials.length);
    shown = filter === 'trash' ? [] : list;
    const listed = new Set(shown.map((s) => s.id));
    for (const id of [...selected]) if (!listed.has(id)) selected.delete(id);
    document.body.classList.toggle('trash-view', filter === 'trash');
    drawn.set(list);
    updateSelection();
    $('#list-count').textContent = `共 ${list.length} 个案例`;
    empty.hidden = list.length > 0;
    empty.textContent =
      filter === 'trash'
        ? '回收站是空的。'
        : query().text || filter !== 'all'
          ? '没有找到符合条件的案例。'
          : '还没有案例。点击“新建案例”开始填写。';
    if (focusId) drawn.reveal(list.findIndex((s) => s.id === focusId))?.querySelector('.open')?.focus();
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
          h('button', { type: 'button', class: 'small open', onclick: () => onOpen(s.id, { summary: s }) }, '打开'),
          h('button', { type: 'button', class: 'small', onclick: () => duplicate(s) }, '复制'),
          h('button', { type: 'button', class: 'small history', title: '哪个单位、什么时候、改了哪些栏目', onclick: () => onHistory(s) }, '历史'),
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
      { dataset: { id: s.id }, class: trash ? 'trashed' : selected.has(s.id) ? 'selected' : '' },
      h('td', { class: 'c-sel' }, pick),
      h('td', { class: 'c-name' }, clip(caseLabel(s), s.title)),
      h('td', { class: 'c-region' }, clip(s.region || '—')),
      h('td', { class: 'c-account' }, clip(s.account || '—')),
      h('td', { class: 'c-status' }, ...badges(s)),
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
    if (!trash) tr.addEventListener('dblclick', () => onOpen(s.id, { summary: s }));
    return tr;
  }

  // 状态: 草稿/已完成, then what the clerk must not miss: materials, a second form of one
  // person, a printed 推荐表 that no longer matches the case.
  function badges(s) {
    const out = [h('span', { class: `status-badge ${s.status}` }, STATUS_LABEL[s.status] || s.status)];
    const missing = s.missing_materials || [];
    if (filter !== 'trash') {
      out.push(
        missing.length
          ? h('span', { class: 'badge missing', title: `还缺：${missing.join('、')}` }, '材料未齐')
          : h('span', { class: 'badge complete', title: '照片、身份证扫描件和视频链接都已提供' }, '材料齐全'),
      );
      if (s.same_person && s.same_person.length) {
        const who = s.same_person.map((m) => `“${m.name}”（${m.reason}）`).join('、');
        out.push(h('span', { class: 'badge same', title: `可能与 ${who} 是同一人，请核对，一人只报一份` }, '同一人？'));
      }
      if (s.printed_stale) {
        out.push(h('span', { class: 'badge stale', title: `推荐表生成于 ${shortTime(s.printed_at)}，之后内容有改动` }, '推荐表需重新生成'));
      }
      if (s.conflicts) {
        out.push(
          h(
            'button',
            { type: 'button', class: 'small conflict-badge', title: '两个单位改了同一栏目：点此逐项选择', onclick: () => onConflicts(s) },
            `有冲突 ${s.conflicts}`,
          ),
        );
      }
    }
    return out;
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

  /** The ticked cases, in the order their 推荐表 files are numbered: by 姓名, pinyin order. */
  function selectedCases() {
    return sortByName(shown.filter((s) => selected.has(s.id)));
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
  // 复制: a new case for the next person of the same 推荐单位 (never a copy of the person).
  const duplicate = act(async (s, name) => {
    const keep = await confirmDialog({
      title: '复制为同一推荐单位的新案例',
      message: `新案例沿用“${name}”的推荐单位、负责人和联系方式，用于填写同一单位推荐的下一个人。姓名等个人信息、案例文字、照片、身份证和视频都不复制。\n另外保留：`,
      choices: [
        { key: 'region', label: '所在地区（省、市、县、乡镇、村）' },
        { key: 'platforms', label: '直播平台', checked: false },
      ],
      ok: '新建案例',
    });
    if (!keep) return;
    const c = await api.duplicateCase(s.id, keep);
    toast(`已新建案例（沿用“${name}”的推荐单位）`, { action: { label: '打开', run: () => onOpen(c.id) } });
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
      onOpen(c.id, { created: c });
    } catch (e) {
      reportError(e);
    }
  });

  /** Every case again (search cleared, filter 全部): after cases were imported, so they show. */
  function showAll() {
    search.value = '';
    filter = 'all';
    for (const r of $$('input[name=filter]')) r.checked = r.value === 'all';
    return refresh();
  }

  return { refresh, showFirst, showAll, selectedCases, count: () => shown.length };
}
