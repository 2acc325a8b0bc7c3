//! Values as people type them, turned into the case's fields: labels with spaces and colons,
//! 所在地区 as one string, 出生年月 in its common spellings, 民族 and 政治面貌 short forms,
//! 直播平台 lists. Each function says what it could not place, for the report.

use crate::dicts::Dicts;
use crate::model::Region;

/// Whitespace of any kind (the ideographic space U+3000 and no-break spaces included).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}'
}

/// A label as compared: no whitespace, no trailing colon, full-width brackets made ASCII.
pub(crate) fn norm(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|&c| !is_space(c))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            c => c,
        })
        .collect();
    s.trim_end_matches(':').to_string()
}

/// `norm` without any bracketed unit: "团队规模（人）" → "团队规模".
pub(crate) fn norm_bare(s: &str) -> String {
    let n = norm(s);
    let mut out = String::new();
    let mut depth = 0;
    for c in n.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits "姓名：李明" / "姓 名 ： 李明" / "姓名 李明" into (label part, value) when the text
/// begins with `label` (compared as `norm_bare`), returning the value after the label, its
/// optional bracketed unit and a colon or space. `None` when the text does not start with it.
pub(crate) fn strip_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let want: Vec<char> = norm_bare(label).chars().collect();
    let mut it = text.char_indices().peekable();
    let mut matched = 0;
    while matched < want.len() {
        let (_, c) = it.next()?;
        if is_space(c) {
            continue;
        }
        if c != want[matched] {
            return None;
        }
        matched += 1;
    }
    // An optional bracketed unit: "（人）", "(万元)".
    let rest_at = it.peek().map(|&(i, _)| i).unwrap_or(text.len());
    let mut rest = &text[rest_at..];
    let trimmed = rest.trim_start_matches(is_space);
    if trimmed.starts_with('（') || trimmed.starts_with('(') {
        let close = trimmed.find(['）', ')']);
        if let Some(i) = close {
            let inner = &trimmed[..i];
            if inner.chars().count() <= 8 {
                rest = &trimmed[i + trimmed[i..].chars().next().map_or(1, char::len_utf8)..];
            }
        }
    }
    let after = rest.trim_start_matches(is_space);
    if after.is_empty() {
        return Some("");
    }
    if let Some(v) = after.strip_prefix('：').or_else(|| after.strip_prefix(':')) {
        return Some(v.trim_matches(is_space));
    }
    // "姓名 李明": a space between label and value.
    if rest.starts_with(is_space) {
        return Some(after.trim_end_matches(is_space));
    }
    None
}

/// 出生年月 → (year, month) from "1990年5月", "1990.05", "1990-5", "1990/05", "199005",
/// "1990年05月", "1990.5.12" (the day is dropped). `None` when it is none of these.
pub(crate) fn parse_birth(s: &str) -> Option<(String, String)> {
    let s: String = s
        .chars()
        .filter(|&c| !is_space(c))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' | '-' | '－' | '—' | '/' | '／' | '、' | '年' => '.',
            c => c,
        })
        .collect();
    let s = s.trim_end_matches(['月', '日', '.']);
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let ok_rest = s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '月');
    if !ok_rest {
        return None;
    }
    let (y, m) = match nums.as_slice() {
        [ym] if ym.len() == 6 => (&ym[..4], &ym[4..]),
        [y] if y.len() == 4 => (&y[..], ""),
        [y, m] | [y, m, _] => (*y, *m),
        _ => return None,
    };
    if y.len() != 4 {
        return None;
    }
    let m = m.trim_start_matches('0');
    if !m.is_empty() && !matches!(m.parse::<u32>(), Ok(1..=12)) {
        return None;
    }
    Some((y.to_string(), m.to_string()))
}

/// 民族 as in the dictionary: "汉" → "汉族"; unknown text is kept as typed.
pub(crate) fn ethnicity(s: &str, dicts: &Dicts) -> (String, bool) {
    let t: String = s.chars().filter(|&c| !is_space(c)).collect();
    if t.is_empty() || dicts.ethnicities.contains(&t) {
        return (t, true);
    }
    let with = format!("{t}族");
    if dicts.ethnicities.contains(&with) {
        return (with, true);
    }
    (s.trim().to_string(), false)
}

/// 政治面貌 in the dictionary's short form: "中国共产党党员" → "中共党员", "团员" → "共青团员".
pub(crate) fn political(s: &str, dicts: &Dicts) -> (String, bool) {
    let t: String = s.chars().filter(|&c| !is_space(c)).collect();
    if t.is_empty() || dicts.political_statuses.contains(&t) {
        return (t, true);
    }
    const ALIASES: &[(&str, &str)] = &[
        ("中国共产党党员", "中共党员"),
        ("共产党员", "中共党员"),
        ("党员", "中共党员"),
        ("中国共产党预备党员", "中共预备党员"),
        ("预备党员", "中共预备党员"),
        ("中国共产主义青年团团员", "共青团员"),
        ("团员", "共青团员"),
        ("中国国民党革命委员会会员", "民革党员"),
        ("民革会员", "民革党员"),
        ("中国民主同盟盟员", "民盟盟员"),
        ("中国民主建国会会员", "民建会员"),
        ("中国民主促进会会员", "民进会员"),
        ("中国农工民主党党员", "农工党党员"),
        ("中国致公党党员", "致公党党员"),
        ("台湾民主自治同盟盟员", "台盟盟员"),
        ("无党派", "无党派人士"),
        ("无党派民主人士", "无党派人士"),
    ];
    match ALIASES.iter().find(|(a, _)| *a == t) {
        Some((_, v)) => (v.to_string(), true),
        None => (s.trim().to_string(), false),
    }
}

/// 直播平台 → (dictionary platforms, the text for 其他). "抖音、快手、西瓜视频" → (["抖音", "快手",
/// "其他"], "西瓜视频"); 其他 takes the place of the first platform not in the dictionary.
pub(crate) fn platforms(s: &str, dicts: &Dicts) -> (Vec<String>, String) {
    const ALIASES: &[(&str, &str)] = &[
        ("视频号", "微信视频号"),
        ("微信", "微信视频号"),
        ("淘宝", "淘宝直播"),
        ("点淘", "淘宝直播"),
        ("B站", "哔哩哔哩"),
        ("b站", "哔哩哔哩"),
        ("京东直播", "京东"),
        ("拼多多直播", "拼多多"),
        ("快手直播", "快手"),
        ("抖音直播", "抖音"),
    ];
    let mut out: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for part in s.split(['、', '，', ',', '；', ';', '/', '／', '\n', '|']) {
        let p = part.trim_matches(is_space);
        if p.is_empty() {
            continue;
        }
        let known = if dicts.platforms.iter().any(|d| d == p) && p != "其他" {
            Some(p.to_string())
        } else {
            ALIASES
                .iter()
                .find(|(a, _)| *a == p)
                .map(|(_, v)| v.to_string())
        };
        match known {
            Some(k) => {
                if !out.contains(&k) {
                    out.push(k)
                }
            }
            None => {
                if other.is_empty() {
                    out.push("其他".into());
                }
                if p != "其他" {
                    other.push(p.to_string());
                }
            }
        }
    }
    (out, other.join("、"))
}

/// The blank pattern the form prints when 所在地区 is empty.
pub(crate) fn is_region_template(s: &str) -> bool {
    let bare: String = s
        .chars()
        .filter(|&c| !is_space(c) && c != '_' && c != '＿')
        .collect();
    bare == "省（区）市县乡（镇）村" || bare == "省(区)市县乡(镇)村"
}

/// 所在地区 into its five parts, as far as it goes. Returns the region and what could not be
/// placed (for the report).
///
/// - The 31 provinces are known (also by their short names, "贵州" → "贵州省").
/// - The form's own pattern "贵州 省（区） 黔东南 市 …" is read blank by blank.
/// - Otherwise by suffix: 市/州/盟/地区, then 县/区/旗/市, then 乡/镇/苏木/街道, and the rest
///   is the village (村/嘎查/社区…).
pub(crate) fn split_region(s: &str, dicts: &Dicts) -> (Region, Vec<String>) {
    let mut notes = Vec::new();
    let t: String = s.chars().filter(|&c| !is_space(c)).collect();
    let mut r = Region::default();
    if t.is_empty() || is_region_template(s) {
        return (r, notes);
    }
    // The form's pattern with the blanks filled.
    if t.contains("省（区）") || t.contains("乡（镇）") || t.contains("省(区)") {
        let t = t
            .replace("省(区)", "省（区）")
            .replace("乡(镇)", "乡（镇）");
        let t = t.replace(['_', '＿'], "");
        let mut rest = t.as_str();
        let mut take = |marker: &str| -> String {
            match rest.find(marker) {
                Some(i) => {
                    let v = rest[..i].to_string();
                    rest = &rest[i + marker.len()..];
                    v
                }
                None => String::new(),
            }
        };
        let p = take("省（区）");
        let c = take("市");
        let k = take("县");
        let x = take("乡（镇）");
        let v = take("村");
        let leftover = rest.to_string();
        r.province = province_of(&p, dicts).unwrap_or_else(|| p.clone());
        r.city = with_suffix(&c, &["市", "州", "盟", "地区"], "市");
        r.county = with_suffix(&k, &["县", "区", "旗", "市"], "县");
        r.township = x;
        r.village = with_suffix(&v, &["村", "社区", "嘎查", "居委会"], "村");
        if !leftover.is_empty() {
            notes.push(format!("所在地区末尾的“{leftover}”未能归入任何一级"));
            r.village.push_str(&leftover);
        }
        if !p.is_empty() && province_of(&p, dicts).is_none() {
            notes.push(format!("“{p}”不是已知的省份名称"));
        }
        return (r, notes);
    }
    let mut rest = t.as_str();
    match province_prefix(rest, dicts) {
        Some((full, len)) => {
            r.province = full;
            rest = &rest[len..];
        }
        None => notes.push("所在地区没有以省（区、市）名称开头，省份未能识别".into()),
    }
    let city = cut(
        rest,
        &["自治州", "地区", "盟", "州", "市"],
        &["县", "旗", "区", "乡", "镇"],
    );
    if let Some(i) = city {
        r.city = rest[..i].to_string();
        rest = &rest[i..];
    }
    if let Some(i) = cut(
        rest,
        &["自治县", "自治旗", "县", "旗", "区", "市"],
        &["乡", "镇", "苏木", "街道"],
    ) {
        r.county = rest[..i].to_string();
        rest = &rest[i..];
    }
    if let Some(i) = cut(rest, &["苏木", "街道", "乡", "镇"], &[]) {
        r.township = rest[..i].to_string();
        rest = &rest[i..];
    }
    r.village = rest.to_string();
    let missing: Vec<&str> = [
        ("市（州）", &r.city),
        ("县（区）", &r.county),
        ("乡（镇）", &r.township),
        ("村（社区）", &r.village),
    ]
    .iter()
    .filter(|(_, v)| v.is_empty())
    .map(|(k, _)| *k)
    .collect();
    if !missing.is_empty() && !r.province.is_empty() {
        notes.push(format!(
            "所在地区“{t}”中没有找到{}，请核对拆分结果",
            missing.join("、")
        ));
    }
    if !r.village.is_empty()
        && !["村", "社区", "嘎查", "居委会", "组", "屯", "庄", "寨"]
            .iter()
            .any(|s| r.village.ends_with(s))
    {
        notes.push(format!(
            "所在地区的最后一段“{}”不像村（社区）名称，请核对",
            r.village
        ));
    }
    (r, notes)
}

/// The end (byte index) of the first segment of `s` ending with one of `suffixes`, unless a
/// segment ending with one of `before` comes first (a county before any city suffix means
/// there is no city level). "州" followed by "市" is part of a city name ("杭州市").
fn cut(s: &str, suffixes: &[&str], before: &[&str]) -> Option<usize> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    // A level needs at least one character of name before its suffix.
    for (k, &(i, _)) in chars.iter().enumerate().skip(1) {
        for b in before {
            if s[i..].starts_with(b) {
                return None;
            }
        }
        for suf in suffixes {
            if s[i..].starts_with(suf) {
                let end = i + suf.len();
                if *suf == "州" && s[end..].starts_with('市') {
                    continue;
                }
                // "市辖区" style: the suffix must end the segment.
                let _ = k;
                return Some(end);
            }
        }
    }
    None
}

fn with_suffix(v: &str, ok: &[&str], add: &str) -> String {
    if v.is_empty() || ok.iter().any(|s| v.ends_with(s)) {
        v.to_string()
    } else {
        format!("{v}{add}")
    }
}

/// The province's full name from its full or short name ("贵州", "广西", "内蒙古").
fn province_of(p: &str, dicts: &Dicts) -> Option<String> {
    if p.is_empty() {
        return None;
    }
    dicts
        .provinces
        .iter()
        .find(|full| *full == p || short_province(full) == p)
        .cloned()
}

/// "贵州省" → "贵州", "广西壮族自治区" → "广西", "北京市" → "北京".
fn short_province(full: &str) -> &str {
    for suffix in [
        "壮族自治区",
        "回族自治区",
        "维吾尔自治区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(s) = full.strip_suffix(suffix) {
            return s;
        }
    }
    full
}

/// The province at the start of `s`: (full name, bytes consumed).
fn province_prefix(s: &str, dicts: &Dicts) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for full in &dicts.provinces {
        let cand = if s.starts_with(full.as_str()) {
            Some(full.len())
        } else {
            let short = short_province(full);
            // "贵州黔东南州…" but not "北京路" style false starts: a short name needs a
            // following level.
            if s.starts_with(short) && s.len() > short.len() {
                Some(short.len())
            } else {
                None
            }
        };
        if let Some(n) = cand {
            if best.as_ref().is_none_or(|b| n > b.1) {
                best = Some((full.clone(), n));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Dicts {
        Dicts::current()
    }

    #[test]
    fn labels() {
        assert_eq!(strip_label("姓　名", "姓名"), Some(""));
        assert_eq!(strip_label("姓名：", "姓名"), Some(""));
        assert_eq!(strip_label("姓名：李明", "姓名"), Some("李明"));
        assert_eq!(strip_label("姓 名 : 李明 ", "姓名"), Some("李明"));
        assert_eq!(strip_label("姓名 李明", "姓名"), Some("李明"));
        assert_eq!(strip_label("姓名李明", "姓名"), None);
        assert_eq!(
            strip_label("团队规模（人）：12", "团队规模（人）"),
            Some("12")
        );
        assert_eq!(strip_label("团队规模(人)", "团队规模（人）"), Some(""));
        assert_eq!(strip_label("推荐单位负责人", "推荐单位"), None);
        assert_eq!(norm("推荐单位\n负责人"), "推荐单位负责人");
    }

    #[test]
    fn births() {
        let b = |s: &str| parse_birth(s).map(|(y, m)| format!("{y}/{m}"));
        assert_eq!(b("1990年5月").as_deref(), Some("1990/5"));
        assert_eq!(b("1990.05").as_deref(), Some("1990/5"));
        assert_eq!(b("1990-5").as_deref(), Some("1990/5"));
        assert_eq!(b("1990/12").as_deref(), Some("1990/12"));
        assert_eq!(b("199005").as_deref(), Some("1990/5"));
        assert_eq!(b("1990年05月12日").as_deref(), Some("1990/5"));
        assert_eq!(b("１９９０年５月").as_deref(), Some("1990/5"));
        assert_eq!(b("1990年").as_deref(), Some("1990/"));
        assert_eq!(b("1990.13"), None);
        assert_eq!(b("九零年"), None);
    }

    #[test]
    fn regions() {
        let (r, notes) = split_region("贵州省黔东南州台江县施洞镇偏寨村", &d());
        assert_eq!(
            [&r.province, &r.city, &r.county, &r.township, &r.village],
            ["贵州省", "黔东南州", "台江县", "施洞镇", "偏寨村"]
        );
        assert!(notes.is_empty(), "{notes:?}");
        let (r, _) = split_region("贵州省黔东南苗族侗族自治州台江县施洞镇偏寨村", &d());
        assert_eq!(r.city, "黔东南苗族侗族自治州");
        let (r, _) = split_region("浙江省杭州市临安区太湖源镇白沙村", &d());
        assert_eq!([&r.city, &r.county], ["杭州市", "临安区"]);
        let (r, _) = split_region("内蒙古自治区锡林郭勒盟正蓝旗上都镇", &d());
        assert_eq!(
            [&r.province, &r.city, &r.county, &r.township],
            ["内蒙古自治区", "锡林郭勒盟", "正蓝旗", "上都镇"]
        );
        let (r, _) = split_region("内蒙古锡林郭勒盟阿巴嘎旗那仁宝拉格苏木巴彦图嘎嘎查", &d());
        assert_eq!(r.township, "那仁宝拉格苏木");
        assert_eq!(r.village, "巴彦图嘎嘎查");
        let (r, _) = split_region("贵州台江县施洞镇偏寨村", &d());
        assert_eq!([&r.province, &r.city, &r.county], ["贵州省", "", "台江县"]);
        let (r, _) = split_region(
            "贵州 省（区） 黔东南州 市 台江 县 施洞镇 乡（镇） 偏寨 村",
            &d(),
        );
        assert_eq!(
            [&r.province, &r.city, &r.county, &r.township, &r.village],
            ["贵州省", "黔东南州", "台江县", "施洞镇", "偏寨村"]
        );
        let (r, _) = split_region(
            "　　　　省（区）　　　　市　　　　县　　　　乡（镇）　　　　村",
            &d(),
        );
        assert_eq!(r, Region::default());
        let (_, notes) = split_region("某地某处", &d());
        assert!(!notes.is_empty());
    }

    #[test]
    fn dictionaries() {
        assert_eq!(ethnicity("汉", &d()), ("汉族".into(), true));
        assert_eq!(ethnicity("柯尔克孜族", &d()).1, true);
        assert_eq!(political("中国共产党党员", &d()).0, "中共党员");
        assert_eq!(political("群众", &d()).0, "群众");
        let (p, o) = platforms("抖音、快手，视频号 / 西瓜视频、今日头条", &d());
        assert_eq!(p, ["抖音", "快手", "微信视频号", "其他"]);
        assert_eq!(o, "西瓜视频、今日头条");
    }
}
