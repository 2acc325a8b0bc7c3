import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const dir = new URL('..', import.meta.url);
const read = (f) => readFileSync(new URL(f, dir), 'utf8');

test('index.html preloads every module the app imports, and nothing else', () => {
  // The modules reachable from app.js.
  const seen = new Set();
  const todo = ['app.js'];
  while (todo.length) {
    const f = todo.pop();
    for (const [, m] of read(f).matchAll(/from '\.\/([\w-]+\.js)'/g)) {
      if (!seen.has(m)) {
        seen.add(m);
        todo.push(m);
      }
    }
  }
  const html = read('index.html');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([\w-]+\.js)">/g)].map((m) => m[1]));
  assert.deepEqual([...preloaded].sort(), [...seen].sort());
  // And every module in ui/ is used.
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'app.js');
  assert.deepEqual(files.sort(), [...seen].sort());
});
