// 帮助 (the user guide, docs/用户手册.md, compiled into the app: shown offline) and 关于 (what a
// person on the phone with a helper reads out: version, campaign year, where the data is).
// The guide's Markdown is rendered by the small subset it uses: headings, paragraphs, lists,
// indented code, images, **bold** and `code` — all through textContent, never as HTML.

import { api } from './api.js';
import { h, $, imageDataUrl } from './dom.js';

/** Markdown (the subset the guide uses) → DOM nodes. `image(src)` gives an <img> src. */
export function renderMarkdown(text, image = (src) => src) {
  const out = [];
  let list = null;
  let para = [];
  let code = [];
  const flushPara = () => {
    if (para.length) out.push(h('p', {}, ...inline(para.join(' '))));
    para = [];
  };
  const flushCode = () => {
    if (code.length) out.push(h('pre', {}, h('code', {}, code.join('\n'))));
    code = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^( {4}|\t)/.test(raw) && !list && !para.length) {
      code.push(raw.replace(/^( {4}|\t)/, ''));
      continue;
    }
    flushCode();
    let m;
    if (!line.trim()) {
      flushPara();
      list = null;
    } else if ((m = line.match(/^(#{1,4})\s+(.*)$/))) {
      flushPara();
      list = null;
      out.push(h(`h${m[1].length}`, {}, ...inline(m[2])));
    } else if ((m = line.match(/^!\[([^\]]*)\]\(([^)]+)\)$/))) {
      flushPara();
      list = null;
      out.push(h('figure', {}, h('img', { src: image(m[2]), alt: m[1], loading: 'lazy' }), h('figcaption', {}, m[1])));
    } else if ((m = line.match(/^\s*(?:[-*]|(\d+)\.)\s+(.*)$/))) {
      flushPara();
      const tag = m[1] ? 'ol' : 'ul';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = h(tag, {});
        out.push(list);
      }
      list.append(h('li', {}, ...inline(m[2])));
    } else if (list && /^\s+/.test(raw)) {
      list.lastChild.append(' ', ...inline(line.trim()));
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flushPara();
  flushCode();
  return out;
}

/** **bold** and `code` inside a line. */
function inline(s) {
  const parts = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  let m;
  while ((m = re.exec(s))) {
    if (m.index > last) parts.push(s.slice(last, m.index));
    parts.push(m[1] != null ? h('strong', {}, m[1]) : h('code', {}, m[2]));
    last = re.lastIndex;
  }
  if (last < s.length) parts.push(s.slice(last));
  return parts;
}

export function createHelp({ onClose }) {
  const body = $('#help-body');
  let loaded = false;

  async function open() {
    if (loaded) return;
    const guide = await api.userGuide();
    const nodes = renderMarkdown(guide, (src) => src);
    body.replaceChildren(...nodes);
    // Pictures come from the app itself (compiled in), as bytes → data: URLs.
    for (const img of body.querySelectorAll('img')) {
      const src = img.getAttribute('src');
      img.removeAttribute('src');
      api
        .guideImage(src)
        .then((bytes) => imageDataUrl(bytes, 'image/png'))
        .then((url) => {
          img.src = url;
        })
        .catch(() => img.closest('figure')?.remove());
    }
    loaded = true;
  }
  $('#help-close').addEventListener('click', () => onClose());
  return { open };
}

/** The lines of the 关于 dialog. */
export function aboutLines(info) {
  const office = info.identity && info.identity.office ? info.identity.office : '未设置';
  return [
    ['程序版本', info.version],
    ['征集年度', `${info.campaign.year} 年（${info.campaign.activity_name}）`],
    ['填报单位', office],
    ['数据文件', info.db_path || '（未知）'],
    ['材料文件夹', info.files_dir || '（未知）'],
    ['备份文件夹', info.backup_dir || '（未知）'],
    ['运行方式', info.portable ? '便携模式（数据在程序旁的 tianbao-data 文件夹）' : '安装模式'],
    ['本机标识', info.identity ? info.identity.device : '—'],
  ];
}
