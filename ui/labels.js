// The one place for what the clerk calls things: a field of 附件1 by its JSON path (the path the
// validator uses for its issues), and a case (by its person, whatever the view holds of it).
// The form's labels and the summary's "字段：问题" both come from here. Free of the DOM.

import { chineseOrdinal } from './format.js';

const FIELDS = {
  'person.name': '姓名',
  'person.birth_year': '出生年份',
  'person.birth_month': '出生月份',
  'person.ethnicity': '民族',
  'person.political_status': '政治面貌',
  'person.phone': '联系方式',
  region: '所在地区',
  'region.province': '省（区）',
  'region.city': '市',
  'region.county': '县',
  'region.township': '乡（镇）',
  'region.village': '村',
  'business.field': '直播领域',
  'business.team_size': '团队规模（人）',
  'business.platforms': '直播平台',
  'business.platform_other': '其他平台名称',
  'business.account_name': '直播账号名称',
  'business.followers': '当前粉丝量',
  'business.years': '直播从业时间（年）',
  'business.annual_revenue': '年营业额（万元）',
  'recommender.unit': '推荐单位',
  'recommender.leader': '推荐单位负责人',
  'recommender.phone': '推荐单位联系方式',
  'intro.title': '案例名称',
  'intro.basics': '基本情况介绍',
  'intro.feature': '案例特点（一句话概括）',
  media: '材料',
  'media.photo': '个人形象照片',
  'media.id_front': '身份证扫描件（人像面）',
  'media.id_back': '身份证扫描件（国徽面）',
  'media.pictures': '推荐表图片',
  'media.video': '视频',
  'media.video.code': '提取码',
  'media.video.check': '视频文件',
  'media.video.confirm_no_watermark': '无水印确认',
  'media.video.confirm_no_ads': '无广告确认',
};

// Numbered items: 典型做法（二）亮点, 推荐表图片3, 图片3的说明.
const NUMBERED = [
  [/^practices\.(\d+)\.highlight$/, (n) => `典型做法${chineseOrdinal(n)}亮点`],
  [/^practices\.(\d+)\.text$/, (n) => `典型做法${chineseOrdinal(n)}内容`],
  [/^practices\.(\d+)$/, (n) => `典型做法${chineseOrdinal(n)}`],
  [/^media\.pictures\.(\d+)\.caption$/, (n) => `图片${n}的说明`],
  [/^media\.pictures\.(\d+)$/, (n) => `推荐表图片${n}`],
];

/**
 * The label of `field` ("person.name" → 姓名). `campaign` gives the section headings and the
 * 网盘's name; a path with no label of its own takes its nearest parent's, else the path itself.
 */
export function fieldLabel(field, campaign) {
  const sections = (campaign && campaign.sections) || {};
  if (sections[field]) return sections[field].heading;
  if (field === 'media.video.link') return `${(campaign && campaign.video && campaign.video.netdisk) || '网盘'}链接`;
  if (FIELDS[field]) return FIELDS[field];
  for (const [re, label] of NUMBERED) {
    const m = re.exec(field);
    if (m) return label(Number(m[1]) + 1);
  }
  const dot = field.lastIndexOf('.');
  return dot > 0 ? fieldLabel(field.slice(0, dot), campaign) : field;
}

/**
 * How the clerk knows a case: its person's name, else its 案例名称, else “未命名案例”. Takes a
 * whole case ({person, intro}) or a list row ({name, title}).
 */
export function caseLabel(c) {
  if (!c) return '未命名案例';
  const name = c.person ? c.person.name : c.name;
  const title = c.intro ? c.intro.title : c.title;
  return String(name || '').trim() || String(title || '').trim() || '未命名案例';
}

const byPinyin = new Intl.Collator('zh-Hans-CN', { usage: 'sort', numeric: true });

/** Cases (whole or list rows) sorted by their label in pinyin order (阿 → 李 → 王 → 张). */
export function sortByName(cases) {
  return [...cases].sort((a, b) => byPinyin.compare(caseLabel(a), caseLabel(b)));
}
