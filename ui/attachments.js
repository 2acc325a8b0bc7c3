// The editor's 材料 section: 个人形象照片, 身份证扫描件 (人像面/国徽面), 推荐表图片 (several, with
// captions, in order). The 视频 section is ui/video.js.
//
// Files come in through `attachPaths(slot, paths)` — the one function behind the file picker,
// a drop on a slot and the tests. The core copies and checks the file (`attach_file`); the case
// is changed here, in the editor's copy, and saved like any other edit. A file whose check finds
// an error (not an image, broken, truncated…) is not put into the case: the reason is shown in
// its slot and the copy is freed. Removing asks nothing and offers 撤销; the copies no case uses
// any more are freed (`gc_blobs`) once the undo is no longer offered.

import { api } from './api.js';
import { h, toast, clearToast, reportError, focusMoved, imageDataUrl } from './dom.js';
import * as native from './native.js';
import { humanSize, pixelSize, formatLabel, ruleSize, errorText } from './format.js';
import { fieldLabel } from './labels.js';
import { reorderList } from './lists.js';

const UNDO_MS = 8000;
// Formats the core decodes (and so makes thumbnails of); WebP and BMP also get a JPEG conversion.
const THUMBNAILED = ['jpeg', 'png', 'webp', 'bmp'];

/** What can be attached where. `role` is the core's PhotoRole. */
const SLOTS = {
  photo: { role: 'photo', filters: [...native.FILTERS.image, ...native.FILTERS.any] },
  id_front: { role: 'id_scan', filters: [...native.FILTERS.idScan, ...native.FILTERS.any] },
  id_back: { role: 'id_scan', filters: [...native.FILTERS.idScan, ...native.FILTERS.any] },
  pictures: { role: 'picture', multiple: true, filters: [...native.FILTERS.image, ...native.FILTERS.any] },
};
export const SLOT_NAMES = Object.keys(SLOTS);
const slotLabel = (slot) => fieldLabel(`media.${slot}`);
const { baseName } = native;

/**
 * @param {object} ctx the editor's edit context: `campaign`, `case` (the case being edited),
 *   `markDirty()`, `saveNow()`, `report` (the last validation's issues by field), `fields`
 *   (ui/fields.js: control, msgs, forget).
 */
export function createAttachments(ctx) {
  const { campaign, fields } = ctx;
  const thumbs = new Map(); // sha256 -> Promise<data URL | null>
  const reportIssues = new Map(); // sha256 -> issues of the attach check (this session)
  const refusals = new Map(); // slot -> [{severity, message}] for files not attached
  const refusalToast = new Map(); // slot -> id of the toast that said so
  const busy = new Map(); // slot -> text while attaching
  let pendingUndo = null; // {toastId, timer}
  let queue = Promise.resolve();

  // One media operation at a time (attach, free copies): freeing never runs between a copy and
  // the save that makes a case use it.
  function serial(fn) {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  }

  const kase = () => ctx.case;

  function thumbUrl(a) {
    if (!a || !a.sha256 || !THUMBNAILED.includes(String(a.format).toLowerCase())) return Promise.resolve(null);
    if (!thumbs.has(a.sha256)) {
      thumbs.set(
        a.sha256,
        api.thumbnail(a.sha256).then((bytes) => imageDataUrl(bytes)).catch(() => {
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
    return h(
      'div',
      { class: 'slot', dataset: { slot } },
      h('div', { class: 'slot-title' }, h('b', {}, slotLabel(slot)), h('span', { class: 'hint' }, slotHint(slot))),
      h('div', { class: 'drop', dataset: { drop: slot }, id: `drop-${slot}` }),
      fields.msgs(`media.${slot}`),
      h('div', { class: 'msgs attach-msgs', dataset: { attachMsgs: slot } }),
    );
  }

  function fileMeta(a) {
    const format = a.converted ? `${formatLabel(a.format)}（已另存为 JPG）` : formatLabel(a.format);
    return [humanSize(a.bytes), pixelSize(a.width, a.height), format].filter(Boolean).join(' · ');
  }

  function thumbBox(a) {
    const box = h('div', { class: 'thumb-box' });
    const fmt = String(a.format || '').toLowerCase();
    if (THUMBNAILED.includes(fmt)) {
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
    const caption = fields.control(cap, 'text', {
      placeholder: '图片说明（印在图片下方），如：在直播间讲解苗绣针法',
      maxlength: 80,
      ariaLabel: fieldLabel(cap),
    });
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
        fields.msgs(`media.pictures.${i}`),
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
    fields.forget(/^media\.pictures\.\d+/);
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
    afterReport();
  }

  function mediaSection() {
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
      fields.msgs('media.pictures'),
      h('ol', { class: 'pictures', id: 'picture-list', dataset: { drop: 'pictures' } }),
      h('div', { class: 'drop add-pictures', dataset: { drop: 'pictures' }, id: 'drop-pictures' }),
      h('div', { class: 'msgs attach-msgs', dataset: { attachMsgs: 'pictures' } }),
    );
    return section;
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
      toast(`${slotLabel(slot)}只需要一个文件，已使用第一个：${baseName(list[0])}`);
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
        ctx.markDirty();
        await ctx.saveNow();
      }
      // A refusal said earlier for this slot no longer stands once a file went in.
      if (refusalToast.has(slot) && (added || !refused.length)) clearToast(refusalToast.get(slot));
      refusalToast.delete(slot);
      if (refused.length) {
        refusalToast.set(slot, toast(refused[0].message, { error: true, ms: 10000 }));
        // The refused files' copies: nothing uses them.
        await freeUnused();
      } else if (replaced) {
        const prev = replaced;
        offerUndo(`已更换${slotLabel(slot)}（原文件“${prev.file_name}”）`, () => {
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
      paths = await native.pickFiles({ title: `选择${slotLabel(slot)}`, filters: s.filters, multiple: Boolean(s.multiple) });
    } catch (e) {
      reportError(e);
      return;
    }
    if (paths.length) await attachPaths(slot, paths).catch((e) => reportError(e));
  }

  // ---- removing, undo, freeing copies ------------------------------------------------------------

  async function freeUnused() {
    // Only what is saved counts: never free while the case has unsaved changes.
    if (!(await ctx.saveNow())) return;
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
          ctx.markDirty();
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
    ctx.markDirty();
    ctx.saveNow();
    offerUndo(`已移除“${item.file_name}”`, () => {
      if (slot === 'pictures') k.media.pictures.splice(Math.min(index, k.media.pictures.length), 0, item);
      else k.media[slot] = item;
    }, slot);
    const focus = document.querySelector(slot === 'pictures' ? '#drop-pictures button' : `#drop-${slot} button`);
    if (focus) focus.focus();
  }

  function move(index, dir) {
    const j = reorderList(kase().media.pictures, index, dir);
    if (j < 0) return;
    renderPictures();
    ctx.markDirty();
    focusMoved(`button[data-m="${dir < 0 ? 'up' : 'down'}"][data-index="${j}"]`, `media.pictures.${j}.caption`);
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
  }

  // ---- validation messages ---------------------------------------------------------------------

  /** After the editor drew validate_case's messages: what only the attach check or a refusal says. */
  function afterReport() {
    const groups = ctx.report;
    const k = kase();
    if (!k || !groups) return;
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
  }

  return {
    section: mediaSection,
    /** After the section is in the document. */
    mounted() {
      for (const slot of SLOT_NAMES) render(slot);
    },
    onClick,
    attachPaths,
    afterReport,
    /** Leaving the case: no undo any more, free what it no longer uses. */
    async close() {
      const had = settleUndo();
      refusals.clear();
      busy.clear();
      if (had) await serial(async () => api.gcBlobs().catch(() => 0));
    },
    /** Frees the copies no case uses (at start-up). */
    gc: () => serial(async () => api.gcBlobs().catch(() => 0)),
  };
}
