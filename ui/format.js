// Pure presentation helpers: counters, issue grouping, dates, ordinals.

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** "（一）", "（十二）", "（二十）" — as the 典型做法 items are numbered in print. */
export function chineseOrdinal(n) {
  let s;
  if (n < 10) s = DIGITS[n];
  else if (n < 20) s = '十' + (n === 10 ? '' : DIGITS[n % 10]);
  else if (n < 100) s = DIGITS[Math.floor(n / 10)] + '十' + (n % 10 ? DIGITS[n % 10] : '');
  else s = String(n);
  return `（${s}）`;
}

/**
 * The counter beside a section: counts come from Rust (Report.counts), the rule from the
 * campaign (sections.X.max_words / min_words). Never computed here.
 * @returns {{text: string, chars: string, bad: boolean}}
 */
export function counterText(counts, rule) {
  const words = counts ? counts.words : 0;
  const chars = counts ? counts.chars_no_space : 0;
  let text;
  let bad = false;
  if (rule && rule.max_words != null) {
    text = `${words} / ${rule.max_words} 字`;
    bad = words > rule.max_words;
  } else if (rule && rule.min_words != null) {
    text = `${words} / 至少 ${rule.min_words} 字`;
    bad = words < rule.min_words;
  } else {
    text = `${words} 字`;
  }
  return { text, chars: `字符数(不计空格) ${chars}`, bad };
}

/** Issues by field, errors first within a field. */
export function groupIssues(issues) {
  const map = new Map();
  for (const i of issues || []) {
    if (!map.has(i.field)) map.set(i.field, []);
    map.get(i.field).push(i);
  }
  for (const list of map.values()) {
    list.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }
  return map;
}

/** "2024-05-20 14:03" in local time from an RFC 3339 timestamp; the input when unparsable. */
export function shortTime(rfc3339) {
  const d = new Date(rfc3339);
  if (!rfc3339 || Number.isNaN(d.getTime())) return rfc3339 || '';
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const STATUS_LABEL = { draft: '草稿', ready: '已完成' };

/** The message of whatever an invoke rejected with (the shell rejects with the Chinese string). */
export function errorText(e) {
  if (e == null) return '未知错误';
  if (typeof e === 'string') return e;
  if (e.message) return e.message;
  return String(e);
}
