import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aboutLines } from '../help.js';

const info = {
  version: '0.1.0',
  campaign: { year: 2024, activity_name: '2024 农村直播电商优秀案例' },
  db_path: '/media/u/填报助手/tianbao-data/tianbao.db',
  files_dir: '/media/u/填报助手/tianbao-data/tianbao-files',
  backup_dir: '/media/u/填报助手/tianbao-data/tianbao-backups',
  portable: true,
  identity: { office: '台江县商务局', device: 'd1' },
};

test('关于 names what a helper on the phone asks for', () => {
  const lines = Object.fromEntries(aboutLines(info));
  assert.equal(lines['程序版本'], '0.1.0');
  assert.match(lines['征集年度'], /^2024 年/);
  assert.equal(lines['填报单位'], '台江县商务局');
  assert.equal(lines['数据文件'], info.db_path);
  assert.equal(lines['材料文件夹'], info.files_dir);
  assert.match(lines['运行方式'], /便携模式/);
});

test('关于 without an office or an open database still has every line', () => {
  const lines = Object.fromEntries(aboutLines({ ...info, identity: null, db_path: null, portable: false }));
  assert.equal(lines['填报单位'], '未设置');
  assert.equal(lines['数据文件'], '（未知）');
  assert.equal(lines['运行方式'], '安装模式');
  assert.equal(lines['本机标识'], '—');
});
