// A long table drawn a window at a time: only the rows in view (and some above and below) are in
// the DOM; two empty bodies of the other rows' height keep the scroll bar that of the whole list.
// A province's or the national list of thousands of cases then costs what a screenful costs — in
// memory and in the time to show it. Rows that stay in the window are never redrawn, so a focused
// button keeps its focus while the list scrolls under it (Tab moves through every row: the browser
// scrolls the focused row into view, and the window follows).

/** Rows drawn beyond those in view, on each side: a few wheel turns of scrolling without drawing. */
export const OVERSCAN = 10;

/**
 * The rows [first, last) to draw: those in view and `overscan` more on each side. `top` is how
 * far the list's first row is scrolled above the view's top (may be negative: the list starts
 * lower, under a header), `height` the view's height, `rowHeight` one row's.
 */
export function rowsInView({ top, height, rowHeight, count, overscan = OVERSCAN }) {
  if (count <= 0) return [0, 0];
  const rh = rowHeight > 0 ? rowHeight : 40;
  const first = Math.floor(Math.max(0, top) / rh);
  const last = Math.ceil((Math.max(0, top) + Math.max(height, rh)) / rh);
  return [Math.max(0, Math.min(count, first) - overscan), Math.min(count, last + overscan)];
}

/**
 * `scroller`: the element that scrolls; `body`: the <tbody> of the drawn rows; `above`/`below`:
 * the <tbody> placeholders (one row, one cell each); `make(item)`: a row's <tr>.
 */
export function createRowWindow({ scroller, body, above, below, make }) {
  let items = [];
  let first = 0;
  let last = 0;
  let rowHeight = 0; // measured from a drawn row; 0 until one was drawn in a shown list
  const drawn = new Map(); // index → its <tr>

  function range() {
    // Where the rows start inside the scroller: under the table's header.
    const start = head();
    const height = scroller.clientHeight || window.innerHeight;
    return rowsInView({ top: scroller.scrollTop - start, height, rowHeight, count: items.length });
  }

  function draw() {
    const [a, b] = range();
    if (a >= last || b <= first) {
      drawn.clear();
      const trs = [];
      for (let i = a; i < b; i++) {
        const tr = make(items[i]);
        drawn.set(i, tr);
        trs.push(tr);
      }
      body.replaceChildren(...trs);
    } else {
      for (let i = first; i < last; i++) {
        if (i < a || i >= b) {
          drawn.get(i).remove();
          drawn.delete(i);
        }
      }
      const before = [];
      for (let i = a; i < first; i++) before.push(remember(i));
      const after = [];
      for (let i = Math.max(last, a); i < b; i++) after.push(remember(i));
      body.prepend(...before);
      body.append(...after);
    }
    first = a;
    last = b;
    if (!rowHeight && b > a) {
      const h = drawn.get(a).getBoundingClientRect().height;
      if (h > 0) {
        rowHeight = h;
        draw(); // the window again, now that a row's height is known
        return;
      }
    }
    const rh = rowHeight || 40;
    pad(above, first * rh);
    pad(below, (items.length - last) * rh);
  }

  function head() {
    const thead = body.closest('table')?.tHead;
    return thead ? thead.offsetHeight : 0;
  }

  function remember(i) {
    const tr = make(items[i]);
    drawn.set(i, tr);
    return tr;
  }

  function pad(tbody, px) {
    tbody.hidden = px <= 0;
    tbody.firstElementChild.firstElementChild.style.height = `${px}px`;
  }

  let pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }
  scroller.addEventListener('scroll', soon, { passive: true });
  // Shown again (the list was hidden while a case was open) or the window resized.
  new ResizeObserver(soon).observe(scroller);

  return {
    /** Draws `list` from scratch (the rows drawn before are dropped). */
    set(list) {
      items = list;
      first = last = 0;
      drawn.clear();
      body.replaceChildren();
      draw();
    },
    /** The <tr> of index `i`, scrolled into the window and drawn. */
    reveal(i) {
      if (i < 0 || i >= items.length) return null;
      if (!drawn.has(i)) {
        const rh = rowHeight || 40;
        scroller.scrollTop = Math.max(0, head() + i * rh - scroller.clientHeight / 2);
        draw();
      }
      return drawn.get(i) || null;
    },
  };
}
