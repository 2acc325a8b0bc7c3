// Files dragged from a folder onto the window (Tauri gives their paths and the position): the
// element under the pointer with `data-drop` is the target; it is outlined while files hover.

import { toast } from './dom.js';

/**
 * @param {object} o
 * @param {() => boolean} o.active  whether drops are taken now (a case is open)
 * @param {(target: string, paths: string[]) => void} o.onFiles  dropped on `data-drop=target`
 * @param {string} o.missed  what to say when files are dropped outside every target
 * @returns {(e: {type, paths, x, y}) => void} the handler for native.onFileDrop's events
 */
export function createDropZones({ active, onFiles, missed }) {
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

  return function onDrop({ type, paths, x, y }) {
    if (!active()) return;
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
    if (!zone) toast(missed, { error: true });
    else onFiles(zone.dataset.drop, paths || []);
  };
}
