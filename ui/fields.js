// Building the editor's inputs and message boxes. An input carries its case path in
// `data-path` (the path the validator names in its issues); a message box lists the fields whose
// issues it shows. The editor draws every box from each validation report.

import { h } from './dom.js';
import { getPath } from './paths.js';

/** The element id of a field's input: "person.name" → "f-person-name". */
export const idOf = (path) => 'f-' + path.replace(/\./g, '-');

/** @param {() => object} getCase the case being edited */
export function createFields(getCase) {
  let boxes = new Map(); // field -> its message box

  /** A message box for the issues of `fields`. */
  function msgs(...fields) {
    const el = h('div', { class: 'msgs', 'aria-live': 'polite' });
    for (const f of fields) boxes.set(f, el);
    el.dataset.msgsFor = fields.join(' ');
    return el;
  }

  /** Forgets the boxes of fields matching `re` (before a list's items are drawn again). */
  function forget(re) {
    for (const k of [...boxes.keys()]) if (re.test(k)) boxes.delete(k);
  }

  /** An input for `path`: kind 'text' | 'textarea' | 'select' | 'checkbox'. */
  function control(path, kind, opts = {}) {
    const value = getPath(getCase(), path) ?? '';
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
    } else if (kind === 'checkbox') {
      el = h('input', { type: 'checkbox' });
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
    if (kind === 'checkbox') el.checked = Boolean(value);
    else el.value = value;
    if (opts.size) el.classList.add(`w-${opts.size}`);
    if (opts.ariaLabel) el.setAttribute('aria-label', opts.ariaLabel);
    return el;
  }

  return {
    msgs,
    forget,
    control,
    /** Every message box, once each. */
    boxes: () => new Set(boxes.values()),
    reset() {
      boxes = new Map();
    },
  };
}
