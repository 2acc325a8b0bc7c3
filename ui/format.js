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

const KIB = 1024;
const MIB = 1024 * 1024;
const GIB = 1024 * 1024 * 1024;

/**
 * A file size as the core writes it in its messages (media::human_size): binary units, floored
 * to one decimal (two for GB) so a file shown as "1.9 MB" is indeed under a "2M" rule.
 */
export function humanSize(bytes) {
  const b = Number(bytes) || 0;
  if (b < KIB) return `${b} 字节`;
  if (b < MIB) return `${roundHalfEven(b / KIB)} KB`;
  if (b < GIB) return `${(Math.floor((b / MIB) * 10) / 10).toFixed(1)} MB`;
  return `${(Math.floor((b / GIB) * 100) / 100).toFixed(2)} GB`;
}

// Rust's `{:.0}` rounds ties to even.
function roundHalfEven(x) {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** "4000×3000" or '' when unknown. */
export function pixelSize(w, h) {
  return w > 0 && h > 0 ? `${w}×${h}` : '';
}

/** A format name for the clerk: "jpeg" → "JPEG". */
export function formatLabel(format) {
  const f = String(format || '').toLowerCase();
  if (!f || f === 'unknown') return '未知格式';
  return f.toUpperCase();
}

/** A limit in the notice's own words (media::rule_size): 2 MiB → "2M", 1 GiB → "1GB". */
export function ruleSize(bytes) {
  const b = Number(bytes) || 0;
  if (b >= GIB && b % GIB === 0) return `${b / GIB}GB`;
  if (b >= MIB && b % MIB === 0) return `${b / MIB}M`;
  return humanSize(b);
}

/** "3–5 分钟" from seconds (whole minutes), else "180–300 秒". */
export function durationRange(min, max) {
  if (min % 60 === 0 && max % 60 === 0) return `${min / 60}–${max / 60} 分钟`;
  return `${min}–${max} 秒`;
}
