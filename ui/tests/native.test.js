import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirOf, joinPath, FILTERS } from '../native.js';

test('folder of a path and joining, Windows and Unix', () => {
  assert.equal(dirOf('C:\\Users\\李明\\文档\\01_李明_推荐表.docx'), 'C:\\Users\\李明\\文档');
  assert.equal(dirOf('/home/li/推荐表/a.docx'), '/home/li/推荐表');
  assert.equal(dirOf('/a.docx'), '/');
  assert.equal(dirOf('a.docx'), '');
  assert.equal(joinPath('C:\\Users\\李明', '01_李明_推荐表.docx'), 'C:\\Users\\李明\\01_李明_推荐表.docx');
  assert.equal(joinPath('/home/li/', 'a.docx'), '/home/li/a.docx');
  assert.equal(joinPath('', 'a.docx'), 'a.docx');
});

test('file filters: images, ID scans with PDF, video containers, .docx', () => {
  assert.ok(FILTERS.image[0].extensions.includes('jpg') && FILTERS.image[0].extensions.includes('png'));
  assert.ok(FILTERS.idScan[0].extensions.includes('pdf'));
  for (const e of ['mp4', 'mpg', 'mov']) assert.ok(FILTERS.video[0].extensions.includes(e));
  assert.deepEqual(FILTERS.docx[0].extensions, ['docx']);
});
