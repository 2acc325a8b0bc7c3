import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAutosave, createLatest } from '../scheduler.js';

// A hand-driven clock: timers fire only when the test advances time.
function fakeClock() {
  let now = 0;
  let seq = 0;
  const timers = new Map();
  return {
    setTimer(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer(id) {
      timers.delete(id);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
        if (!due.length) break;
        const [id, t] = due[0];
        timers.delete(id);
        now = t.at;
        t.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    get pending() {
      return timers.size;
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

function harness(opts = {}) {
  const clock = fakeClock();
  const saves = [];
  const states = [];
  let value = '';
  let fail = 0;
  const gates = [];
  const a = createAutosave({
    delay: 500,
    retryDelay: 3000,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    onState: (s) => states.push(s),
    save: async () => {
      const snapshot = value;
      if (opts.gated) await new Promise((r) => gates.push(r));
      if (fail > 0) {
        fail--;
        throw new Error('磁盘已满');
      }
      saves.push(snapshot);
      return { saved_at_hms: '12:00:00' };
    },
    ...opts,
  });
  return {
    a,
    clock,
    saves,
    states,
    gates,
    type(v) {
      value = v;
      a.input();
    },
    set value(v) {
      value = v;
    },
    failNext(n = 1) {
      fail = n;
    },
  };
}

test('saves once, 500 ms after the last input', async () => {
  const h = harness();
  h.type('李');
  await h.clock.advance(300);
  h.type('李明');
  await h.clock.advance(499);
  assert.deepEqual(h.saves, []);
  await h.clock.advance(1);
  assert.deepEqual(h.saves, ['李明']);
  assert.deepEqual(h.states, ['saving', 'saved']);
  assert.equal(h.a.dirty, false);
});

test('never saves while an IME composition is in progress', async () => {
  const h = harness();
  h.type('李');
  h.a.compositionStart();
  h.type('李m');
  h.type('李mi');
  h.type('李ming');
  await h.clock.advance(5000);
  assert.deepEqual(h.saves, [], 'no save during composition');
  assert.equal(await h.a.flush(), false, 'a blur during composition waits too');
  assert.deepEqual(h.saves, []);
  h.value = '李明';
  h.a.compositionEnd();
  await h.clock.advance(499);
  assert.deepEqual(h.saves, []);
  await h.clock.advance(1);
  assert.deepEqual(h.saves, ['李明']);
});

test('flush saves at once; forced flush saves even while composing (window closing)', async () => {
  const h = harness();
  h.type('一');
  assert.equal(await h.a.flush(), true);
  assert.deepEqual(h.saves, ['一']);
  assert.equal(h.clock.pending, 0, 'the debounce timer was cancelled');
  h.a.compositionStart();
  h.type('一er');
  assert.equal(await h.a.flush({ force: true }), true);
  assert.deepEqual(h.saves, ['一', '一er']);
  assert.equal(await h.a.flush(), true, 'nothing left to save');
  assert.equal(h.saves.length, 2);
});

test('never two saves at once; the newest state follows the one in flight', async () => {
  const h = harness({ gated: true });
  h.type('a');
  await h.clock.advance(500);
  assert.equal(h.a.saving, true);
  h.type('ab');
  await h.clock.advance(500); // timer fires while the first save is in flight: it waits
  h.type('abc');
  const f = h.a.flush();
  assert.equal(h.gates.length, 1, 'only one save started');
  h.gates.shift()();
  await settle();
  await settle();
  assert.equal(h.gates.length, 1, 'the second save starts after the first');
  h.gates.shift()();
  assert.equal(await f, true);
  assert.deepEqual(h.saves, ['a', 'abc']);
});

test('a failed save keeps the text dirty, reports the error and retries', async () => {
  const h = harness();
  h.failNext(1);
  h.type('数据');
  await h.clock.advance(500);
  assert.deepEqual(h.states, ['saving', 'error']);
  assert.equal(h.a.dirty, true);
  await h.clock.advance(3000);
  assert.deepEqual(h.saves, ['数据']);
  assert.deepEqual(h.states, ['saving', 'error', 'saving', 'saved']);
});

test('reset forgets pending work', async () => {
  const h = harness();
  h.type('x');
  h.a.reset();
  await h.clock.advance(1000);
  assert.deepEqual(h.saves, []);
});

test('createLatest: one run at a time, the last trigger always runs after it', async () => {
  let value = 0;
  const seen = [];
  const gates = [];
  const l = createLatest(
    async () => {
      const v = value;
      await new Promise((r) => gates.push(r));
      return v;
    },
    (r) => seen.push(r),
  );
  value = 1;
  const done = l.trigger();
  value = 2;
  l.trigger();
  value = 3;
  l.trigger();
  assert.equal(gates.length, 1);
  gates.shift()();
  await settle();
  assert.equal(gates.length, 1, 'exactly one more run for the two triggers');
  gates.shift()();
  await done;
  assert.deepEqual(seen, [1, 3]);
  assert.equal(l.running, false);
});

test('createLatest reports errors and keeps working', async () => {
  const errors = [];
  let n = 0;
  const l = createLatest(
    async () => {
      if (n++ === 0) throw new Error('x');
      return n;
    },
    () => {},
    (e) => errors.push(e.message),
  );
  await l.trigger();
  await l.trigger();
  assert.deepEqual(errors, ['x']);
});
