//! Validation of a case against the campaign rules: per field, issues with a severity (an error
//! blocks "标记为完成", a warning only informs) and a Chinese message; the 字数 of every section
//! as printed; and how complete the case is.

use crate::campaign::Campaign;
use crate::dicts::Dicts;
use crate::model::Case;
use crate::sections::{section_counts, SectionKey};
use crate::wordcount::Counts;

mod media;
pub use media::{media_issues, missing_materials};
use serde::Serialize;

pub use crate::issue::{Issue, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct SectionCounts {
    pub intro: Counts,
    pub practices: Counts,
    pub results: Counts,
    pub lessons: Counts,
    pub opinion: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub issues: Vec<Issue>,
    pub counts: SectionCounts,
    pub errors: usize,
    pub warnings: usize,
    /// Share of the form's fields filled in, 0–100.
    pub completeness: u8,
    /// The materials the notice requires (须提供) that the case does not have yet, by name
    /// ("个人形象照片", …); empty when the materials are complete (材料齐全). Independent of
    /// `errors`: a form may be complete (完成) before its materials arrive.
    pub missing_materials: Vec<String>,
}

impl Report {
    pub fn is_ready(&self) -> bool {
        self.errors == 0
    }
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Issue> + 'a {
        self.issues.iter().filter(move |i| i.field == field)
    }
}

struct Collector(Vec<Issue>);

impl Collector {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Issue {
            field: field.into(),
            severity: Severity::Error,
            message: message.into(),
        });
    }
    fn warn(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Issue {
            field: field.into(),
            severity: Severity::Warning,
            message: message.into(),
        });
    }
    /// Required text: an error when blank. Returns the trimmed value.
    fn required<'a>(&mut self, field: &str, label: &str, value: &'a str) -> &'a str {
        let v = value.trim();
        if v.is_empty() {
            self.error(field, format!("请填写{label}"));
        }
        v
    }
}

/// Validates a case. Pure: the same case and rules always give the same report.
pub fn validate(case: &Case, campaign: &Campaign, dicts: &Dicts) -> Report {
    let mut c = Collector(Vec::new());

    // --- the table rows -------------------------------------------------------------------
    let name = c.required("person.name", "姓名", &case.person.name);
    if !name.is_empty() {
        if name.chars().any(|ch| ch.is_ascii_digit()) {
            c.warn("person.name", "姓名中含有数字，请核对");
        }
        if name.chars().count() > 30 {
            c.warn("person.name", "姓名过长，请核对是否填入了其他内容");
        }
    }
    check_birth(case, campaign, &mut c);
    check_choice(
        &mut c,
        "person.ethnicity",
        "民族",
        &case.person.ethnicity,
        &dicts.ethnicities,
        "请从 56 个民族中选择",
    );
    check_choice(
        &mut c,
        "person.political_status",
        "政治面貌",
        &case.person.political_status,
        &dicts.political_statuses,
        "请从列表中选择（如 中共党员、共青团员、群众）",
    );
    check_choice(
        &mut c,
        "region.province",
        "所在地区的省（区）",
        &case.region.province,
        &dicts.provinces,
        "请从省份列表中选择",
    );
    if case.region.city.trim().is_empty() {
        c.warn("region.city", "未填写所在地区的市");
    }
    if case.region.county.trim().is_empty() {
        c.warn("region.county", "未填写所在地区的县（区）");
    }
    c.required("business.field", "直播领域", &case.business.field);

    match parse_number(&case.business.team_size) {
        Parsed::Empty => c.warn("business.team_size", "未填写团队规模（人）"),
        Parsed::Invalid => c.error(
            "business.team_size",
            format!(
                "团队规模应为整数人数，如 12（现为“{}”）",
                case.business.team_size.trim()
            ),
        ),
        Parsed::Value(v) => {
            if v.fract() != 0.0 {
                c.error("business.team_size", "团队规模应为整数人数");
            } else if v < campaign.team_size_min as f64 {
                c.error(
                    "business.team_size",
                    format!("团队规模至少为 {} 人", campaign.team_size_min),
                );
            } else if v > 100_000.0 {
                c.warn("business.team_size", "团队规模很大，请核对");
            }
        }
    }

    let platforms: Vec<&String> = case
        .business
        .platforms
        .iter()
        .filter(|p| !p.trim().is_empty())
        .collect();
    if platforms.is_empty() {
        c.warn("business.platforms", "未选择直播平台");
    }
    for p in &platforms {
        if !dicts.platforms.contains(p) {
            c.warn("business.platforms", format!("“{p}”不在平台列表中，请核对"));
        }
    }
    if platforms.iter().any(|p| p.as_str() == "其他")
        && case.business.platform_other.trim().is_empty()
    {
        c.error(
            "business.platform_other",
            "选择了“其他”平台，请写明平台名称",
        );
    }
    if case.business.account_name.trim().is_empty() {
        c.warn("business.account_name", "未填写直播账号名称");
    }
    match parse_number(&case.business.followers) {
        Parsed::Empty => c.warn("business.followers", "未填写当前粉丝量"),
        Parsed::Invalid => c.error(
            "business.followers",
            format!(
                "粉丝量无法识别（现为“{}”），请填写数字，如 865000 或 86.5万",
                case.business.followers.trim()
            ),
        ),
        Parsed::Value(v) => {
            if v.fract() != 0.0 {
                c.error(
                    "business.followers",
                    "粉丝量应为整数人数（如 12.5万 = 125000 人）",
                );
            }
        }
    }
    match parse_number(&case.business.years) {
        Parsed::Empty => c.warn("business.years", "未填写直播从业时间（年）"),
        Parsed::Invalid => c.error(
            "business.years",
            format!(
                "从业时间应为年数，如 5 或 2.5（现为“{}”）",
                case.business.years.trim()
            ),
        ),
        Parsed::Value(v) => {
            if v > 50.0 {
                c.warn("business.years", "从业时间超过 50 年，请核对");
            }
        }
    }
    match parse_number(case.business.annual_revenue.trim().trim_end_matches("万元")) {
        Parsed::Empty => c.warn("business.annual_revenue", "未填写年营业额（万元）"),
        Parsed::Invalid => c.error(
            "business.annual_revenue",
            format!(
                "年营业额应为以万元计的数字，如 1260（现为“{}”）",
                case.business.annual_revenue.trim()
            ),
        ),
        Parsed::Value(_) => {}
    }
    check_phone(&mut c, "person.phone", "联系方式", &case.person.phone, true);

    c.required("recommender.unit", "推荐单位", &case.recommender.unit);
    if case.recommender.leader.trim().is_empty() {
        c.warn("recommender.leader", "未填写推荐单位负责人");
    }
    check_phone(
        &mut c,
        "recommender.phone",
        "推荐单位联系方式",
        &case.recommender.phone,
        true,
    );

    // --- 案例简介 ---------------------------------------------------------------------------
    c.required("intro.title", "案例名称", &case.intro.title);
    c.required("intro.basics", "基本情况介绍", &case.intro.basics);
    let feature = c.required(
        "intro.feature",
        "案例特点（一句话概括）",
        &case.intro.feature,
    );
    if sentence_count(feature) > 1 {
        c.warn("intro.feature", "案例特点应为一句话概括");
    }
    let filled: Vec<(usize, &crate::model::Practice)> = case
        .practices
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.highlight.trim().is_empty() || !p.text.trim().is_empty())
        .collect();
    if filled.is_empty() {
        c.error(
            "practices",
            "请至少填写一条典型做法（每条经验做法单列一项）",
        );
    }
    for (i, p) in filled {
        if p.highlight.trim().is_empty() {
            c.warn(
                format!("practices.{i}.highlight"),
                "请写明这条做法的主要亮点（打印时加粗）",
            );
        }
        if p.text.trim().is_empty() {
            c.warn(format!("practices.{i}.text"), "这条做法还没有具体内容");
        }
    }
    c.required("results", "成果贡献", &case.results);
    c.required("lessons", "经验启示", &case.lessons);
    c.required("opinion", "推荐单位意见", &case.opinion);

    let mut counts = SectionCounts::default();
    let rules = &campaign.sections;
    for key in SectionKey::ALL {
        let n = section_counts(case, key);
        let rule = match key {
            SectionKey::Intro => {
                counts.intro = n;
                &rules.intro
            }
            SectionKey::Practices => {
                counts.practices = n;
                &rules.practices
            }
            SectionKey::Results => {
                counts.results = n;
                &rules.results
            }
            SectionKey::Lessons => {
                counts.lessons = n;
                &rules.lessons
            }
            SectionKey::Opinion => {
                counts.opinion = n;
                &rules.opinion
            }
        };
        if let Some(max) = rule.max_words {
            if n.words > max {
                c.error(
                    key.as_str(),
                    format!(
                        "{}共 {} 字，超过 {} 字的上限 {} 字，请删减",
                        rule.heading,
                        n.words,
                        max,
                        n.words - max
                    ),
                );
            }
        }
        if let Some(min) = rule.min_words {
            if n.words > 0 && n.words < min {
                c.error(
                    key.as_str(),
                    format!(
                        "{}共 {} 字，不足 {} 字，还需 {} 字",
                        rule.heading,
                        n.words,
                        min,
                        min - n.words
                    ),
                );
            }
        }
    }
    for (field, text) in [
        ("intro.title", &case.intro.title),
        ("intro.basics", &case.intro.basics),
        ("intro.feature", &case.intro.feature),
        ("results", &case.results),
        ("lessons", &case.lessons),
        ("opinion", &case.opinion),
    ] {
        if text.chars().any(is_emoji) {
            c.warn(field, "含有表情符号，打印和报送时可能显示为方框，建议删除");
        }
    }
    for (i, p) in case.practices.iter().enumerate() {
        if p.highlight.chars().chain(p.text.chars()).any(is_emoji) {
            c.warn(
                format!("practices.{i}.text"),
                "含有表情符号，打印和报送时可能显示为方框，建议删除",
            );
        }
    }

    // --- photo, ID scan, pictures, video ------------------------------------------------------
    for (field, issue) in media_issues(&case.media, campaign) {
        match issue.severity {
            Severity::Error => c.error(field, issue.message),
            Severity::Warning => c.warn(field, issue.message),
        }
    }

    let issues = c.0;
    let errors = issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    Report {
        warnings: issues.len() - errors,
        errors,
        completeness: completeness(case),
        missing_materials: missing_materials(&case.media, campaign),
        counts,
        issues,
    }
}

fn check_choice(
    c: &mut Collector,
    field: &str,
    label: &str,
    value: &str,
    list: &[String],
    hint: &str,
) {
    let v = value.trim();
    if v.is_empty() {
        c.error(field, format!("请选择{label}"));
    } else if !list.iter().any(|x| x == v) {
        c.error(field, format!("“{v}”不是有效的{label}，{hint}"));
    }
}

fn check_birth(case: &Case, campaign: &Campaign, c: &mut Collector) {
    let y = case.person.birth_year.trim();
    let m = case.person.birth_month.trim();
    let max_year = campaign.year - campaign.person.min_age;
    if y.is_empty() {
        c.error("person.birth_year", "请填写出生年份");
    } else {
        match y.parse::<i32>() {
            Ok(year) if (campaign.person.min_birth_year..=max_year).contains(&year) => {}
            Ok(_) | Err(_) => c.error(
                "person.birth_year",
                format!(
                    "出生年份应为 {}–{} 之间的四位数字（现为“{y}”）",
                    campaign.person.min_birth_year, max_year
                ),
            ),
        }
    }
    if m.is_empty() {
        c.error("person.birth_month", "请选择出生月份");
    } else if !matches!(m.parse::<u8>(), Ok(1..=12)) {
        c.error(
            "person.birth_month",
            format!("出生月份应为 1–12（现为“{m}”）"),
        );
    }
}

/// What a phone field holds.
#[derive(Debug, PartialEq, Eq)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// Recognises a mainland mobile number (11 digits, 1[3-9]…) or a landline with area code
/// (010-67801815, 0851 8888888, with an optional extension). Spaces and dashes are allowed.
pub fn phone_kind(s: &str) -> Option<PhoneKind> {
    let s = s.trim();
    let s = s.strip_prefix("+86").unwrap_or(s).trim();
    let (main, ext) = match s.find(['转', '#']) {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    };
    if let Some(ext) = ext {
        let digits = ext.trim_start_matches(['转', '#']);
        if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if !main
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
    {
        return None;
    }
    let digits: String = main.chars().filter(|c| c.is_ascii_digit()).collect();
    let b = digits.as_bytes();
    if ext.is_none() && b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some(PhoneKind::Mobile);
    }
    // 0 + area code (2–3 digits) + 7–8 digit number: 10 to 12 digits.
    if b.first() == Some(&b'0') && (10..=12).contains(&b.len()) {
        return Some(PhoneKind::Landline);
    }
    None
}

fn check_phone(c: &mut Collector, field: &str, label: &str, value: &str, warn_if_empty: bool) {
    let v = value.trim();
    if v.is_empty() {
        if warn_if_empty {
            c.warn(field, format!("未填写{label}"));
        }
        return;
    }
    // Several numbers may be given, separated by 、 , ； / or spaces between full numbers.
    for part in v.split(['、', ',', '，', ';', '；', '/']) {
        if phone_kind(part).is_none() {
            c.warn(
                field,
                format!(
                    "“{}”不像手机号（11 位）或带区号的固定电话（如 010-67801815），请核对",
                    part.trim()
                ),
            );
        }
    }
}

/// The result of reading a number the way clerks type it.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    Empty,
    Invalid,
    Value(f64),
}

/// Reads "865000", "86.5万", "86.5 万", "1.2亿", "865,000", "12.5w" → the number. Rejects
/// "abc", "1,2万" (a comma that is not a thousands separator), negative numbers.
pub fn parse_number(s: &str) -> Parsed {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fullwidth_to_ascii)
        .collect();
    if s.is_empty() {
        return Parsed::Empty;
    }
    let s = s
        .strip_suffix('人')
        .or_else(|| s.strip_suffix('年'))
        .unwrap_or(&s);
    let (num, mult) = if let Some(n) = s.strip_suffix('万').or_else(|| s.strip_suffix(['w', 'W']))
    {
        (n, 10_000.0)
    } else if let Some(n) = s.strip_suffix('亿') {
        (n, 100_000_000.0)
    } else {
        (s, 1.0)
    };
    let num = num.strip_suffix('+').unwrap_or(num);
    if num.contains(',') {
        // Only proper thousands grouping: 1,234,567(.89)
        let int = num.split('.').next().unwrap_or("");
        let groups: Vec<&str> = int.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Parsed::Invalid;
        }
    }
    let plain: String = num.chars().filter(|&c| c != ',').collect();
    if plain.is_empty()
        || !plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        || plain.matches('.').count() > 1
        || plain.starts_with('.')
        || plain.ends_with('.')
    {
        return Parsed::Invalid;
    }
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let v = v * mult;
            // 12.5万 must give exactly 125000, not 124999.99999.
            let r = (v * 1e6).round() / 1e6;
            Parsed::Value(r)
        }
        _ => Parsed::Invalid,
    }
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        _ => c,
    }
}

fn sentence_count(s: &str) -> usize {
    let trimmed = s.trim_end_matches(['。', '！', '？', '!', '?', '.', ' ']);
    if trimmed.is_empty() {
        return 0;
    }
    1 + trimmed
        .chars()
        .filter(|c| matches!(c, '。' | '！' | '？' | '!' | '?'))
        .count()
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF) && !matches!(c as u32, 0x2610..=0x2612)
}

/// Share of the form's fields that are filled in (0–100). Validity is the report's job; this
/// tells a clerk how far along a case is.
pub fn completeness(case: &Case) -> u8 {
    let b = &case.business;
    let filled = [
        &case.person.name,
        &case.person.birth_year,
        &case.person.birth_month,
        &case.person.ethnicity,
        &case.person.political_status,
        &case.person.phone,
        &case.region.province,
        &case.region.city,
        &case.region.county,
        &b.field,
        &b.team_size,
        &b.account_name,
        &b.followers,
        &b.years,
        &b.annual_revenue,
        &case.recommender.unit,
        &case.recommender.leader,
        &case.recommender.phone,
        &case.intro.title,
        &case.intro.basics,
        &case.intro.feature,
        &case.results,
        &case.lessons,
        &case.opinion,
    ];
    let mut total = filled.len() + 2;
    let mut n = filled.iter().filter(|s| !s.trim().is_empty()).count();
    if b.platforms.iter().any(|p| !p.trim().is_empty()) {
        n += 1;
    }
    if case
        .practices
        .iter()
        .any(|p| !p.highlight.trim().is_empty() || !p.text.trim().is_empty())
    {
        n += 1;
    }
    if total == 0 {
        total = 1;
    }
    ((n * 100) / total) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_clerks_type_them() {
        assert_eq!(parse_number("12.5万"), Parsed::Value(125_000.0));
        assert_eq!(parse_number(" 86.5 万 "), Parsed::Value(865_000.0));
        assert_eq!(parse_number("865000"), Parsed::Value(865_000.0));
        assert_eq!(parse_number("865,000"), Parsed::Value(865_000.0));
        assert_eq!(parse_number("1.2亿"), Parsed::Value(120_000_000.0));
        assert_eq!(parse_number("１２万"), Parsed::Value(120_000.0));
        assert_eq!(parse_number("12人"), Parsed::Value(12.0));
        assert_eq!(parse_number(""), Parsed::Empty);
        assert_eq!(parse_number("abc"), Parsed::Invalid);
        assert_eq!(parse_number("1,2万"), Parsed::Invalid);
        assert_eq!(parse_number("-5"), Parsed::Invalid);
        assert_eq!(parse_number("1.2.3"), Parsed::Invalid);
        assert_eq!(parse_number("万"), Parsed::Invalid);
        assert_eq!(parse_number("1e9"), Parsed::Invalid);
    }

    #[test]
    fn phones() {
        assert_eq!(phone_kind("13812345678"), Some(PhoneKind::Mobile));
        assert_eq!(phone_kind("138 1234 5678"), Some(PhoneKind::Mobile));
        assert_eq!(phone_kind("+86 13812345678"), Some(PhoneKind::Mobile));
        assert_eq!(phone_kind("010-67801815"), Some(PhoneKind::Landline));
        assert_eq!(phone_kind("0851-88888888"), Some(PhoneKind::Landline));
        assert_eq!(phone_kind("0851-88888888转123"), Some(PhoneKind::Landline));
        assert_eq!(phone_kind("12812345678"), None);
        assert_eq!(phone_kind("1381234567"), None);
        assert_eq!(phone_kind("abc"), None);
        assert_eq!(phone_kind("67801815"), None);
    }

    #[test]
    fn sentences() {
        assert_eq!(sentence_count("以合作社带动绣娘增收。"), 1);
        assert_eq!(sentence_count("第一句。第二句。"), 2);
        assert_eq!(sentence_count(""), 0);
    }
}
