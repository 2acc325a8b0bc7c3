import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chineseOrdinal, counterText, groupIssues, shortTime, errorText, humanSize, pixelSize, formatLabel, ruleSize, durationRange } from '../format.js';
import { getPath, setPath } from '../paths.js';

test('ordinals as printed', () => {
  assert.equal(chineseOrdinal(1), '（一）');
  assert.equal(chineseOrdinal(10), '（十）');
  assert.equal(chineseOrdinal(12), '（十二）');
  assert.equal(chineseOrdinal(20), '（二十）');
  assert.equal(chineseOrdinal(21), '（二十一）');
});

test('counter text: maximum, minimum, red', () => {
  assert.deepEqual(counterText({ words: 400, chars_no_space: 410 }, { max_words: 400 }), {
    text: '400 / 400 字',
    chars: '字符数(不计空格) 410',
    bad: false,
  });
  assert.equal(counterText({ words: 401, chars_no_space: 401 }, { max_words: 400 }).bad, true);
  const o = counterText({ words: 12, chars_no_space: 12 }, { min_words: 400 });
  assert.equal(o.text, '12 / 至少 400 字');
  assert.equal(o.bad, true);
  assert.equal(counterText({ words: 400, chars_no_space: 1 }, { min_words: 400 }).bad, false);
  assert.equal(counterText(null, { max_words: 500 }).text, '0 / 500 字');
});

test('issues grouped by field, errors first', () => {
  const g = groupIssues([
    { field: 'person.name', severity: 'warning', message: 'w' },
    { field: 'intro', severity: 'error', message: 'e1' },
    { field: 'person.name', severity: 'error', message: 'e2' },
  ]);
  assert.deepEqual(
    g.get('person.name').map((i) => i.message),
    ['e2', 'w'],
  );
  assert.equal(g.get('intro').length, 1);
});

test('paths read and write the case by the validator field names', () => {
  const c = { person: { name: '' }, practices: [{ highlight: '', text: '' }] };
  setPath(c, 'person.name', '李明');
  setPath(c, 'practices.0.text', '正文');
  setPath(c, 'media.video.link', 'https://x');
  assert.equal(getPath(c, 'person.name'), '李明');
  assert.equal(getPath(c, 'practices.0.text'), '正文');
  assert.equal(c.media.video.link, 'https://x');
  assert.equal(getPath(c, 'practices.3.text'), undefined);
});

test('times and errors', () => {
  assert.match(shortTime('2024-05-20T06:03:00Z'), /^2024-05-2\d \d\d:03$/);
  assert.equal(shortTime('bad'), 'bad');
  assert.equal(errorText('数据库已锁定'), '数据库已锁定');
  assert.equal(errorText(new Error('x')), 'x');
});

test('file sizes read exactly as the core writes them (media::human_size vectors)', () => {
  const MIB = 1024 * 1024;
  const GIB = 1024 * MIB;
  assert.equal(humanSize(500), '500 字节');
  assert.equal(humanSize(512 * 1024), '512 KB');
  assert.equal(humanSize(1_520_435), '1.4 MB');
  assert.equal(humanSize(2 * MIB - 1), '1.9 MB');
  assert.equal(humanSize(2 * MIB), '2.0 MB');
  assert.equal(humanSize(Math.floor((GIB * 11) / 10) + 1024), '1.10 GB');
  assert.equal(humanSize(2.5 * 1024), '2 KB'); // ties to even, as Rust's {:.0}
  assert.equal(humanSize(3.5 * 1024), '4 KB');
  assert.equal(pixelSize(4000, 3000), '4000×3000');
  assert.equal(pixelSize(0, 0), '');
  assert.equal(formatLabel('jpeg'), 'JPEG');
  assert.equal(formatLabel('unknown'), '未知格式');
});

test('limits in the notice\'s words (media::rule_size)', () => {
  assert.equal(ruleSize(2 * 1024 * 1024), '2M');
  assert.equal(ruleSize(1024 * 1024 * 1024), '1GB');
  assert.equal(ruleSize(1_500_000), '1.4 MB');
  assert.equal(durationRange(180, 300), '3–5 分钟');
  assert.equal(durationRange(90, 300), '90–300 秒');
});
