// The editor: every field of 附件1 (FORM.md). The form is built once per case; after that the
// code never writes into a field the user is typing in. Inputs update the case object in place,
// live validation (Rust, `validate_case`) redraws only counters and messages, and the autosave
// scheduler sends the whole case ~500 ms after the last keystroke, never mid-composition.

import { api } from './api.js';
import { h, $, $$, toast } from './dom.js';
import { getPath, setPath } from './paths.js';
import { createAutosave, createLatest } from './scheduler.js';
import { chineseOrdinal, counterText, groupIssues, errorText, STATUS_LABEL } from './format.js';
import { createMaterials } from './materials.js';

const SECTION_KEYS = ['intro', 'practices', 'results', 'lessons', 'opinion'];

// Labels of fields the summary may name before their section has set one (materials.js sets
// the exact ones, e.g. 推荐表图片2).
const OTHER_LABELS = [
  ['media.photo', '个人形象照片'],
  ['media.id_front', '身份证扫描件（人像面）'],
  ['media.id_back', '身份证扫描件（国徽面）'],
  ['media.pictures', '表中图片'],
  ['media.video.link', '视频网盘链接'],
  ['media.video.code', '视频提取码'],
  ['media.video.check', '视频文件'],
  ['media.video.confirm_no_watermark', '视频无水印确认'],
  ['media.video.confirm_no_ads', '视频无广告确认'],
  ['media', '材料'],
];

export function createEditor({ info, onBack }) {
  const { campaign, dicts } = info;
  const form = $('#form');
  const saveState = $('#save-state');
  const markReady = $('#mark-ready');
  const markDraft = $('#mark-draft');

  let kase = null; // the case being edited (mutated in place by inputs)
  let report = null;
  let composing = false;
  let msgIndex = new Map(); // field -> msgs container
  const labels = new Map(); // field -> label for the summary

  const live = createLatest(
    () => api.validateCase(kase),
    (r) => applyReport(r),
    (e) => toast(`检查失败：${errorText(e)}`, { error: true }),
  );

  const autosave = createAutosave({
    delay: 500,
    save: () => api.saveCase(kase),
    onState: showSaveState,
  });

  // 材料 and 视频: attachments, the 网盘 link, the video check (ui/materials.js).
  const materials = createMaterials({
    campaign,
    getCase: () => kase,
    msgs,
    labels,
    control,
    forgetMsgs: (re) => {
      for (const k of [...msgIndex.keys()]) if (re.test(k)) msgIndex.delete(k);
    },
    changed: () => {
      saveState.dataset.state = 'dirty';
      autosave.input();
      live.trigger();
    },
    saveNow: () => autosave.flush({ force: true }),
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
      if (detail.status && kase && detail.status !== kase.status) {
        kase.status = detail.status;
        updateStatus();
      }
    } else if (state === 'error') {
      saveState.textContent = `保存失败：${errorText(detail)}`;
      saveState.classList.add('error');
    }
  }

  // ---- building the form ---------------------------------------------------------------------

  const idOf = (path) => 'f-' + path.replace(/\./g, '-');

  function msgs(...fields) {
    const el = h('div', { class: 'msgs', 'aria-live': 'polite' });
    for (const f of fields) msgIndex.set(f, el);
    el.dataset.msgsFor = fields.join(' ');
    return el;
  }

  function control(path, kind, opts = {}) {
    const value = getPath(kase, path) ?? '';
    let el;
    if (kind === 'textarea') {
      el = h('textarea', { rows: opts.rows || 6, placeholder: opts.placeholder, spellcheck: 'false' });
    } else if (kind === 'select') {
      el = h('select', {}, h('option', { value: '' }, opts.empty || '请选择'));
      const list = opts.options || [];
      for (const o of list) el.append(h('option', { value: o }, o));
      if (value && !list.includes(value)) {
        // A value from imported data that is not in the list is kept, never dropped.
        el.append(h('option', { value }, `${value}（不在列表中）`));
      }
    } else {
      el = h('input', {
        type: 'text',
        placeholder: opts.placeholder,
        inputmode: opts.inputmode,
        maxlength: opts.maxlength,
        spellcheck: 'false',
      });
    }
    el.id = idOf(path);
    el.dataset.path = path;
    el.value = value;
    if (opts.size) el.classList.add(`w-${opts.size}`);
    return el;
  }

  function field(path, label, kind = 'text', opts = {}) {
    labels.set(path, opts.summaryLabel || label);
    return h(
      'div',
      { class: 'field' + (opts.wide ? ' wide' : ''), dataset: { field: path } },
      h('label', { for: idOf(path) }, label, opts.required ? h('span', { class: 'req', title: '必填' }, ' *') : null),
      control(path, kind, opts),
      opts.hint ? h('div', { class: 'hint' }, opts.hint) : null,
      msgs(path),
    );
  }

  function sectionHead(key, id) {
    const rule = campaign.sections[key];
    labels.set(key, rule.heading);
    return [
      h('h2', { id }, rule.heading, h('span', { class: 'limit' }, rule.limit_label)),
      h('p', { class: 'hint section-hint' }, rule.hint),
      h(
        'div',
        { class: 'counter', id: `counter-${key}`, dataset: { counter: key } },
        h('span', { class: 'words' }),
        h('span', { class: 'chars' }),
      ),
    ];
  }

  function birthField() {
    labels.set('person.birth_year', '出生年份');
    labels.set('person.birth_month', '出生月份');
    const months = h('select', { id: idOf('person.birth_month'), 'aria-label': '出生月份' }, h('option', { value: '' }, '月份'));
    for (let m = 1; m <= 12; m++) months.append(h('option', { value: String(m) }, `${m} 月`));
    months.dataset.path = 'person.birth_month';
    months.value = kase.person.birth_month || '';
    if (kase.person.birth_month && months.value !== kase.person.birth_month) {
      months.append(h('option', { value: kase.person.birth_month }, kase.person.birth_month));
      months.value = kase.person.birth_month;
    }
    const year = control('person.birth_year', 'text', { placeholder: '如 1988', inputmode: 'numeric', maxlength: 8, size: 'year' });
    year.setAttribute('aria-label', '出生年份');
    return h(
      'div',
      { class: 'field', dataset: { field: 'person.birth_year' } },
      h('label', { for: year.id }, '出生年月', h('span', { class: 'req' }, ' *')),
      h('div', { class: 'inline' }, year, h('span', { class: 'unit' }, '年'), months),
      msgs('person.birth_year', 'person.birth_month'),
    );
  }

  function regionField() {
    const parts = [
      ['region.city', '市'],
      ['region.county', '县'],
      ['region.township', '乡（镇）'],
      ['region.village', '村'],
    ];
    labels.set('region.province', '省（区）');
    const province = control('region.province', 'select', { options: dicts.provinces, empty: '请选择省份' });
    province.setAttribute('aria-label', '省（区）');
    const row = h('div', { class: 'inline region' }, province);
    for (const [p, unit] of parts) {
      labels.set(p, unit);
      const el = control(p, 'text', { size: 'region' });
      el.setAttribute('aria-label', unit);
      row.append(h('span', { class: 'region-part' }, el, h('span', { class: 'unit' }, unit)));
    }
    return h(
      'div',
      { class: 'field wide', dataset: { field: 'region.province' } },
      h('label', { for: province.id }, '所在地区', h('span', { class: 'req' }, ' *')),
      row,
      msgs('region', 'region.province', ...parts.map((p) => p[0])),
    );
  }

  function platformsField() {
    labels.set('business.platforms', '直播平台');
    labels.set('business.platform_other', '其他平台名称');
    const chosen = new Set(kase.business.platforms || []);
    const boxes = h('div', { class: 'checks', role: 'group', 'aria-label': '直播平台（可多选）' });
    for (const p of dicts.platforms) {
      const cb = h('input', { type: 'checkbox', value: p });
      cb.dataset.path = 'business.platforms';
      cb.checked = chosen.has(p);
      boxes.append(h('label', { class: 'check' }, cb, ' ', p));
    }
    const other = control('business.platform_other', 'text', { placeholder: '选择“其他”时填写平台名称', size: 'other' });
    other.setAttribute('aria-label', '其他平台名称');
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
    labels.set(hl, `典型做法${ord}亮点`);
    labels.set(tx, `典型做法${ord}内容`);
    const highlight = control(hl, 'text', { placeholder: '这条做法的主要亮点（打印时加粗），如：请传承人走进直播间，讲好非遗故事。' });
    highlight.setAttribute('aria-label', `典型做法${ord}的亮点`);
    const text = control(tx, 'textarea', { rows: 5, placeholder: '具体怎么做的、效果如何' });
    text.setAttribute('aria-label', `典型做法${ord}的内容`);
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
    for (const k of [...msgIndex.keys()]) if (/^practices\.\d+\./.test(k)) msgIndex.delete(k);
    for (const k of [...labels.keys()]) if (/^practices\.\d+\./.test(k)) labels.delete(k);
    const n = kase.practices.length;
    list.replaceChildren(...kase.practices.map((_, i) => practiceItem(i, n)));
  }

  function build() {
    msgIndex = new Map();
    labels.clear();
    const s = campaign.sections;
    form.replaceChildren(
      h(
        'section',
        { class: 'block', 'aria-labelledby': 'sec-person' },
        h('h2', { id: 'sec-person' }, '基本信息'),
        h(
          'div',
          { class: 'grid' },
          field('person.name', '姓名', 'text', { required: true, placeholder: '少数民族姓名可含 ·', maxlength: 60 }),
          birthField(),
          field('person.ethnicity', '民族', 'select', { required: true, options: dicts.ethnicities }),
          field('person.political_status', '政治面貌', 'select', { required: true, options: dicts.political_statuses }),
          regionField(),
          field('person.phone', '联系方式', 'text', { placeholder: '11 位手机号或座机（如 0855-1234567）', inputmode: 'tel', maxlength: 40 }),
        ),
      ),
      h(
        'section',
        { class: 'block', 'aria-labelledby': 'sec-business' },
        h('h2', { id: 'sec-business' }, '直播情况'),
        h(
          'div',
          { class: 'grid' },
          field('business.field', '直播领域', 'text', { required: true, placeholder: '如 农产品带货、非遗手工艺' }),
          field('business.team_size', '团队规模（人）', 'text', { placeholder: '如 12', inputmode: 'numeric', maxlength: 12 }),
          platformsField(),
          field('business.account_name', '直播账号名称', 'text', { placeholder: '如 苗绣阿妹' }),
          field('business.followers', '当前粉丝量', 'text', { placeholder: '如 865000 或 86.5万', maxlength: 20 }),
          field('business.years', '直播从业时间（年）', 'text', { placeholder: '如 5', inputmode: 'decimal', maxlength: 12 }),
          field('business.annual_revenue', '年营业额（万元）', 'text', { placeholder: '如 1260', inputmode: 'decimal', maxlength: 20 }),
        ),
      ),
      h(
        'section',
        { class: 'block', 'aria-labelledby': 'sec-recommender' },
        h('h2', { id: 'sec-recommender' }, '推荐单位'),
        h(
          'div',
          { class: 'grid' },
          field('recommender.unit', '推荐单位', 'text', { required: true, wide: true, placeholder: '如：××县人民政府' }),
          field('recommender.leader', '推荐单位负责人', 'text'),
          field('recommender.phone', '推荐单位联系方式', 'text', { inputmode: 'tel', maxlength: 40 }),
        ),
      ),
      h(
        'section',
        { class: 'block text-block', 'aria-labelledby': 'sec-intro' },
        ...sectionHead('intro', 'sec-intro'),
        msgs('intro'),
        field('intro.title', '案例名称', 'text', { required: true, wide: true, placeholder: '如：李明：助农直播让非物质文化遗产“活”起来' }),
        field('intro.basics', '基本情况介绍', 'textarea', { required: true, rows: 8 }),
        field('intro.feature', '案例特点（一句话概括）', 'text', { required: true, wide: true }),
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
          textOnly(key, s[key].heading, 10),
        ),
      ),
      h(
        'section',
        { class: 'block text-block', 'aria-labelledby': 'sec-opinion' },
        ...sectionHead('opinion', 'sec-opinion'),
        textOnly('opinion', '推荐理由', 12),
      ),
      ...materials.sections(),
    );
    renderPractices();
    materials.mounted();
  }

  function textOnly(path, label, rows) {
    const el = control(path, 'textarea', { rows });
    el.setAttribute('aria-label', label);
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
    if (!readInto(el)) return;
    saveState.dataset.state = 'dirty';
    autosave.input();
    if (!composing) live.trigger();
  }

  form.addEventListener('input', (e) => changed(e.target));
  form.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT' || e.target.type === 'checkbox') changed(e.target);
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
  form.addEventListener('focusout', () => {
    if (kase) autosave.flush();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('click', (e) => materials.onClick(e));
  form.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const i = Number(b.dataset.index);
    const list = kase.practices;
    let focusSel = null;
    switch (b.dataset.action) {
      case 'add':
        list.push({ highlight: '', text: '' });
        focusSel = `#${idOf(`practices.${list.length - 1}.highlight`)}`;
        break;
      case 'remove': {
        const p = list[i];
        if ((p.highlight.trim() || p.text.trim()) && !window.confirm(`删除${chineseOrdinal(i + 1)}这条做法？其中的文字会一并删除。`)) return;
        list.splice(i, 1);
        if (list.length === 0) list.push({ highlight: '', text: '' });
        focusSel = `#${idOf(`practices.${Math.min(i, list.length - 1)}.highlight`)}`;
        break;
      }
      case 'up':
      case 'down': {
        const j = b.dataset.action === 'up' ? i - 1 : i + 1;
        if (j < 0 || j >= list.length) return;
        [list[i], list[j]] = [list[j], list[i]];
        focusSel = `button[data-action="${b.dataset.action}"][data-index="${j}"]`;
        break;
      }
      default:
        return;
    }
    renderPractices();
    const f = focusSel && $(focusSel, form);
    if (f) (f.disabled ? $(`#${idOf(`practices.${i}.highlight`)}`, form) : f)?.focus();
    saveState.dataset.state = 'dirty';
    autosave.input();
    live.trigger();
  });

  // ---- showing the report -----------------------------------------------------------------------

  function isEmptyValue(field) {
    const v = getPath(kase, field);
    return v == null || (Array.isArray(v) ? v.length === 0 : String(v).trim() === '');
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
    const groups = groupIssues(r.issues);
    for (const box of new Set(msgIndex.values())) {
      const fields = box.dataset.msgsFor.split(' ');
      const items = [];
      for (const f of fields) {
        for (const i of groups.get(f) || []) {
          items.push(h('div', { class: `msg ${i.severity}`, dataset: { field: f } }, i.message));
        }
      }
      box.replaceChildren(...items);
    }
    materials.afterReport(groups);
    for (const el of $$('[data-path]', form)) {
      const list = groups.get(el.dataset.path) || [];
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

  function renderSummary(r) {
    const box = $('#issue-summary');
    const head =
      r.errors === 0 && r.warnings === 0
        ? h('p', { class: 'ok' }, '没有问题，可以标记为完成。')
        : h(
            'p',
            { class: 'counts' },
            r.errors ? h('span', { class: 'error' }, `${r.errors} 个错误`) : null,
            r.errors && r.warnings ? '，' : null,
            r.warnings ? h('span', { class: 'warning' }, `${r.warnings} 个提醒`) : null,
          );
    const list = h('ul', { class: 'issues' });
    for (const i of r.issues) {
      list.append(
        h(
          'li',
          { class: i.severity },
          h(
            'button',
            { type: 'button', class: 'link', onclick: () => focusField(i.field) },
            h('b', {}, labelOf(i.field) + '：'),
            i.message,
          ),
        ),
      );
    }
    box.replaceChildren(
      h('div', { class: 'completeness' }, `完成度 ${r.completeness}%`, h('progress', { max: 100, value: r.completeness })),
      head,
      list,
    );
  }

  function labelOf(field) {
    if (labels.has(field)) return labels.get(field);
    const other = OTHER_LABELS.find(([prefix]) => field === prefix || field.startsWith(prefix + '.'));
    return other ? other[1] : field;
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

  function label() {
    return (kase.person.name || '').trim() || (kase.intro.title || '').trim() || '未命名案例';
  }

  function updateTitle() {
    $('#case-title').textContent = label();
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
    markReady.disabled = errors > 0;
    markReady.title = errors > 0 ? `还有 ${errors} 个错误需要改正，改正后才能标记为完成` : '确认内容无误后标记为完成';
  }

  markReady.addEventListener('click', async () => {
    if (!(await autosave.flush({ force: true }))) return;
    try {
      const saved = await api.setStatus(kase.id, 'ready');
      kase.status = saved.status;
      showSaveState('saved', saved);
      applyReport(saved.report);
      toast('已标记为完成');
    } catch (e) {
      toast(errorText(e), { error: true });
    }
  });
  markDraft.addEventListener('click', async () => {
    try {
      const saved = await api.setStatus(kase.id, 'draft');
      kase.status = saved.status;
      showSaveState('saved', saved);
      updateStatus();
    } catch (e) {
      toast(errorText(e), { error: true });
    }
  });

  $('#back').addEventListener('click', () => close());

  // ---- leaving: never lose what was typed ---------------------------------------------------------

  async function close() {
    const ok = await autosave.flush({ force: true });
    if (!ok) {
      toast('还有内容没能保存，请先处理保存失败的提示再离开', { error: true });
      return;
    }
    await materials.close();
    autosave.reset();
    kase = null;
    report = null;
    onBack();
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
    async open(c) {
      kase = c;
      if (!Array.isArray(kase.practices) || kase.practices.length === 0) kase.practices = [{ highlight: '', text: '' }];
      report = null;
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
    /** Save whatever is pending (the window is closing). */
    flush: (opts) => (kase ? autosave.flush(opts) : Promise.resolve(true)),
    get isOpen() {
      return kase !== null;
    },
    /** The case being edited (null when none). */
    get current() {
      return kase;
    },
    close,
    attachPaths: (slot, paths) => materials.attachPaths(slot, paths),
    checkVideoPath: (path) => materials.checkVideoPath(path),
    onDrop: (e) => materials.onDrop(e),
    gc: () => materials.gc(),
  };
}
