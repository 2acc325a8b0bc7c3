// The editor's 材料 and 视频 sections: 个人形象照片, 身份证扫描件 (人像面/国徽面), 推荐表图片 (several,
// with captions, in order), the 百度网盘 link and 提取码, the optional check of the local video file
// and the clerk's two confirmations.
//
// Files come in through `attachPaths(slot, paths)` — the one function behind the file picker,
// a drop on a slot and the tests. The core copies and checks the file (`attach_file`); the case
// is changed here, in the editor's copy, and saved like any other edit. A file whose check finds
// an error (not an image, broken, truncated…) is not put into the case: the reason is shown in
// its slot and the copy is freed. Removing asks nothing and offers 撤销; the copies no case uses
// any more are freed (`gc_blobs`) once the undo is no longer offered.

import { api } from './api.js';
import { h, $, $$, toast, clearToast } from './dom.js';
import * as native from './native.js';
import { humanSize, pixelSize, formatLabel, ruleSize, durationRange, errorText } from './format.js';

const UNDO_MS = 8000;

/** What can be attached where. `role` is the core's PhotoRole. */
const SLOTS = {
  photo: { role: 'photo', label: '个人形象照片', filters: [...native.FILTERS.image, ...native.FILTERS.any] },
  id_front: { role: 'id_scan', label: '身份证扫描件（人像面）', filters: [...native.FILTERS.idScan, ...native.FILTERS.any] },
  id_back: { role: 'id_scan', label: '身份证扫描件（国徽面）', filters: [...native.FILTERS.idScan, ...native.FILTERS.any] },
  pictures: { role: 'picture', label: '推荐表图片', multiple: true, filters: [...native.FILTERS.image, ...native.FILTERS.any] },
};
export const SLOT_NAMES = Object.keys(SLOTS);

const VERDICT_MARK = { true: '✓', false: '✗', null: '?' };
const VERDICT_RULE = {
  integrity: '文件完整',
  container: '格式',
  duration: '时长',
  resolution: '分辨率',
  aspect: '画面比例',
  size: '大小',
};

function baseName(path) {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** JPEG bytes → a data: URL (the CSP allows img-src data:). */
function dataUrl(buffer) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(new Blob([buffer], { type: 'image/jpeg' }));
  });
}

export function createMaterials({ campaign, getCase, msgs, labels, control, forgetMsgs, changed, saveNow }) {
  const thumbs = new Map(); // sha256 -> Promise<data URL | null>
  const reportIssues = new Map(); // sha256 -> issues of the attach check (this session)
  const refusals = new Map(); // slot -> [{severity, message}] for files not attached
  const busy = new Map(); // slot -> text while attaching
  let lastReport = null;
  let pendingUndo = null; // {toastId, timer}
  let queue = Promise.resolve();
  let videoBusy = false;

  // One media operation at a time (attach, free copies): freeing never runs between a copy and
  // the save that makes a case use it.
  function serial(fn) {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  }

  const kase = () => getCase();

  function thumbUrl(a) {
    if (!a || !a.sha256 || !['jpeg', 'png'].includes(String(a.format).toLowerCase())) return Promise.resolve(null);
    if (!thumbs.has(a.sha256)) {
      thumbs.set(
        a.sha256,
        api.thumbnail(a.sha256).then(dataUrl).catch(() => {
          thumbs.delete(a.sha256);
          return null;
        }),
      );
    }
    return thumbs.get(a.sha256);
  }

  // ---- building -----------------------------------------------------------------------------

  function photoHint() {
    return `1 张，JPG 或 PNG 原图，大小不低于${ruleSize(campaign.photo.min_bytes)}`;
  }

  function slotHint(slot) {
    if (slot === 'photo') return photoHint();
    return `图片或 PDF，短边不低于 ${campaign.id_scan.min_short_side_px} 像素`;
  }

  function slotBox(slot) {
    const s = SLOTS[slot];
    labels.set(`media.${slot}`, s.label);
    return h(
      'div',
      { class: 'slot', dataset: { slot } },
      h('div', { class: 'slot-title' }, h('b', {}, s.label), h('span', { class: 'hint' }, slotHint(slot))),
      h('div', { class: 'drop', dataset: { drop: slot }, id: `drop-${slot}` }),
      msgs(`media.${slot}`),
      h('div', { class: 'msgs attach-msgs', dataset: { attachMsgs: slot } }),
    );
  }

  function fileMeta(a) {
    return [humanSize(a.bytes), pixelSize(a.width, a.height), formatLabel(a.format)].filter(Boolean).join(' · ');
  }

  function thumbBox(a) {
    const box = h('div', { class: 'thumb-box' });
    const fmt = String(a.format || '').toLowerCase();
    if (['jpeg', 'png'].includes(fmt)) {
      const img = h('img', { class: 'thumb', alt: `${a.file_name} 的缩略图` });
      box.append(img);
      thumbUrl(a).then((url) => {
        if (url) img.src = url;
        else box.replaceChildren(h('span', { class: 'thumb-ph' }, formatLabel(fmt)));
      });
    } else {
      box.append(h('span', { class: 'thumb-ph' }, formatLabel(fmt)));
    }
    return box;
  }

  function renderSlot(slot) {
    const zone = document.getElementById(`drop-${slot}`);
    if (!zone) return;
    const a = kase().media[slot];
    const pick = (label, cls = 'small') =>
      h('button', { type: 'button', class: cls, dataset: { m: 'pick', slot }, 'data-focus': `media.${slot}` }, label);
    if (busy.has(slot)) {
      zone.replaceChildren(h('div', { class: 'drop-empty busy' }, busy.get(slot)));
    } else if (a) {
      zone.replaceChildren(
        thumbBox(a),
        h(
          'div',
          { class: 'file-info' },
          h('div', { class: 'file-name', title: a.file_name }, a.file_name),
          h('div', { class: 'file-meta' }, fileMeta(a)),
          h(
            'div',
            { class: 'slot-actions' },
            pick('更换…'),
            h('button', { type: 'button', class: 'small danger', dataset: { m: 'remove', slot } }, '移除'),
          ),
        ),
      );
    } else {
      zone.replaceChildren(h('div', { class: 'drop-empty' }, h('span', {}, '把文件拖到这里'), h('span', {}, '或 ', pick('选择文件…'))));
    }
    zone.classList.toggle('filled', Boolean(a) && !busy.has(slot));
  }

  function pictureItem(a, i, n) {
    const cap = `media.pictures.${i}.caption`;
    labels.set(`media.pictures.${i}`, `推荐表图片${i + 1}`);
    labels.set(cap, `图片${i + 1}的说明`);
    const caption = control(cap, 'text', { placeholder: '图片说明（印在图片下方），如：在直播间讲解苗绣针法', maxlength: 80 });
    caption.setAttribute('aria-label', `图片${i + 1}的说明`);
    caption.dataset.focus = `media.pictures.${i}`;
    const btn = (label, m, disabled, title) =>
      h('button', { type: 'button', class: 'small' + (m === 'remove' ? ' danger' : ''), dataset: { m, slot: 'pictures', index: String(i) }, disabled, title }, label);
    return h(
      'li',
      { class: 'pic', dataset: { index: String(i) } },
      h('span', { class: 'ord' }, `${i + 1}`),
      thumbBox(a),
      h(
        'div',
        { class: 'pic-main' },
        caption,
        h('div', { class: 'file-meta' }, h('span', { class: 'file-name', title: a.file_name }, a.file_name), ' · ', fileMeta(a)),
        msgs(`media.pictures.${i}`),
        h('div', { class: 'msgs attach-msgs', dataset: { attachMsgs: `pictures.${i}` } }),
      ),
      h(
        'div',
        { class: 'pic-actions' },
        btn('上移', 'up', i === 0, `把图片${i + 1}上移`),
        btn('下移', 'down', i === n - 1, `把图片${i + 1}下移`),
        btn('移除', 'remove', false, `移除图片${i + 1}`),
      ),
    );
  }

  function renderPictures() {
    const list = document.getElementById('picture-list');
    if (!list) return;
    forgetMsgs(/^media\.pictures\.\d+/);
    for (const k of [...labels.keys()]) if (/^media\.pictures\.\d+/.test(k)) labels.delete(k);
    const pics = kase().media.pictures;
    list.replaceChildren(...pics.map((a, i) => pictureItem(a, i, pics.length)));
    const add = document.getElementById('drop-pictures');
    if (add) {
      add.replaceChildren(
        busy.has('pictures')
          ? h('div', { class: 'drop-empty busy' }, busy.get('pictures'))
          : h(
              'div',
              { class: 'drop-empty' },
              h('span', {}, pics.length ? '再添加图片：把图片拖到这里' : '把图片拖到这里（可一次拖入多张）'),
              h('span', {}, '或 ', h('button', { type: 'button', class: 'small', dataset: { m: 'pick', slot: 'pictures' }, 'data-focus': 'media.pictures' }, '＋ 添加图片…')),
            ),
      );
    }
  }

  function render(slot) {
    if (slot === 'pictures') renderPictures();
    else renderSlot(slot);
    if (lastReport) afterReport(lastReport);
  }

  function mediaSection() {
    labels.set('media.pictures', '推荐表图片');
    const section = h(
      'section',
      { class: 'block media-block', 'aria-labelledby': 'sec-media' },
      h('h2', { id: 'sec-media' }, '材料', h('span', { class: 'limit' }, '个人形象照片、身份证扫描件、推荐表中的图片')),
      h(
        'p',
        { class: 'hint section-hint' },
        '点“选择文件…”，或把文件从文件夹直接拖到对应的框里。程序会另存一份原样的副本，之后拔出U盘也不影响。',
      ),
      h('div', { class: 'slots' }, slotBox('photo'), slotBox('id_front'), slotBox('id_back')),
      h(
        'div',
        { class: 'pictures-head' },
        h('b', {}, '推荐表图片'),
        h('span', { class: 'hint' }, '按顺序印在推荐表中，每张可写一句说明；可上移、下移调整顺序'),
      ),
      msgs('media.pictures'),
      h('ol', { class: 'pictures', id: 'picture-list', dataset: { drop: 'pictures' } }),
      h('div', { class: 'drop add-pictures', dataset: { drop: 'pictures' }, id: 'drop-pictures' }),
      h('div', { class: 'msgs attach-msgs', dataset: { attachMsgs: 'pictures' } }),
    );
    return section;
  }

  // ---- the video ------------------------------------------------------------------------------

  function videoRule() {
    const v = campaign.video;
    return `时长 ${durationRange(v.min_seconds, v.max_seconds)}，${v.width}×${v.height}（${v.aspect} 横屏），不超过 ${ruleSize(v.max_bytes)}，${v.containers.map((c) => c.toUpperCase()).join('、')} 格式`;
  }

  function checkbox(path, text) {
    const id = 'f-' + path.replace(/\./g, '-');
    const cb = h('input', { type: 'checkbox', id });
    cb.dataset.path = path;
    cb.checked = Boolean(kase().media.video[path.split('.').pop()]);
    return h('div', { class: 'confirm' }, h('label', { class: 'check', for: id }, cb, ' ', text), msgs(path));
  }

  function videoSection() {
    const v = campaign.video;
    labels.set('media.video.link', `${v.netdisk}链接`);
    labels.set('media.video.code', '提取码');
    labels.set('media.video.check', '视频文件');
    labels.set('media.video.confirm_no_watermark', '无水印确认');
    labels.set('media.video.confirm_no_ads', '无广告确认');
    const link = control('media.video.link', 'text', {
      placeholder: `粘贴${v.netdisk}的分享文字即可，链接和提取码会自动分开填好`,
      maxlength: 400,
    });
    const code = control('media.video.code', 'text', { placeholder: '4 位', maxlength: 12, size: 'code' });
    link.addEventListener('paste', onLinkPaste);
    link.addEventListener('change', onLinkChange);
    return h(
      'section',
      { class: 'block video-block', 'aria-labelledby': 'sec-video' },
      h('h2', { id: 'sec-video' }, '视频', h('span', { class: 'limit' }, `主题“${campaign.video_theme}”`)),
      h('p', { class: 'hint section-hint' }, `通知要求：${videoRule()}；无水印、无商业广告。视频上传至${v.netdisk}，在邮件中写明链接和提取码。`),
      h(
        'div',
        { class: 'grid video-grid' },
        h(
          'div',
          { class: 'field', dataset: { field: 'media.video.link' } },
          h('label', { for: link.id }, `${v.netdisk}链接`),
          link,
          msgs('media.video.link'),
        ),
        h(
          'div',
          { class: 'field', dataset: { field: 'media.video.code' } },
          h('label', { for: code.id }, '提取码'),
          code,
          msgs('media.video.code'),
        ),
      ),
      h(
        'div',
        { class: 'video-check' },
        h(
          'div',
          { class: 'drop video-drop', dataset: { drop: 'video' }, id: 'drop-video' },
          h('button', { type: 'button', dataset: { m: 'video' }, 'data-focus': 'media.video.check' }, '检查本地视频文件…'),
          h('span', { class: 'hint' }, '可选：只读取文件头，不复制视频；也可把视频文件拖到这里'),
        ),
        h('div', { id: 'video-report', class: 'video-report', 'aria-live': 'polite' }),
      ),
      h('div', { class: 'confirms' }, checkbox('media.video.confirm_no_watermark', '我已确认：视频中没有添加任何水印标识'), checkbox('media.video.confirm_no_ads', '我已确认：视频中没有插入任何商业广告')),
    );
  }

  function renderVideo() {
    const box = document.getElementById('video-report');
    if (!box) return;
    if (videoBusy) {
      box.replaceChildren(h('p', { class: 'busy' }, '正在读取视频信息…'));
      return;
    }
    const v = kase().media.video;
    const r = v.check;
    if (!r) {
      box.replaceChildren();
      return;
    }
    const facts = [r.size, r.duration, r.width && r.height ? `${r.width}×${r.height}` : '', r.aspect, r.container_label].filter(Boolean).join(' · ');
    const verdicts = h('ul', { class: 'verdicts' });
    for (const x of r.verdicts || []) {
      const cls = x.ok === true ? 'ok' : x.ok === false ? 'bad' : 'unknown';
      verdicts.append(
        h(
          'li',
          { class: cls, dataset: { rule: x.rule } },
          h('span', { class: 'mark', 'aria-label': cls === 'ok' ? '符合' : cls === 'bad' ? '不符合' : '无法判断' }, VERDICT_MARK[String(x.ok)]),
          h('b', {}, (VERDICT_RULE[x.rule] || x.rule) + '：'),
          x.message,
        ),
      );
    }
    const notes = [...(r.problems || []), ...(r.notes || [])];
    const parts = [
      h('div', { class: 'file-name', title: v.local_path || r.file }, r.file_name || baseName(v.local_path || '')),
      h('div', { class: 'file-meta' }, facts),
      verdicts,
    ];
    if (notes.length) parts.push(h('ul', { class: 'notes hint' }, ...notes.map((n) => h('li', {}, n))));
    box.replaceChildren(...parts);
  }

  /** Checks the local video file at `path` (headers only) and keeps the result in the case. */
  async function checkVideoPath(path) {
    const k = kase();
    if (!k || !path) return null;
    videoBusy = true;
    renderVideo();
    try {
      const r = await api.checkVideoFile(path);
      if (kase() !== k) return r;
      k.media.video.local_path = path;
      k.media.video.bytes = r.bytes;
      k.media.video.check = r;
      changed();
      await saveNow();
      return r;
    } catch (e) {
      toast(errorText(e), { error: true, ms: 12000 });
      throw e;
    } finally {
      videoBusy = false;
      if (kase() === k) renderVideo();
    }
  }

  // Pasting a whole share text ("链接: https://pan.baidu.com/s/1… 提取码: x7k9 复制这段内容…") fills
  // both fields (the core parses it); a bare link pastes as usual.
  const looksLikeShare = (t) => /\s|提取码|pwd=/.test(String(t).trim());

  function onLinkPaste(e) {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') || e.clipboardData.getData('text') : '';
    if (!text || !looksLikeShare(text)) return;
    e.preventDefault();
    fillShare(text);
  }

  function onLinkChange(e) {
    if (looksLikeShare(e.target.value)) fillShare(e.target.value);
  }

  async function fillShare(text) {
    const k = kase();
    let parsed;
    try {
      parsed = await api.parseNetdisk(text);
    } catch (e) {
      toast(errorText(e), { error: true });
      return;
    }
    if (kase() !== k) return;
    const [link, code] = parsed || [];
    const linkEl = document.querySelector('[data-path="media.video.link"]');
    const codeEl = document.querySelector('[data-path="media.video.code"]');
    const v = k.media.video;
    v.link = link || text.trim();
    if (linkEl) linkEl.value = v.link;
    if (code) {
      v.code = code;
      if (codeEl) codeEl.value = code;
    }
    changed();
    if (link && code) toast('已从分享文字中填好链接和提取码');
  }

  // ---- attaching ------------------------------------------------------------------------------

  /**
   * Attaches the files at `paths` to `slot` ('photo' | 'id_front' | 'id_back' | 'pictures'):
   * what the picker, a drop and the tests call. Resolves with one result per file:
   * {path, attachment?, issues, refused?, error?}.
   */
  function attachPaths(slot, paths) {
    const s = SLOTS[slot];
    if (!s) return Promise.reject(new Error(`没有这个位置：${slot}`));
    const k = kase();
    if (!k) return Promise.reject(new Error('请先打开一个案例'));
    let list = (paths || []).filter(Boolean);
    if (!list.length) return Promise.resolve([]);
    if (!s.multiple && list.length > 1) {
      toast(`${s.label}只需要一个文件，已使用第一个：${baseName(list[0])}`);
      list = list.slice(0, 1);
    }
    return serial(async () => {
      const results = [];
      const refused = [];
      let replaced = null;
      let added = 0;
      refusals.delete(slot);
      for (const [n, path] of list.entries()) {
        busy.set(slot, list.length > 1 ? `正在添加 ${n + 1}/${list.length}：${baseName(path)}…` : `正在添加 ${baseName(path)}…`);
        render(slot);
        let res;
        try {
          res = await api.attachFile(path, s.role);
        } catch (e) {
          refused.push({ severity: 'error', message: errorText(e) });
          results.push({ path, error: errorText(e), issues: [] });
          continue;
        }
        if (kase() !== k) break; // the editor moved on to another case
        const { attachment, report } = res;
        if (!report.ok) {
          const errs = report.issues.filter((i) => i.severity === 'error');
          refused.push(...errs.map((i) => ({ severity: 'error', message: `未添加：${i.message}` })));
          results.push({ path, refused: true, issues: report.issues });
          continue;
        }
        reportIssues.set(attachment.sha256, report.issues);
        if (s.multiple) {
          k.media.pictures.push(attachment);
        } else {
          const prev = k.media[slot];
          if (prev && prev.sha256 !== attachment.sha256) replaced = prev;
          k.media[slot] = attachment;
        }
        added++;
        results.push({ path, attachment, issues: report.issues });
      }
      busy.delete(slot);
      if (kase() !== k) return results;
      if (refused.length) refusals.set(slot, refused);
      render(slot);
      if (added) {
        changed();
        await saveNow();
      }
      if (refused.length) {
        toast(refused[0].message, { error: true, ms: 10000 });
        // The refused files' copies: nothing uses them.
        await freeUnused();
      } else if (replaced) {
        const prev = replaced;
        offerUndo(`已更换${s.label}（原文件“${prev.file_name}”）`, () => {
          const cur = k.media[slot];
          k.media[slot] = prev;
          return cur;
        }, slot);
      }
      return results;
    });
  }

  async function pick(slot) {
    const s = SLOTS[slot];
    let paths;
    try {
      paths = await native.pickFiles({ title: `选择${s.label}`, filters: s.filters, multiple: Boolean(s.multiple) });
    } catch (e) {
      toast(errorText(e), { error: true });
      return;
    }
    if (paths.length) await attachPaths(slot, paths).catch((e) => toast(errorText(e), { error: true }));
  }

  async function pickVideo() {
    let paths;
    try {
      paths = await native.pickFiles({ title: '选择视频文件（只读取文件信息，不复制）', filters: [...native.FILTERS.video, ...native.FILTERS.any] });
    } catch (e) {
      toast(errorText(e), { error: true });
      return;
    }
    if (paths.length) await checkVideoPath(paths[0]).catch(() => {});
  }

  // ---- removing, undo, freeing copies ------------------------------------------------------------

  async function freeUnused() {
    // Only what is saved counts: never free while the case has unsaved changes.
    if (!(await saveNow())) return;
    try {
      await api.gcBlobs();
    } catch (e) {
      console.warn('gc_blobs', e);
    }
  }

  function gc() {
    return serial(freeUnused);
  }

  function settleUndo() {
    if (!pendingUndo) return false;
    clearTimeout(pendingUndo.timer);
    clearToast(pendingUndo.toastId);
    pendingUndo = null;
    return true;
  }

  /** A toast with 撤销; the copies are freed when it is gone. `undo()` restores the case. */
  function offerUndo(message, undo, slot) {
    if (settleUndo()) gc();
    const k = kase();
    const entry = {};
    entry.toastId = toast(message, {
      ms: UNDO_MS,
      action: {
        label: '撤销',
        run: () => {
          if (pendingUndo !== entry) return;
          clearTimeout(entry.timer);
          pendingUndo = null;
          if (kase() !== k) return;
          undo();
          refusals.delete(slot);
          render(slot);
          changed();
          toast('已撤销');
          gc(); // saves first; frees what the undo left unused (e.g. a replacing file)
        },
      },
    });
    entry.timer = setTimeout(() => {
      if (pendingUndo === entry) pendingUndo = null;
      gc();
    }, UNDO_MS + 500);
    pendingUndo = entry;
  }

  function removeAt(slot, index) {
    const k = kase();
    let item;
    if (slot === 'pictures') {
      item = k.media.pictures.splice(index, 1)[0];
    } else {
      item = k.media[slot];
      k.media[slot] = null;
    }
    if (!item) return;
    refusals.delete(slot);
    render(slot);
    changed();
    saveNow();
    offerUndo(`已移除“${item.file_name}”`, () => {
      if (slot === 'pictures') k.media.pictures.splice(Math.min(index, k.media.pictures.length), 0, item);
      else k.media[slot] = item;
    }, slot);
    const focus = document.querySelector(slot === 'pictures' ? '#drop-pictures button' : `#drop-${slot} button`);
    if (focus) focus.focus();
  }

  function move(index, dir) {
    const list = kase().media.pictures;
    const j = index + dir;
    if (j < 0 || j >= list.length) return;
    [list[index], list[j]] = [list[j], list[index]];
    renderPictures();
    changed();
    const b = document.querySelector(`button[data-m="${dir < 0 ? 'up' : 'down'}"][data-index="${j}"]`);
    (b && !b.disabled ? b : document.querySelector(`[data-path="media.pictures.${j}.caption"]`))?.focus();
  }

  function onClick(e) {
    const b = e.target.closest('button[data-m]');
    if (!b || !kase()) return;
    const { m, slot } = b.dataset;
    const index = Number(b.dataset.index);
    if (m === 'pick') pick(slot);
    else if (m === 'remove') removeAt(slot, index);
    else if (m === 'up') move(index, -1);
    else if (m === 'down') move(index, +1);
    else if (m === 'video') pickVideo();
  }

  // ---- validation messages ---------------------------------------------------------------------

  /** After the editor drew validate_case's messages: what only the attach check or a refusal says. */
  function afterReport(groups) {
    lastReport = groups;
    const k = kase();
    if (!k) return;
    const extra = (key, a, field) => {
      const box = document.querySelector(`[data-attach-msgs="${key}"]`);
      if (!box) return;
      const shown = new Set((groups.get(field) || []).map((i) => i.message));
      const items = [...(refusals.get(key) || [])];
      for (const i of (a && reportIssues.get(a.sha256)) || []) if (!shown.has(i.message)) items.push(i);
      box.replaceChildren(...items.map((i) => h('div', { class: `msg ${i.severity}` }, i.message)));
    };
    for (const slot of ['photo', 'id_front', 'id_back']) {
      extra(slot, k.media[slot], `media.${slot}`);
      const zone = document.getElementById(`drop-${slot}`);
      if (zone) {
        const list = groups.get(`media.${slot}`) || [];
        const filled = Boolean(k.media[slot]);
        zone.classList.toggle('has-error', filled && list.some((i) => i.severity === 'error'));
        zone.classList.toggle('has-warning', filled && list.some((i) => i.severity === 'warning') && !list.some((i) => i.severity === 'error'));
      }
    }
    k.media.pictures.forEach((a, i) => extra(`pictures.${i}`, a, `media.pictures.${i}`));
    extra('pictures', null, 'media.pictures');
    // The navigation's summary of each section: ✓, or how many errors / reminders.
    const tally = (re) => {
      let errors = 0;
      let warnings = 0;
      for (const [f, list] of groups) {
        if (!re.test(f)) continue;
        for (const i of list) i.severity === 'error' ? errors++ : warnings++;
      }
      return errors ? { text: `${errors} 错误`, bad: true } : warnings ? { text: `${warnings} 提醒`, bad: false } : { text: '✓', bad: false };
    };
    for (const [key, re] of [['media', /^media\.(photo|id_front|id_back|pictures)/], ['video', /^media\.video/]]) {
      const mini = document.querySelector(`[data-mini="${key}"]`);
      if (!mini) continue;
      const t = tally(re);
      mini.textContent = t.text;
      mini.classList.toggle('bad', t.bad);
    }
  }

  // ---- drag and drop ----------------------------------------------------------------------------

  let over = null;
  function highlight(zone) {
    if (over === zone) return;
    if (over) over.classList.remove('drag-over');
    over = zone;
    if (over) over.classList.add('drag-over');
  }

  function zoneAt(x, y) {
    if (x == null || y == null) return null;
    const el = document.elementFromPoint(x, y);
    return el ? el.closest('[data-drop]') : null;
  }

  /** The window's drag-drop events (native.onFileDrop), while a case is open. */
  function onDrop({ type, paths, x, y }) {
    if (!kase() || document.getElementById('editor-view').hidden) return;
    if (type === 'leave') {
      highlight(null);
      return;
    }
    const zone = zoneAt(x, y);
    if (type === 'enter' || type === 'over') {
      highlight(zone);
      return;
    }
    if (type !== 'drop') return;
    highlight(null);
    if (!zone) {
      toast('请把文件拖到“材料”中照片、身份证或图片的框里，视频文件拖到“视频”的框里', { error: true });
      return;
    }
    const slot = zone.dataset.drop;
    if (slot === 'video') checkVideoPath(paths[0]).catch(() => {});
    else attachPaths(slot, paths).catch((e) => toast(errorText(e), { error: true }));
  }

  return {
    sections() {
      return [mediaSection(), videoSection()];
    },
    /** After the sections are in the document. */
    mounted() {
      for (const slot of SLOT_NAMES) render(slot);
      renderVideo();
    },
    onClick,
    onDrop,
    attachPaths,
    checkVideoPath,
    afterReport,
    /** Leaving the case: no undo any more, free what it no longer uses. */
    async close() {
      const had = settleUndo();
      refusals.clear();
      busy.clear();
      lastReport = null;
      if (had) await serial(async () => api.gcBlobs().catch(() => 0));
    },
    /** Frees the copies no case uses (at start-up). */
    gc: () => serial(async () => api.gcBlobs().catch(() => 0)),
  };
}
