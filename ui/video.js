// The editor's 视频 section: the 百度网盘 link and 提取码 (a pasted share text fills both), the
// optional check of the local video file (headers only, never copied; the verdict per rule is kept
// in the case) and the clerk's two confirmations (no watermark, no advertising).

import { api } from './api.js';
import { h, toast, reportError } from './dom.js';
import * as native from './native.js';
import { ruleSize, durationRange } from './format.js';
import { fieldLabel } from './labels.js';

const VERDICT_MARK = { true: '✓', false: '✗', null: '?' };
const VERDICT_RULE = {
  integrity: '文件完整',
  container: '格式',
  duration: '时长',
  resolution: '分辨率',
  aspect: '画面比例',
  size: '大小',
};

/** @param {object} ctx the editor's edit context (see ui/attachments.js) */
export function createVideo(ctx) {
  const { campaign, fields } = ctx;
  const kase = () => ctx.case;
  let videoBusy = false;

  function videoRule() {
    const v = campaign.video;
    return `时长 ${durationRange(v.min_seconds, v.max_seconds)}，${v.width}×${v.height}（${v.aspect} 横屏），不超过 ${ruleSize(v.max_bytes)}，${v.containers.map((c) => c.toUpperCase()).join('、')} 格式`;
  }

  function checkbox(path, text) {
    const cb = fields.control(path, 'checkbox');
    return h('div', { class: 'confirm' }, h('label', { class: 'check', for: cb.id }, cb, ' ', text), fields.msgs(path));
  }

  function videoSection() {
    const v = campaign.video;
    const link = fields.control('media.video.link', 'text', {
      placeholder: `粘贴${v.netdisk}的分享文字即可，链接和提取码会自动分开填好`,
      maxlength: 400,
    });
    const code = fields.control('media.video.code', 'text', { placeholder: '4 位', maxlength: 12, size: 'code' });
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
          h('label', { for: link.id }, fieldLabel('media.video.link', campaign)),
          link,
          fields.msgs('media.video.link'),
        ),
        h(
          'div',
          { class: 'field', dataset: { field: 'media.video.code' } },
          h('label', { for: code.id }, fieldLabel('media.video.code')),
          code,
          fields.msgs('media.video.code'),
        ),
      ),
      h(
        'div',
        { class: 'video-check' },
        h(
          'div',
          { class: 'drop video-drop', dataset: { drop: 'video' }, id: 'drop-video' },
          h('button', { type: 'button', onclick: pickVideo, 'data-focus': 'media.video.check' }, '检查本地视频文件…'),
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
      h('div', { class: 'file-name', title: v.local_path || r.file }, r.file_name || native.baseName(v.local_path || '')),
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
      ctx.markDirty();
      await ctx.saveNow();
      return r;
    } catch (e) {
      reportError(e, { ms: 12000 });
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
      reportError(e);
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
    ctx.markDirty();
    if (link && code) toast('已从分享文字中填好链接和提取码');
  }

  async function pickVideo() {
    let paths;
    try {
      paths = await native.pickFiles({ title: '选择视频文件（只读取文件信息，不复制）', filters: [...native.FILTERS.video, ...native.FILTERS.any] });
    } catch (e) {
      reportError(e);
      return;
    }
    if (paths.length) await checkVideoPath(paths[0]).catch(() => {});
  }

  return {
    section: videoSection,
    /** After the section is in the document. */
    mounted: renderVideo,
    checkVideoPath,
  };
}
