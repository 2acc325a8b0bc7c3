import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortDropped, otherFilesMessage } from '../listdrop.js';
import { reportSummary, reportOrder } from '../import.js';

test('a drop on the list is sorted by extension: 推荐表, 交换包, the rest', () => {
  const paths = [
    '/home/a/李明_推荐表.docx',
    'C:\\填报\\王芳.DOCX',
    '旧.doc',
    '旧.WPS',
    'x.docm',
    'a.rtf',
    '/u/台江县商务局_2024-05-10_3例.tianbao',
    '照片.jpg',
    '视频.mp4',
    'docx',
    '表.xlsx',
    'a.docx.jpg',
  ];
  const { forms, bundles, other } = sortDropped(paths);
  assert.deepEqual(forms, ['/home/a/李明_推荐表.docx', 'C:\\填报\\王芳.DOCX', '旧.doc', '旧.WPS', 'x.docm', 'a.rtf']);
  assert.deepEqual(bundles, ['/u/台江县商务局_2024-05-10_3例.tianbao']);
  assert.deepEqual(other, ['照片.jpg', '视频.mp4', 'docx', '表.xlsx', 'a.docx.jpg']);
  assert.deepEqual(sortDropped(undefined), { forms: [], bundles: [], other: [] });
});

test('files the list does not take are named (at most three) with where they go', () => {
  const one = otherFilesMessage(['/tmp/照片.jpg']);
  assert.match(one, /^“照片\.jpg”不能拖到案例列表上/);
  assert.match(one, /推荐表（\.docx/);
  assert.match(one, /“材料”/);
  const many = otherFilesMessage(['a.jpg', 'b.png', 'c.mp4', 'd.txt', 'e.pdf']);
  assert.match(many, /^“a\.jpg”、“b\.png”、“c\.mp4” 等 5 个文件不能/);
  assert.ok(!many.includes('d.txt'));
  assert.match(otherFilesMessage(['/u/台江县推荐表.zip']), /压缩包请先解压/);
  assert.match(otherFilesMessage(['/u/台江县推荐表']), /拖入的是文件夹吗？/);
  assert.match(otherFilesMessage(['C:\\填报\\施洞镇']), /拖入的是文件夹吗？/);
  assert.ok(!/文件夹|压缩包/.test(one));
});

const ok = (extra = {}, report = {}) => ({
  path: '/x/a.docx',
  case_id: 'id',
  case: '李明',
  revised: false,
  error: null,
  ...extra,
  report: { file: 'a.docx', generated: false, found: ['姓名'], empty: [], missing: [], notes: [], ...report },
});

test('the report adds to the core\'s line what to check', () => {
  const line = '共 4 个文件：新建案例 2 个，更新已有案例 1 个，未导入 1 个。';
  const s = reportSummary(line, [
    ok(),
    ok({ revised: true }, { generated: true }),
    ok({}, { missing: ['当前粉丝量'] }),
    { path: '/x/old.doc', case_id: null, case: '', revised: false, error: '请另存为 .docx', report: { file: 'old.doc', generated: false, found: [], empty: [], missing: [], notes: [] } },
  ]);
  assert.equal(s.split('\n')[0], line);
  assert.match(s.split('\n')[1], /^其中 1 个需要核对（/);
  assert.equal(reportSummary('L', [ok()]), 'L\n导入的案例都是草稿，请打开核对后再标记完成。');
  assert.equal(reportSummary('L', [{ ...ok(), error: '文件已损坏', case_id: null }]), 'L');
});

test('the report lists files not imported first, then cases with gaps, then the rest', () => {
  const a = ok({ path: 'a' });
  const b = ok({ path: 'b' }, { notes: ['出生年月未能识别'] });
  const c = { ...ok({ path: 'c' }), error: '另存为', case_id: null };
  const d = ok({ path: 'd' }, { empty: ['民族'] });
  const e = ok({ path: 'e' });
  const f = ok({ path: 'f', same: [{ id: 'x', name: '李明', reason: '姓名和出生年月相同' }] });
  assert.deepEqual(reportOrder([a, b, c, d, e, f]).map((r) => r.path), ['c', 'b', 'd', 'f', 'a', 'e']);
  assert.match(reportSummary('L', [a, f]), /其中 1 个需要核对/);
});
