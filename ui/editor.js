// The editor: every field of 附件1 (FORM.md). The form is built once per case; after that the
// code never writes into a field the user is typing in. Inputs update the case object in place,
// live validation (Rust, `validate_case`) redraws only counters and messages, and the autosave
// scheduler sends the whole case ~500 ms after the last keystroke, never mid-composition.

import { api } from './api.js';
import { h, $, $$, toast, reportError, focusMoved } from './dom.js';
import { confirmDialog } from './dialog.js';
import { createSeen } from './seen.js';
import { getPath, setPath } from './paths.js';
import { createAutosave, createLatest } from './scheduler.js';
import { chineseOrdinal, counterText, groupIssues, errorText, shortTime, STATUS_LABEL } from './format.js';
import { fieldLabel, caseLabel } from './labels.js';
import { reorderList } from './lists.js';
import { createFields, idOf } from './fields.js';
import { createAttachments } from './attachments.js';
import { createVideo } from './video.js';
import { createDropZones } from './dropzones.js';

const SECTION_KEYS = ['intro', 'practices', 'results', 'lessons', 'opinion'];
// Sections whose printed text has labels or numbers the clerk did not type: the count says so.
const COUNTED_AS_PRINTED = {
  intro: '按打印稿计（含“案例名称：”等标签）',
  practices: '按打印稿计（含“（一）”等序号）',
};
// The navigation's summary of the 材料 and 视频 sections: ✓, or how many errors / reminders.
const SECTION_FIELDS = [
  ['media', /^media\.(photo|id_front|id_back|pictures)/],
  ['video', /^media\.video/],
];

export function createEditor({ info, onBack }) {
  const { campaign, dicts } = info;
  const form = $('#form');
  const saveState = $('#save-state');
  const markReady = $('#mark-ready');
  const markDraft = $('#mark-draft');

  let kase = null; // the case being edited (mutated in place by inputs)
  let report = null;
  let groups = null; // report.issues by field
  let composing = false;
  let fresh = false; // a new case, not typed into yet in this session
  let printed = { at: null, stale: false }; // its 推荐表: when generated, out of date since
  let statusNote = ''; // "已改回草稿：…" after a save took 已完成 back
  const pendingNormal = new Map(); // field -> stored value, shown once the field is left
  const seen = createSeen();
  const drawnSig = new WeakMap(); // a message box or the summary → what it shows now
  const typed = new Set(); // fields typed into since the case was opened
  const fields = createFields(() => kase);
  const { msgs, control } = fields;
  const label = (path) => fieldLabel(path, campaign);

  const live = createLatest(
    () => api.validateCase(kase),
    (r) => applyReport(r),
    (e) => reportError(e, { prefix: '检查失败：' }),
  );

  const autosave = createAutosave({
    delay: 500,
    save: () => api.saveCase(kase),
    onState: showSaveState,
  });

  /** Something in the case changed: save soon, check again (not mid-composition). */
  function markDirty() {
    fresh = false;
    saveState.dataset.state = 'dirty';
    autosave.input();
    if (!composing) live.trigger();
  }

  // What the editor's section modules (材料, 视频) get: one small edit context.
  const ctx = {
    campaign,
    fields,
    get case() {
      return kase;
    },
    /** The last validation's issues by field (null before the first). */
    get report() {
      return groups;
    },
    markDirty,
    saveNow: () => autosave.flush({ force: true }),
  };
  const attachments = createAttachments(ctx);
  const video = createVideo(ctx);
  const onDrop = createDropZones({
    active: () => kase !== null && !$('#editor-view').hidden,
    onFiles: (target, paths) => {
      if (target === 'video') video.checkVideoPath(paths[0]).catch(() => {});
      else attachments.attachPaths(target, paths).catch((e) => reportError(e));
    },
    missed: '请把文件拖到“材料”中照片、身份证或图片的框里，视频文件拖到“视频”的框里',
  });

  function showSaveState(state, detail) {
    // data-state tells tests (and styles) whether everything typed is on disk.
    saveState.dataset.state = state === 'saved' && autosave.dirty ? 'dirty' : state;
    saveState.classList.remove('error', 'saving');
    if (state === 'saving') {
      saveState.textContent = '正在保存…';
      saveState.classList.add('saving');
    } else if (state === 'saved') {
      saveState.textContent = `已保存 ${detail.saved_at_hms}`;
      if (kase && detail.id === kase.id) afterSave(detail);
    } else if (state === 'error') {
      saveState.textContent = `保存失败：${errorText(detail)}`;
      saveState.classList.add('error');
    }
  }

  /** What a save tells beyond 已保存: status taken back, numbers stored without units, 推荐表. */
  function afterSave(saved) {
    printed = { at: saved.printed_at || null, stale: Boolean(saved.printed_stale) };
    if (saved.status && saved.status !== kase.status) {
      if (kase.status === 'ready' && saved.status === 'draft') {
        const first = (saved.report.issues || []).find((i) => i.severity === 'error');
        statusNote = first ? `已改回草稿：${label(first.field)}——${first.message}` : '已改回草稿';
        seen.showAll();
        toast(`${statusNote}。改好后可再标记为完成。`, { error: true, ms: 12000 });
      }
      kase.status = saved.status;
    }
    for (const [path, value] of saved.normalised || []) normalised(path, value);
    if (report) renderSummary(report);
    updateStatus();
  }

  // A number typed with its unit ("12人") is stored as the number; the field shows it once the
  // clerk has left it (never rewritten under the caret).
  function normalised(path, value) {
    const el = $(`[data-path="${path}"]`, form);
    const now = String(getPath(kase, path) ?? '');
    if (now === value || !now.trim().startsWith(value)) return;
    if (el && document.activeElement === el) {
      pendingNormal.set(path, value);
      return;
    }
    setPath(kase, path, value);
    if (el) el.value = value;
    toast(`“${label(path)}”只填数字，已改为 ${value}`);
  }

  // ---- building the form ---------------------------------------------------------------------

  function field(path, kind = 'text', opts = {}) {
    return h(
      'div',
      { class: 'field' + (opts.wide ? ' wide' : ''), dataset: { field: path } },
      h('label', { for: idOf(path) }, label(path), opts.required ? h('span', { class: 'req', title: '必填' }, ' *') : null),
      control(path, kind, opts),
      opts.hint ? h('div', { class: 'hint' }, opts.hint) : null,
      msgs(path),
    );
  }

  function sectionHead(key, id) {
    const rule = campaign.sections[key];
    return [
      h('h2', { id }, rule.heading, h('span', { class: 'limit' }, rule.limit_label)),
      h('p', { class: 'hint section-hint' }, rule.hint),
      h(
        'div',
        { class: 'counter', id: `counter-${key}`, dataset: { counter: key } },
        h('span', { class: 'words' }),
        h('span', { class: 'chars' }),
        COUNTED_AS_PRINTED[key] ? h('span', { class: 'how' }, COUNTED_AS_PRINTED[key]) : null,
      ),
    ];
  }

  function birthField() {
    const months = h('select', { id: idOf('person.birth_month'), 'aria-label': label('person.birth_month') }, h('option', { value: '' }, '月份'));
    for (let m = 1; m <= 12; m++) months.append(h('option', { value: String(m) }, `${m} 月`));
    months.dataset.path = 'person.birth_month';
    months.value = kase.person.birth_month || '';
    if (kase.person.birth_month && months.value !== kase.person.birth_month) {
      months.append(h('option', { value: kase.person.birth_month }, kase.person.birth_month));
      months.value = kase.person.birth_month;
    }
    const year = control('person.birth_year', 'text', {
      placeholder: '如 1988',
      inputmode: 'numeric',
      maxlength: 8,
      size: 'year',
      ariaLabel: label('person.birth_year'),
    });
    return h(
      'div',
      { class: 'field', dataset: { field: 'person.birth_year' } },
      h('label', { for: year.id }, '出生年月', h('span', { class: 'req' }, ' *')),
      h('div', { class: 'inline' }, year, h('span', { class: 'unit' }, '年'), months),
      msgs('person.birth_year', 'person.birth_month'),
    );
  }

  function regionField() {
    const parts = ['region.city', 'region.county', 'region.township', 'region.village'];
    const province = control('region.province', 'select', { options: dicts.provinces, empty: '请选择省份', ariaLabel: label('region.province') });
    const row = h('div', { class: 'inline region' }, province);
    for (const p of parts) {
      const el = control(p, 'text', { size: p === 'region.city' ? 'city' : 'region', ariaLabel: label(p) });
      row.append(h('span', { class: 'region-part' }, el, h('span', { class: 'unit' }, label(p))));
    }
    return h(
      'div',
      { class: 'field wide', dataset: { field: 'region.province' } },
      h('label', { for: province.id }, label('region'), h('span', { class: 'req' }, ' *')),
      row,
      msgs('region', 'region.province', ...parts),
    );
  }

  function platformsField() {
    const chosen = new Set(kase.business.platforms || []);
    const boxes = h('div', { class: 'checks', role: 'group', 'aria-label': '直播平台（可多选）' });
    for (const p of dicts.platforms) {
      const cb = h('input', { type: 'checkbox', value: p });
      cb.dataset.path = 'business.platforms';
      cb.checked = chosen.has(p);
      boxes.append(h('label', { class: 'check' }, cb, ' ', p));
    }
    const other = control('business.platform_other', 'text', {
      placeholder: '选择“其他”时填写平台名称',
      size: 'other',
      ariaLabel: label('business.platform_other'),
    });
    boxes.append(other);
    return h(
      'div',
      { class: 'field wide', dataset: { field: 'business.platforms' } },
      h('span', { class: 'label' }, '直播平台（可多选）'),
      boxes,
      msgs('business.platforms', 'business.platform_other'),
    );
  }

  function practiceItem(i, n) {
    const hl = `practices.${i}.highlight`;
    const tx = `practices.${i}.text`;
    const ord = chineseOrdinal(i + 1);
    const highlight = control(hl, 'text', {
      placeholder: '这条做法的主要亮点（打印时加粗），如：请传承人走进直播间，讲好非遗故事。',
      ariaLabel: label(hl),
    });
    const text = control(tx, 'textarea', { rows: 5, placeholder: '具体怎么做的、效果如何', ariaLabel: label(tx) });
    const btn = (label, action, disabled, title) =>
      h('button', { type: 'button', class: 'small', dataset: { action, index: String(i) }, disabled, title }, label);
    return h(
      'li',
      { class: 'practice', dataset: { index: String(i) } },
      h(
        'div',
        { class: 'p-head' },
        h('span', { class: 'ord' }, ord),
        highlight,
        btn('上移', 'up', i === 0, `把${ord}上移`),
        btn('下移', 'down', i === n - 1, `把${ord}下移`),
        btn('删除', 'remove', false, `删除${ord}`),
      ),
      text,
      msgs(hl, tx),
    );
  }

  function renderPractices() {
    const list = $('#practice-list');
    fields.forget(/^practices\.\d+\./);
    const n = kase.practices.length;
    list.replaceChildren(...kase.practices.map((_, i) => practiceItem(i, n)));
  }

  function build() {
    fields.reset();
    const s = campaign.sections;
    form.replaceChildren(
      gridBlock(
        'person',
        '基本信息',
        field('person.name', 'text', { required: true, placeholder: '少数民族姓名可含 ·', maxlength: 60 }),
        birthField(),
        field('person.ethnicity', 'select', { required: true, options: dicts.ethnicities }),
        field('person.political_status', 'select', { required: true, options: dicts.political_statuses }),
        regionField(),
      ),
      gridBlock(
        'business',
        '直播情况',
        field('business.field', 'text', { required: true, placeholder: '如 农产品带货、非遗手工艺' }),
        field('business.team_size', 'text', { placeholder: '如 12', inputmode: 'numeric', maxlength: 12 }),
        platformsField(),
        field('business.account_name', 'text', { placeholder: '如 苗绣阿妹' }),
        field('business.followers', 'text', { placeholder: '如 865000 或 86.5万', maxlength: 20 }),
        field('business.years', 'text', { placeholder: '如 5', inputmode: 'decimal', maxlength: 12 }),
        field('business.annual_revenue', 'text', { placeholder: '如 1260', inputmode: 'decimal', maxlength: 20 }),
        // 联系方式 sits here in the official form (after 年营业额).
        field('person.phone', 'text', { placeholder: '11 位手机号或座机（如 0855-1234567）', inputmode: 'tel', maxlength: 40 }),
      ),
      gridBlock(
        'recommender',
        '推荐单位',
        field('recommender.unit', 'text', { required: true, wide: true, placeholder: '如：××县人民政府' }),
        field('recommender.leader', 'text'),
        field('recommender.phone', 'text', { inputmode: 'tel', maxlength: 40 }),
      ),
      h(
        'section',
        { class: 'block text-block', 'aria-labelledby': 'sec-intro' },
        ...sectionHead('intro', 'sec-intro'),
        msgs('intro'),
        field('intro.title', 'text', { required: true, wide: true, placeholder: '如：李明：助农直播让非物质文化遗产“活”起来' }),
        field('intro.basics', 'textarea', { required: true, rows: 8 }),
        field('intro.feature', 'text', { required: true, wide: true }),
      ),
      h(
        'section',
        { class: 'block text-block', 'aria-labelledby': 'sec-practices' },
        ...sectionHead('practices', 'sec-practices'),
        msgs('practices'),
        h('ol', { class: 'practices', id: 'practice-list' }),
        h('button', { type: 'button', class: 'add', dataset: { action: 'add' } }, '＋ 添加一条做法'),
      ),
      ...['results', 'lessons'].map((key) =>
        h(
          'section',
          { class: 'block text-block', 'aria-labelledby': `sec-${key}` },
          ...sectionHead(key, `sec-${key}`),
          textOnly(key, 10),
        ),
      ),
      h(
        'section',
        { class: 'block text-block', 'aria-labelledby': 'sec-opinion' },
        ...sectionHead('opinion', 'sec-opinion'),
        textOnly('opinion', 12),
      ),
      attachments.section(),
      video.section(),
    );
    renderPractices();
    attachments.mounted();
    video.mounted();
  }

  function gridBlock(key, title, ...children) {
    return h(
      'section',
      { class: 'block', 'aria-labelledby': `sec-${key}` },
      h('h2', { id: `sec-${key}` }, title),
      h('div', { class: 'grid' }, ...children),
    );
  }

  function textOnly(path, rows) {
    const el = control(path, 'textarea', { rows, ariaLabel: label(path) });
    return h('div', { class: 'field wide', dataset: { field: path } }, el, msgs(path));
  }

  // ---- reacting to the user -------------------------------------------------------------------

  function readInto(el) {
    const path = el.dataset.path;
    if (!path) return false;
    if (el.type === 'checkbox' && path === 'business.platforms') {
      const checked = $$('input[type=checkbox][data-path="business.platforms"]', form).filter((c) => c.checked).map((c) => c.value);
      const extra = (kase.business.platforms || []).filter((p) => !dicts.platforms.includes(p));
      kase.business.platforms = [...checked, ...extra];
    } else if (el.type === 'checkbox') {
      setPath(kase, path, el.checked);
    } else {
      setPath(kase, path, el.value);
    }
    if (path === 'person.name' || path === 'intro.title') updateTitle();
    return true;
  }

  function changed(el) {
    if (readInto(el)) markDirty();
  }

  form.addEventListener('input', (e) => {
    seen.edit(e.target.dataset.path);
    if (e.target.dataset.path) typed.add(e.target.dataset.path);
    changed(e.target);
  });
  form.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') {
      seen.leave(e.target.dataset.path);
      changed(e.target);
    }
  });
  form.addEventListener('compositionstart', () => {
    composing = true;
    autosave.compositionStart();
  });
  form.addEventListener('compositionend', (e) => {
    composing = false;
    readInto(e.target);
    autosave.compositionEnd();
    live.trigger();
  });
  // Moving to another field ends a pinyin composition still pending in the input method (its
  // next choice would otherwise land in the new field): as native fields do.
  form.addEventListener('focusin', (e) => {
    if (e.target.dataset && e.target.dataset.path) api.resetInputMethod().catch(() => {});
  });
  form.addEventListener('focusout', (e) => {
    if (!kase) return;
    const path = e.target.dataset && e.target.dataset.path;
    // The window losing focus blurs the field too, though the clerk has not left it: then the
    // field is still the active element once the event is over.
    if (path && !document.hasFocus() && document.activeElement === e.target) {
      autosave.flush();
      return;
    }
    if (path) {
      // A blank field passed through without typing is counted in the summary, not made red.
      if (typed.has(path) || !isEmptyValue(path)) seen.leave(path);
      if (pendingNormal.has(path)) {
        const v = pendingNormal.get(path);
        pendingNormal.delete(path);
        normalised(path, v);
      }
      if (report) applyReport(report);
    }
    autosave.flush();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('click', (e) => attachments.onClick(e));
  form.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const i = Number(b.dataset.index);
    const list = kase.practices;
    const highlightOf = (n) => `practices.${n}.highlight`;
    const action = b.dataset.action;
    if (action === 'up' || action === 'down') {
      const j = reorderList(list, i, action === 'up' ? -1 : +1);
      if (j < 0) return;
      renderPractices();
      markDirty();
      focusMoved(`button[data-action="${action}"][data-index="${j}"]`, highlightOf(j));
      return;
    }
    let focus;
    if (action === 'add') {
      list.push({ highlight: '', text: '' });
      focus = highlightOf(list.length - 1);
    } else if (action === 'remove') {
      const p = list[i];
      const ord = chineseOrdinal(i + 1);
      if (
        (p.highlight.trim() || p.text.trim()) &&
        !(await confirmDialog({
          title: `删除典型做法${ord}`,
          message: `删除${ord}这条做法？其中的文字会一并删除。`,
          ok: '删除这一条',
          danger: true,
        }))
      )
        return;
      list.splice(i, 1);
      if (list.length === 0) list.push({ highlight: '', text: '' });
      focus = highlightOf(Math.min(i, list.length - 1));
    } else {
      return;
    }
    renderPractices();
    markDirty();
    $(`[data-path="${focus}"]`, form)?.focus();
  });

  // ---- showing the report -----------------------------------------------------------------------

  function isEmptyValue(field) {
    const v = getPath(kase, field);
    return v == null || (Array.isArray(v) ? v.length === 0 : String(v).trim() === '');
  }

  // Whether the issues of `field` show now (ui/seen.js); a section over its limit shows at once,
  // as its red counter does: more typing only makes it worse.
  function shows(field) {
    if (seen.shows(field, kase)) return true;
    const rule = campaign.sections[field];
    const n = report && report.counts[field];
    return Boolean(rule && n && rule.max_words != null && n.words > rule.max_words);
  }

  function applyReport(r) {
    report = r;
    for (const key of SECTION_KEYS) {
      const c = counterText(r.counts[key], campaign.sections[key]);
      const el = $(`#counter-${key}`);
      if (el) {
        el.querySelector('.words').textContent = c.text;
        el.querySelector('.chars').textContent = c.chars;
        el.classList.toggle('bad', c.bad);
        el.dataset.words = String(r.counts[key].words);
      }
      const mini = $(`[data-mini="${key}"]`);
      if (mini) {
        mini.textContent = c.text;
        mini.classList.toggle('bad', c.bad);
      }
    }
    groups = groupIssues(r.issues);
    for (const box of fields.boxes()) {
      const shown = box.dataset.msgsFor
        .split(' ')
        .filter((f) => shows(f))
        .flatMap((f) => (groups.get(f) || []).map((i) => ({ f, i })));
      // Only boxes whose messages changed are redrawn: a keystroke then lays out one field's
      // messages, not the whole form.
      const sig = shown.map(({ f, i }) => `${f}\u0001${i.severity}\u0001${i.message}`).join('\u0002');
      if (drawnSig.get(box) === sig) continue;
      drawnSig.set(box, sig);
      box.replaceChildren(...shown.map(({ f, i }) => h('div', { class: `msg ${i.severity}`, dataset: { field: f } }, i.message)));
    }
    attachments.afterReport();
    for (const [key, re] of SECTION_FIELDS) {
      const mini = $(`[data-mini="${key}"]`);
      if (!mini) continue;
      let errors = 0;
      let warnings = 0;
      for (const [f, list] of groups) {
        if (!re.test(f)) continue;
        for (const i of list) i.severity === 'error' ? errors++ : warnings++;
      }
      mini.textContent = errors ? `${errors} 错误` : warnings ? `${warnings} 提醒` : '✓';
      mini.classList.toggle('bad', errors > 0);
    }
    for (const el of $$('[data-path]', form)) {
      const list = shows(el.dataset.path) ? groups.get(el.dataset.path) || [] : [];
      const err = list.some((i) => i.severity === 'error');
      // A blank field is not outlined (its message says what to fill in); a wrong value is.
      const outline = !isEmptyValue(el.dataset.path);
      el.classList.toggle('has-error', outline && err);
      el.classList.toggle('has-warning', outline && !err && list.length > 0);
      if (err) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    }
    renderSummary(r);
    updateStatus();
  }

  function issueItem(i) {
    return h(
      'li',
      { class: i.severity },
      h(
        'button',
        { type: 'button', class: 'link', onclick: () => focusField(i.field) },
        h('b', {}, label(i.field) + '：'),
        i.message,
      ),
    );
  }

  // The sidebar: how far the form is (完成), whether the materials are there (材料齐全), the
  // status, the 推荐表, then the issues — those of fields not visited yet only counted, folded.
  function renderSummary(r) {
    const box = $('#issue-summary');
    const shown = r.issues.filter((i) => shows(i.field));
    const pending = r.issues.filter((i) => !shows(i.field));
    // Redrawn only when what it says changed (not on every keystroke); an opened fold stays open.
    const brief = (i) => [i.field, i.severity, i.message];
    const sig = JSON.stringify([kase.status, statusNote, r.errors, r.warnings, r.completeness, r.missing_materials,
      printed, shown.map(brief), pending.map(brief)]);
    if (drawnSig.get(box) === sig) return;
    drawnSig.set(box, sig);
    const wasOpen = $('details.pending', box)?.open;
    const shownErrors = shown.filter((i) => i.severity === 'error').length;
    const missing = r.missing_materials || [];
    let head;
    if (kase.status === 'ready') {
      head = h('p', { class: 'ok', id: 'status-line' }, '已标记为完成。');
    } else if (statusNote) {
      head = h('p', { class: 'error', id: 'status-line' }, `${statusNote}。改好后可再标记为完成。`);
    } else if (r.errors === 0) {
      head = h('p', { class: 'ok', id: 'status-line' }, '表格内容没有错误，可以标记为完成。');
    } else if (shownErrors) {
      head = h(
        'p',
        { class: 'counts', id: 'status-line' },
        h('span', { class: 'error' }, `${r.errors} 个错误`),
        r.warnings ? '，' : null,
        r.warnings ? h('span', { class: 'warning' }, `${r.warnings} 个提醒`) : null,
      );
    } else {
      head = h('p', { class: 'quiet', id: 'status-line' }, `还有 ${r.errors} 项要填写或改正`);
    }
    const parts = [
      h('div', { class: 'completeness' }, `表格完成度 ${r.completeness}%`, h('progress', { max: 100, value: r.completeness })),
      missing.length
        ? h('p', { class: 'materials missing', id: 'materials-line' }, `材料未齐：还缺${missing.join('、')}`)
        : h('p', { class: 'materials ok', id: 'materials-line' }, '材料齐全 ✓'),
      head,
    ];
    if (printed.at) {
      parts.push(
        printed.stale
          ? h('p', { class: 'warning printed', id: 'printed-line' }, `推荐表生成于 ${shortTime(printed.at)}，之后内容有改动，请重新生成`)
          : h('p', { class: 'quiet printed', id: 'printed-line' }, `推荐表已生成（${shortTime(printed.at)}），与当前内容一致`),
      );
    }
    parts.push(h('ul', { class: 'issues' }, ...shown.map(issueItem)));
    if (pending.length) {
      parts.push(
        h(
          'details',
          { class: 'pending', open: wasOpen },
          h('summary', {}, `尚未填写或检查的 ${pending.length} 项`),
          h('ul', { class: 'issues' }, ...pending.map(issueItem)),
        ),
      );
    }
    box.replaceChildren(...parts);
  }

  function focusField(field) {
    let el = $(`[data-path="${field}"]`, form) || $(`[data-focus="${field}"]`, form);
    if (!el) {
      const sec = $(`#sec-${field}`, form);
      el = sec && sec.closest('section').querySelector('[data-path]');
    }
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
    }
  }

  // ---- header: title, status, 标记为完成 ---------------------------------------------------------

  function updateTitle() {
    $('#case-title').textContent = caseLabel(kase);
  }

  function updateStatus() {
    if (!kase) return;
    const ready = kase.status === 'ready';
    const badge = $('#status-badge');
    badge.textContent = STATUS_LABEL[kase.status] || kase.status;
    badge.className = `status-badge ${kase.status}`;
    markDraft.hidden = !ready;
    markReady.hidden = ready;
    const errors = report ? report.errors : 1;
    // Always pressable: pressing it with errors left shows them all (a field's error is shown
    // only once the clerk has left it, so pressing here is how to see everything still to do).
    markReady.disabled = false;
    markReady.dataset.errors = String(errors);
    markReady.title = errors > 0 ? `还有 ${errors} 个错误需要改正，改正后才能标记为完成` : '确认内容无误后标记为完成';
  }

  markReady.addEventListener('click', async () => {
    if (!(await autosave.flush({ force: true }))) return;
    if (report && report.errors > 0) {
      seen.showAll();
      applyReport(report);
      const first = report.issues.find((i) => i.severity === 'error');
      if (first) focusField(first.field);
      toast(`还有 ${report.errors} 个错误，已在表中标出；改正后才能标记为完成`, { error: true, ms: 10000 });
      return;
    }
    const missing = (report && report.missing_materials) || [];
    if (
      missing.length &&
      !(await confirmDialog({
        title: '材料未齐',
        message: `还缺：${missing.join('、')}。\n通知要求报送时一并提供这些材料。表格内容可以先标记为完成，材料齐全后再报送。`,
        ok: '仍标记为完成',
      }))
    )
      return;
    try {
      const saved = await api.setStatus(kase.id, 'ready');
      kase.status = saved.status;
      statusNote = '';
      showSaveState('saved', saved);
      applyReport(saved.report);
      toast(missing.length ? '已标记为完成（材料未齐）' : '已标记为完成');
    } catch (e) {
      reportError(e);
    }
  });
  markDraft.addEventListener('click', async () => {
    try {
      const saved = await api.setStatus(kase.id, 'draft');
      kase.status = saved.status;
      showSaveState('saved', saved);
      updateStatus();
    } catch (e) {
      reportError(e);
    }
  });

  $('#back').addEventListener('click', () => close());

  // ---- leaving: never lose what was typed ---------------------------------------------------------

  /** Leaves the case (saved first); false when it could not be saved and stays open. */
  async function close() {
    const ok = await autosave.flush({ force: true });
    if (!ok) {
      toast('还有内容没能保存，请先处理保存失败的提示再离开', { error: true });
      return false;
    }
    await attachments.close();
    autosave.reset();
    const left = kase;
    const discard = fresh;
    kase = null;
    report = null;
    groups = null;
    // A new case nothing was typed into is not kept (no empty 未命名案例 rows).
    if (discard) await api.discardIfUntouched(left.id).catch(() => false);
    onBack();
    return true;
  }

  const flushNow = () => {
    if (kase) autosave.flush({ force: true });
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushNow();
  });
  window.addEventListener('pagehide', flushNow);
  window.addEventListener('beforeunload', flushNow);

  document.addEventListener('keydown', (e) => {
    if (!kase) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      autosave.flush({ force: true });
    } else if (e.altKey && e.key === 'ArrowLeft') {
      e.preventDefault();
      close();
    }
  });

  return {
    /**
     * Opens case `c`. `meta`: {fresh} for a case just created, {printed_at, printed_stale} from
     * the list row.
     */
    async open(c, meta = {}) {
      kase = c;
      fresh = Boolean(meta.fresh);
      printed = { at: meta.printed_at || null, stale: Boolean(meta.printed_stale) };
      statusNote = '';
      pendingNormal.clear();
      seen.reset();
      typed.clear();
      if (!Array.isArray(kase.practices) || kase.practices.length === 0) kase.practices = [{ highlight: '', text: '' }];
      report = null;
      groups = null;
      composing = false;
      autosave.reset();
      saveState.textContent = '';
      saveState.dataset.state = 'saved';
      saveState.classList.remove('error', 'saving');
      build();
      updateTitle();
      updateStatus();
      form.scrollTop = 0;
      await live.trigger();
      const first = $('[data-path="person.name"]', form);
      if (first) first.focus();
    },
    /** Scrolls to a field ("person.name", "media.photo", …) and focuses it. */
    focusField: (field) => focusField(field),
    /** Save whatever is pending (the window is closing). */
    flush: (opts) => (kase ? autosave.flush(opts) : Promise.resolve(true)),
    get isOpen() {
      return kase !== null;
    },
    /** The case being edited (null when none). */
    get current() {
      return kase;
    },
    /** Its 推荐表 was just generated (from what is saved). */
    printedNow(at) {
      if (!kase) return;
      printed = { at, stale: false };
      if (report) renderSummary(report);
    },
    close,
    attachPaths: (slot, paths) => attachments.attachPaths(slot, paths),
    checkVideoPath: (path) => video.checkVideoPath(path),
    onDrop,
    gc: () => attachments.gc(),
  };
}
