// 省级汇总: the provincial coordinator's view. Every case with its county, status, completeness
// and flags (案例库, 非本单位, errors/warnings), filter and sort, the order of the submission
// (↑ ↓), 省级意见 per case, the counter "同意 14 / 20"; importing the 案例库 list; the check of
// the whole submission (each finding opens the case at its field); the 汇总表 and the package
// with progress and 取消.
//
// `importLibrary(path)`, `setOpinion(id, v)`, `writePackage(dir)` … are the functions behind the
// buttons (the buttons ask for paths with native dialogs first); the e2e tests call them.

import { api } from './api.js';
import { h, $, toast, clearToast, showJob, setJob, hideJob, cancelButton } from './dom.js';
import * as native from './native.js';
import { errorText, STATUS_LABEL } from './format.js';

const OPINIONS = ['同意', '不同意'];

export function createProvince({ info, onOpenCase }) {
  const rows = $('#province-rows');
  const counter = $('#agree-counter');
  const unitSelect = $('#unit-select');
  const search = $('#province-search');
  const filterSel = $('#province-filter');
  const sortSel = $('#province-sort');
  const checkPanel = $('#check-panel');
  let desk = null;
  let running = false;

  // The 37 submitting units.
  const d = info.dicts;
  const units = [...d.provinces, ...d.separately_planned_cities, ...d.corps];
  unitSelect.replaceChildren(
    h('option', { value: '' }, '（请选择）'),
    ...units.map((u) => h('option', { value: u }, u)),
  );

  function report(e) {
    toast(errorText(e), { error: true, ms: 12000 });
  }

  async function refresh() {
    try {
      show(await api.deskView());
    } catch (e) {
      report(e);
    }
  }

  function flagsOf(c) {
    const out = [];
    for (const m of c.library) {
      if (m.kind === 'near_miss') {
        out.push(h('span', { class: 'chip muted', title: `${m.reason}（名单 ${m.entry.source}）` }, '同名'));
      } else if (c.library_flag) {
        out.push(
          h(
            'button',
            {
              type: 'button',
              class: 'chip danger',
              title: `${m.reason}（名单 ${m.entry.source}）。点击填写理由后可计入名额`,
              onclick: () => override(c),
            },
            '案例库',
          ),
        );
      } else {
        out.push(
          h(
            'button',
            { type: 'button', class: 'chip muted', title: `已说明：${c.override_reason}。点击取消`, onclick: () => override(c) },
            '案例库（已说明）',
          ),
        );
      }
    }
    if (c.outside_unit) out.push(h('span', { class: 'chip warn', title: c.outside_unit }, '非本单位'));
    if (c.errors) out.push(h('span', { class: 'chip danger' }, `${c.errors} 错误`));
    if (c.warnings) out.push(h('span', { class: 'chip warn' }, `${c.warnings} 提醒`));
    if (!out.length) out.push(h('span', { class: 'ok' }, '无'));
    return out;
  }

  function visible() {
    const q = search.value.trim();
    const f = filterSel.value;
    let list = desk.cases.filter((c) => {
      if (q && !(c.name.includes(q) || c.region.includes(q))) return false;
      if (f === 'agree') return c.opinion === '同意';
      if (f === 'disagree') return c.opinion === '不同意';
      if (f === 'undecided') return !c.opinion;
      if (f === 'flagged') return c.library_flag || c.outside_unit || c.errors > 0;
      return true;
    });
    const by = sortSel.value;
    if (by !== 'position') {
      const key = {
        name: (c) => c.name,
        region: (c) => c.region,
        completeness: (c) => -c.completeness,
        status: (c) => c.status,
      }[by];
      list = [...list].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      });
    }
    return list;
  }

  function show(next) {
    desk = next;
    unitSelect.value = desk.unit || '';
    counter.textContent = `同意 ${desk.agreed} / ${desk.quota}`;
    counter.classList.toggle('over', desk.agreed > desk.quota);
    counter.classList.toggle('full', desk.agreed === desk.quota);
    const lib = desk.library;
    $('#library-info').textContent = lib
      ? `案例库名单 ${lib.count} 人`
      : '未导入案例库名单';
    $('#library-info').title = lib ? `${lib.file}（导入于 ${lib.imported_at}）` : '';
    const ordered = sortSel.value === 'position';
    rows.replaceChildren(
      ...visible().map((c) =>
        h(
          'tr',
          { 'data-id': c.id, class: c.library_flag ? 'flagged' : '' },
          h('td', { class: 'c-pos' }, String(c.position).padStart(2, '0')),
          h(
            'td',
            { class: 'c-name' },
            h('button', { type: 'button', class: 'link open', onclick: () => onOpenCase(c.id) }, c.name || '（未填姓名）'),
          ),
          h('td', { class: 'c-region', title: c.region }, c.county || c.region || '—'),
          h('td', { class: 'c-status' }, STATUS_LABEL[c.status] || c.status),
          h('td', { class: 'c-complete' }, `${c.completeness}%`),
          h('td', { class: 'c-flags' }, ...flagsOf(c)),
          h(
            'td',
            { class: 'c-opinion' },
            h(
              'select',
              {
                'aria-label': `${c.name} 的省级意见`,
                class: c.opinion === '同意' ? 'agree' : '',
                onchange: (e) => setOpinion(c.id, e.target.value || null),
              },
              h('option', { value: '' }, '未定'),
              ...OPINIONS.map((o) => h('option', { value: o, selected: c.opinion === o }, o)),
            ),
          ),
          h(
            'td',
            { class: 'c-order' },
            h('button', { type: 'button', class: 'small', title: '上移', disabled: !ordered || c.position === 1, onclick: () => move(c.id, -1) }, '↑'),
            h('button', { type: 'button', class: 'small', title: '下移', disabled: !ordered || c.position === desk.cases.length, onclick: () => move(c.id, 1) }, '↓'),
          ),
        ),
      ),
    );
    $('#province-empty').hidden = desk.cases.length > 0;
  }

  async function setOpinion(id, value) {
    try {
      show(await api.setOpinion(id, value));
      if (desk.agreed > desk.quota) {
        toast(`同意 ${desk.agreed} 个，已超过名额 ${desk.quota}：超出的改为“不同意”前不能生成报送材料`, { error: true });
      }
      return desk;
    } catch (e) {
      report(e);
      throw e;
    }
  }

  async function move(id, delta) {
    const ids = desk.cases.map((c) => c.id);
    const i = ids.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    try {
      show(await api.setOrder(ids));
      $(`tr[data-id="${id}"] .c-order button:${delta < 0 ? 'first-child' : 'last-child'}`, rows)?.focus();
    } catch (e) {
      report(e);
    }
  }

  /** 案例库 override: a reason lets a flagged case count; null takes it back. */
  async function setOverride(id, reason) {
    try {
      show(await api.setLibraryOverride(id, reason));
      return desk;
    } catch (e) {
      report(e);
      throw e;
    }
  }

  async function override(c) {
    if (c.library_flag) {
      const reason = window.prompt(
        `“${c.name}”与案例库名单相符：${c.library.map((m) => m.reason).join('；')}。\n若确是另一人，请填写理由（将记录在案），该案例即可计入名额：`,
        '',
      );
      if (reason === null) return;
      await setOverride(c.id, reason).catch(() => {});
    } else if (window.confirm(`取消“${c.name}”的说明（${c.override_reason}）？该案例将重新按案例库标出。`)) {
      await setOverride(c.id, null).catch(() => {});
    }
  }

  async function importLibrary(path) {
    try {
      const r = await api.importLibrary(path);
      toast(
        `已导入案例库名单：${r.info.count} 人（原有 ${r.info.previous} 人，已替换）。工作表“${r.sheet}”，表头在第 ${r.header_row} 行。`,
        { ms: 10000 },
      );
      await refresh();
      return r;
    } catch (e) {
      report(e);
      throw e;
    }
  }

  async function setUnit(unit) {
    try {
      await api.setUnit(unit);
      await refresh();
    } catch (e) {
      report(e);
    }
  }

  /** The check of the whole submission, listed under the table. */
  async function check() {
    clearToast();
    let c;
    try {
      c = await api.submissionCheck();
    } catch (e) {
      report(e);
      return null;
    }
    const n = c.findings.length;
    $('#check-headline').textContent =
      n === 0
        ? '检查结果：0 项问题，可以生成报送材料'
        : `检查结果：${n} 项问题（${c.blocking ? `${c.blocking} 项必须处理，` : ''}错误 ${c.errors}，提醒 ${c.warnings}）`;
    $('#check-list').replaceChildren(
      ...c.findings.map((f) =>
        h(
          'li',
          { class: f.blocking ? 'blocking' : f.severity },
          h('span', { class: 'tag' }, f.blocking ? '必须处理' : f.severity === 'error' ? '错误' : '提醒'),
          f.case_id
            ? h(
                'button',
                { type: 'button', class: 'link', onclick: () => onOpenCase(f.case_id, f.field) },
                `${String(f.position).padStart(2, '0')} ${f.case}`,
              )
            : null,
          h('span', { class: 'msg' }, f.message),
        ),
      ),
    );
    checkPanel.classList.toggle('clean', n === 0);
    checkPanel.hidden = false;
    return c;
  }

  /** The footer line: made once, then only its text and bar change (a pressed 取消 stays pressed). */
  function progress(p) {
    const text = p.current ? `正在生成报送材料：${p.current}（${p.done}/${p.total}）` : '正在完成…';
    if (document.getElementById('package-cancel')) {
      setJob(text, p.done, p.total);
      return;
    }
    showJob(text, {
      value: p.done,
      max: p.total,
      buttons: [cancelButton('package-cancel', () => api.cancelGeneration().catch(() => {}))],
    });
  }

  /** Writes the package into the new folder `dir`; resolves to the outcome. */
  async function writePackage(dir, partBytes = null) {
    if (running) throw new Error('报送材料正在生成中');
    running = true;
    clearToast();
    progress({ done: 0, total: 1, current: '检查' });
    try {
      const out = await api.writePackage(dir, partBytes, progress);
      toast(`已生成报送材料：${out.cases} 个案例，${out.parts.length} 封邮件（${out.dir}）`, {
        ms: 15000,
        actions: [{ label: '打开所在文件夹', run: () => native.revealInFolder(out.dir).catch(report) }],
      });
      return out;
    } catch (e) {
      report(e);
      throw e;
    } finally {
      running = false;
      hideJob();
    }
  }

  async function writeSummary(path) {
    try {
      await api.writeSummary(path);
      const actions = [{ label: '打开所在文件夹', run: () => native.revealInFolder(path).catch(report) }];
      // The opener may open .docx files only (capabilities/default.json).
      if (path.toLowerCase().endsWith('.docx')) actions.unshift({ label: '打开文件', run: () => native.openPath(path).catch(report) });
      toast(`已生成汇总表：${path}`, { actions, ms: 15000 });
    } catch (e) {
      report(e);
      throw e;
    }
  }

  unitSelect.addEventListener('change', () => setUnit(unitSelect.value));
  for (const el of [search, filterSel, sortSel]) el.addEventListener('input', () => desk && show(desk));
  $('#import-library').addEventListener('click', async () => {
    const paths = await native.pickFiles({
      title: '选择案例库名单（Excel、WPS 或 CSV）',
      filters: [{ name: '表格', extensions: ['xlsx', 'xls', 'ods', 'et', 'csv'] }],
    });
    if (paths && paths.length) await importLibrary(paths[0]).catch(() => {});
  });
  $('#check-submission').addEventListener('click', () => check());
  $('#check-close').addEventListener('click', () => {
    checkPanel.hidden = true;
  });
  $('#write-summary').addEventListener('click', async () => {
    const path = await native.pickSavePath({
      title: '保存省级汇总表',
      defaultPath: `${info.campaign.summary_label}_${info.campaign.summary_title}_${desk?.unit || ''}.xlsx`,
      filters: [
        { name: 'Excel 表格', extensions: ['xlsx'] },
        { name: 'Word 文档（打印盖章用）', extensions: ['docx'] },
      ],
    });
    if (path) await writeSummary(path).catch(() => {});
  });
  $('#write-package').addEventListener('click', async () => {
    const c = await check();
    if (!c) return;
    if (c.blocking) {
      toast(`还有 ${c.blocking} 项必须处理的问题（见下方检查结果），暂不能生成报送材料`, { error: true });
      return;
    }
    if (c.findings.length && !window.confirm(`检查发现 ${c.findings.length} 项问题（见下方列表）。仍要生成报送材料吗？`)) return;
    const parent = await native.pickFolder({ title: '选择保存报送材料的位置（将在其中新建一个文件夹）' });
    if (!parent) return;
    const name = await api.packageFolderName();
    await writePackage(native.joinPath(parent, name)).catch(() => {});
  });

  return {
    refresh,
    importLibrary,
    setOpinion,
    setOverride,
    setUnit,
    check,
    writePackage,
    writeSummary,
    get desk() {
      return desk;
    },
  };
}
