// Tiny DOM helpers: every text goes in through textContent / value, never as HTML.

import { errorText } from './format.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/**
 * Moves focus after an item of a list moved: to the same button at its new place, or, when that
 * one is disabled there (the first cannot move up), to the item's field `path`.
 */
export function focusMoved(buttonSel, path) {
  const b = document.querySelector(buttonSel);
  (b && !b.disabled ? b : document.querySelector(`[data-path="${path}"]`))?.focus();
}

let toastTimer = null;
let toastSeq = 0;
/**
 * A short message in the footer, with optional buttons: `action` ({label, run}) or `actions`
 * (several, e.g. 打开文件 / 打开所在文件夹). Returns an id for `clearToast`.
 */
export function toast(message, { error = false, action = null, actions = null, ms = 6000 } = {}) {
  const t = document.getElementById('toast');
  const id = ++toastSeq;
  t.replaceChildren(document.createTextNode(message));
  t.classList.toggle('error', error);
  t.dataset.toast = String(id);
  for (const a of actions || (action ? [action] : [])) {
    t.append(' ', h('button', { type: 'button', class: 'link', onclick: () => { t.textContent = ''; a.run(); } }, a.label));
  }
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.textContent = ''; }, ms);
  return id;
}

/** Removes the toast `id` if it is still the one shown (any toast when no id is given). */
export function clearToast(id) {
  const t = document.getElementById('toast');
  if (id === undefined || t.dataset.toast === String(id)) {
    clearTimeout(toastTimer);
    t.textContent = '';
  }
}

/**
 * The one way to tell the clerk that something failed: the core's Chinese message (it names the
 * file or field and what to do) as an error toast; `prefix` says what was being done.
 */
export function reportError(e, { prefix = '', ms = 10000 } = {}) {
  return toast(prefix + errorText(e), { error: true, ms });
}

/**
 * The running job in the footer (生成推荐表, 导入推荐表, 交换包): its text, a progress bar when
 * `max` is given, and `buttons` (e.g. 取消). An earlier toast is cleared: it would read as this
 * job's result.
 */
export function showJob(text, { value = null, max = null, buttons = [] } = {}) {
  clearToast();
  const job = document.getElementById('job');
  const parts = [];
  if (max) parts.push(h('progress', { max, value: value ?? 0, 'aria-hidden': 'true' }));
  parts.push(h('span', { class: 'job-text' }, text), ...buttons);
  job.replaceChildren(...parts);
  job.hidden = false;
}

/** The footer's 取消 button for a job that `onCancel` stops (it says 正在取消… once pressed). */
export function cancelButton(id, onCancel) {
  return h(
    'button',
    {
      type: 'button',
      class: 'small',
      id,
      onclick: (e) => {
        e.target.disabled = true;
        e.target.textContent = '正在取消…';
        onCancel();
      },
    },
    '取消',
  );
}

/** Updates the job's text (and its bar, when it has one): its buttons stay as they are. */
export function setJob(text, value = null, max = null) {
  const job = document.getElementById('job');
  const t = job.querySelector('.job-text');
  const bar = job.querySelector('progress');
  if (t) t.textContent = text;
  if (bar && max != null) bar.max = max;
  if (bar && value != null) bar.value = value;
}

export function hideJob() {
  const job = document.getElementById('job');
  job.hidden = true;
  job.replaceChildren();
}

/** Image bytes (an ArrayBuffer from a command) → a data: URL (the CSP allows img-src data:,
 * not blob:). */
export function imageDataUrl(buffer, type = 'image/jpeg') {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(new Blob([buffer], { type }));
  });
}
