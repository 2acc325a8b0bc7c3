// 帮助 (the user guide, docs/用户手册.md, compiled into the app: shown offline) and 关于 (what a
// person on the phone with a helper reads out: version, campaign year, where the data is).
// The guide is HTML rendered from the Markdown at build time (src-tauri/build.rs, pulldown-cmark):
// our own text compiled into the app, never anything from outside.

import { api } from './api.js';
import { h, $, imageDataUrl } from './dom.js';

export function createHelp({ onClose }) {
  const body = $('#help-body');
  let loaded = false;

  async function open() {
    if (loaded) return;
    body.innerHTML = await api.userGuide();
    // Pictures come from the app itself (compiled in), as bytes → data: URLs; each with its
    // caption (the Markdown's alt text) under it.
    for (const img of body.querySelectorAll('img')) {
      const src = img.getAttribute('src');
      img.removeAttribute('src');
      const figure = h('figure', {}, h('figcaption', {}, img.alt));
      const p = img.parentElement;
      const alone = p.tagName === 'P' && p.children.length === 1 && !p.textContent.trim();
      (alone ? p : img).replaceWith(figure);
      figure.prepend(img);
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
