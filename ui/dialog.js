// The app's own dialog (in place of the webview's confirm/alert, which show "JavaScript -
// tauri://localhost" and OK/Cancel): a modal <dialog> with a title, the question, optional
// choices (checkboxes) and buttons that name the action ("仍要生成", "删除这一条", "取消").
// Esc and the 取消 button answer no; the action button is focused unless `danger` says the safe
// answer should be (then 取消 is).

import { h } from './dom.js';

let open = null; // the dialog shown, if any (one at a time: a second question waits)
let queue = Promise.resolve();

/**
 * Asks the clerk. Resolves with false when cancelled; with true, or — when `choices` are given
 * ([{key, label, checked}]) — with {key: checked, …}.
 * @param {object} o
 * @param {string} o.title
 * @param {string} o.message  plain text; blank lines separate paragraphs
 * @param {string} o.ok       the action, e.g. "仍要生成"
 * @param {string} [o.cancel] default "取消"
 * @param {boolean} [o.danger] the action destroys something: red, and 取消 has the focus
 * @param {Array<{key: string, label: string, checked?: boolean}>} [o.choices]
 * @param {(close: (value: any) => void) => Node|Node[]} [o.body] more content below the message
 *   (e.g. a report with links); `close(value)` ends the dialog with `value` as its answer
 * @param {boolean} [o.wide] for a long report: wider, its body scrolls
 * @param {string} [o.id] the <dialog>'s id (default app-dialog)
 * `ok: null` (with `cancel: null`): no buttons of the dialog's own — `body` brings its buttons
 * and ends the dialog through `close`; Esc still answers false.
 */
export function confirmDialog(o) {
  const run = queue.then(() => show(o));
  queue = run.catch(() => {});
  return run;
}

/** A message with one button (in place of alert). */
export function messageDialog({ title, message, ok = '知道了' }) {
  return confirmDialog({ title, message, ok, cancel: null });
}

function show({ title, message, ok, cancel = '取消', danger = false, choices = null, body = null, wide = false, id = 'app-dialog' }) {
  return new Promise((resolve) => {
    const boxes = (choices || []).map((c) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', dataset: { key: c.key }, checked: c.checked !== false }), ' ', c.label),
    );
    const okBtn = ok ? h('button', { type: 'button', class: danger ? 'danger-solid' : 'primary', dataset: { answer: 'ok' } }, ok) : null;
    const cancelBtn = cancel ? h('button', { type: 'button', dataset: { answer: 'cancel' } }, cancel) : null;
    const paras = String(message || '')
      .split(/\n+/)
      .filter((p) => p.trim())
      .map((p) => h('p', {}, p));
    let closeWith; // set below: `body` may end the dialog with an answer of its own
    const extra = body ? body((value) => closeWith(value)) : null;
    const dlg = h(
      'dialog',
      { class: `app-dialog${wide ? ' wide' : ''}`, 'aria-labelledby': `${id}-title`, id },
      h('h2', { id: `${id}-title` }, title),
      h('div', { class: 'dialog-body' }, ...paras, boxes.length ? h('div', { class: 'choices' }, ...boxes) : null, extra),
      okBtn || cancelBtn ? h('div', { class: 'dialog-buttons' }, cancelBtn, okBtn) : null,
    );
    const done = (yes, given) => {
      if (open !== dlg) return;
      open = null;
      let answer = given === undefined ? yes : given;
      if (given === undefined && yes && boxes.length) {
        answer = {};
        for (const b of boxes) {
          const cb = b.querySelector('input');
          answer[cb.dataset.key] = cb.checked;
        }
      }
      dlg.close();
      dlg.remove();
      resolve(answer);
    };
    closeWith = (value) => done(true, value);
    if (okBtn) okBtn.addEventListener('click', () => done(true));
    if (cancelBtn) cancelBtn.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault(); // Esc
      done(false);
    });
    document.body.append(dlg);
    open = dlg;
    dlg.showModal();
    const first = (danger && cancelBtn) || okBtn || cancelBtn || dlg.querySelector('.dialog-body input, .dialog-body textarea, .dialog-body button');
    first?.focus();
  });
}
