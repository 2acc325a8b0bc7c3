import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowsInView, OVERSCAN } from '../rowwindow.js';

test('the rows in view and a margin on each side are drawn, never beyond the list', () => {
  // The top of the list: a 600 px view of 40 px rows shows 15 rows; 25 more below.
  assert.deepEqual(rowsInView({ top: 0, height: 600, rowHeight: 40, count: 5000 }), [0, 15 + OVERSCAN]);
  // Under a header the list starts lower (top < 0): still from row 0.
  assert.deepEqual(rowsInView({ top: -37, height: 600, rowHeight: 40, count: 5000 }), [0, 15 + OVERSCAN]);
  // Scrolled to row 1000.
  assert.deepEqual(rowsInView({ top: 40000, height: 600, rowHeight: 40, count: 5000 }), [1000 - OVERSCAN, 1015 + OVERSCAN]);
  // The end of the list.
  assert.deepEqual(rowsInView({ top: 5000 * 40 - 600, height: 600, rowHeight: 40, count: 5000 }), [4985 - OVERSCAN, 5000]);
  // A short list is drawn whole; an empty one not at all.
  assert.deepEqual(rowsInView({ top: 0, height: 600, rowHeight: 40, count: 12 }), [0, 12]);
  assert.deepEqual(rowsInView({ top: 0, height: 600, rowHeight: 40, count: 0 }), [0, 0]);
  // Scrolled past the end (the list just got shorter): the last rows, not an empty window.
  const [a, b] = rowsInView({ top: 40000, height: 600, rowHeight: 40, count: 100 });
  assert.equal(b, 100);
  assert.ok(a < 100 && a >= 100 - OVERSCAN, `${a}`);
  // No row height known yet (the list is hidden): an estimate, some rows.
  const [c, d] = rowsInView({ top: 0, height: 0, rowHeight: 0, count: 5000 });
  assert.equal(c, 0);
  assert.ok(d > OVERSCAN && d < 100, `${d}`);
});
