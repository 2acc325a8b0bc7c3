import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLabel, caseLabel } from '../labels.js';
import { reorderList } from '../lists.js';

const campaign = {
  sections: { intro: { heading: '一、案例内容简介' }, opinion: { heading: '推荐单位意见' } },
  video: { netdisk: '百度网盘' },
};

test('field labels: fixed, numbered, from the campaign, nearest parent', () => {
  assert.equal(fieldLabel('person.name', campaign), '姓名');
  assert.equal(fieldLabel('region.city', campaign), '市');
  assert.equal(fieldLabel('business.team_size', campaign), '团队规模（人）');
  assert.equal(fieldLabel('practices.0.highlight', campaign), '典型做法（一）亮点');
  assert.equal(fieldLabel('practices.11.text', campaign), '典型做法（十二）内容');
  assert.equal(fieldLabel('media.pictures.1', campaign), '推荐表图片2');
  assert.equal(fieldLabel('media.pictures.2.caption', campaign), '图片3的说明');
  assert.equal(fieldLabel('intro', campaign), '一、案例内容简介');
  assert.equal(fieldLabel('opinion', campaign), '推荐单位意见');
  assert.equal(fieldLabel('media.video.link', campaign), '百度网盘链接');
  assert.equal(fieldLabel('media.video.something_new', campaign), '视频');
  assert.equal(fieldLabel('media.photo.bytes', campaign), '个人形象照片');
  assert.equal(fieldLabel('unknown', campaign), 'unknown');
});

test('a case is named the same way from a whole case and from a list row', () => {
  const whole = { person: { name: ' 李明 ' }, intro: { title: '案例' } };
  assert.equal(caseLabel(whole), '李明');
  assert.equal(caseLabel({ name: '李明', title: '案例' }), '李明');
  assert.equal(caseLabel({ person: { name: '' }, intro: { title: '苗绣直播' } }), '苗绣直播');
  assert.equal(caseLabel({ name: '  ', title: '' }), '未命名案例');
  assert.equal(caseLabel(null), '未命名案例');
});

test('reorderList moves one place, never past the ends', () => {
  const l = ['甲', '乙', '丙'];
  assert.equal(reorderList(l, 2, -1), 1);
  assert.deepEqual(l, ['甲', '丙', '乙']);
  assert.equal(reorderList(l, 0, +1), 1);
  assert.deepEqual(l, ['丙', '甲', '乙']);
  assert.equal(reorderList(l, 0, -1), -1);
  assert.equal(reorderList(l, 2, +1), -1);
  assert.equal(reorderList(l, 5, -1), -1);
  assert.deepEqual(l, ['丙', '甲', '乙']);
});

test('batch files are numbered by name in pinyin order', async () => {
  const { sortByName } = await import('../labels.js');
  const rows = [{ name: '王芳' }, { name: '李明' }, { name: '张伟' }, { name: '阿依古丽' }];
  assert.deepEqual(sortByName(rows).map((r) => r.name), ['阿依古丽', '李明', '王芳', '张伟']);
  assert.deepEqual(rows.map((r) => r.name), ['王芳', '李明', '张伟', '阿依古丽'], 'not sorted in place');
});
