//! Validation of whole cases against the 2024 campaign.
mod common;

use tianbao::campaign::Campaign;
use tianbao::dicts::Dicts;
use tianbao::model::{Case, Practice};
use tianbao::validate::{validate, Report, Severity};

fn check(c: &Case) -> Report {
    validate(c, &Campaign::current(), &Dicts::current())
}

fn has(r: &Report, field: &str, sev: Severity) -> bool {
    r.issues
        .iter()
        .any(|i| i.field == field && i.severity == sev)
}

#[test]
fn the_sample_case_is_ready() {
    let r = check(&common::sample_case());
    assert_eq!(r.errors, 0, "{:#?}", r.issues);
    // The sample has no photo, ID scan or video yet: those are the only reminders.
    let other: Vec<_> = r
        .issues
        .iter()
        .filter(|i| !i.field.starts_with("media."))
        .collect();
    assert!(other.is_empty(), "{other:#?}");
    assert!(r.issues.iter().any(|i| i.field == "media.photo"));
    assert_eq!(r.completeness, 100);
    assert!(r.is_ready());
}

#[test]
fn an_empty_case_lists_every_required_field() {
    let r = check(&Case::new());
    for f in [
        "person.name",
        "person.birth_year",
        "person.birth_month",
        "person.ethnicity",
        "person.political_status",
        "region.province",
        "business.field",
        "recommender.unit",
        "intro.title",
        "intro.basics",
        "intro.feature",
        "practices",
        "results",
        "lessons",
        "opinion",
    ] {
        assert!(has(&r, f, Severity::Error), "missing error for {f}");
    }
    assert!(has(&r, "business.followers", Severity::Warning));
    assert!(!r.is_ready());
    assert_eq!(r.completeness, 0);
    // Every message is Chinese.
    assert!(r.issues.iter().all(|i| i
        .message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
}

#[test]
fn limits_at_and_over() {
    let mut c = common::sample_case();
    // 三 at exactly 500 字, then 501.
    c.results = "字".repeat(500);
    let r = check(&c);
    assert_eq!(r.counts.results.words, 500);
    assert!(!has(&r, "results", Severity::Error));
    c.results.push('字');
    let r = check(&c);
    assert!(has(&r, "results", Severity::Error));
    let msg = &r.for_field("results").next().unwrap().message;
    assert!(msg.contains("501") && msg.contains("500"), "{msg}");
    // Opinion: 400 is enough, 399 is not.
    c.opinion = "意".repeat(400);
    assert!(!has(&check(&c), "opinion", Severity::Error));
    c.opinion = "意".repeat(399);
    let r = check(&c);
    assert!(has(&r, "opinion", Severity::Error));
    assert!(r
        .for_field("opinion")
        .next()
        .unwrap()
        .message
        .contains("还需 1 字"));
}

#[test]
fn practices_limit_counts_the_numbers() {
    let mut c = common::sample_case();
    // 1000 字 including "（一）" (3) and "（二）" (3).
    c.practices = vec![
        Practice {
            highlight: "甲".into(),
            text: "字".repeat(496),
        },
        Practice {
            highlight: "乙".into(),
            text: "字".repeat(496),
        },
    ];
    let r = check(&c);
    assert_eq!(r.counts.practices.words, 1000);
    assert!(!has(&r, "practices", Severity::Error));
    c.practices.push(Practice {
        highlight: "".into(),
        text: "多".into(),
    });
    let r = check(&c);
    assert_eq!(r.counts.practices.words, 1004);
    assert!(has(&r, "practices", Severity::Error));
    assert!(has(&r, "practices.2.highlight", Severity::Warning));
}

#[test]
fn numbers_and_phones() {
    let mut c = common::sample_case();
    c.business.followers = "12.5万".into();
    c.business.team_size = "0".into();
    c.business.years = "abc".into();
    c.business.annual_revenue = "1,2万".into();
    c.person.phone = "1234".into();
    let r = check(&c);
    assert!(!has(&r, "business.followers", Severity::Error));
    assert!(has(&r, "business.team_size", Severity::Error));
    assert!(has(&r, "business.years", Severity::Error));
    assert!(has(&r, "business.annual_revenue", Severity::Error));
    assert!(has(&r, "person.phone", Severity::Warning));
    assert!(!has(&r, "person.phone", Severity::Error));
    c.business.followers = "1,2万".into();
    let r = check(&c);
    let m = &r.for_field("business.followers").next().unwrap().message;
    assert!(m.contains("1,2万"), "{m}");
}

#[test]
fn birth_month_and_year_in_range() {
    let mut c = common::sample_case();
    c.person.birth_month = "13".into();
    c.person.birth_year = "2015".into();
    let r = check(&c);
    assert!(has(&r, "person.birth_month", Severity::Error));
    assert!(has(&r, "person.birth_year", Severity::Error));
    c.person.birth_month = "12".into();
    c.person.birth_year = "1930".into();
    let r = check(&c);
    assert!(!has(&r, "person.birth_month", Severity::Error));
    assert!(!has(&r, "person.birth_year", Severity::Error));
}

#[test]
fn dictionary_fields_refuse_free_text() {
    let mut c = common::sample_case();
    c.person.ethnicity = "火星族".into();
    c.person.political_status = "党员".into();
    c.region.province = "贵州".into();
    c.business.platforms = vec!["其他".into()];
    let r = check(&c);
    assert!(has(&r, "person.ethnicity", Severity::Error));
    assert!(has(&r, "person.political_status", Severity::Error));
    assert!(has(&r, "region.province", Severity::Error));
    assert!(has(&r, "business.platform_other", Severity::Error));
}

#[test]
fn bad_text_never_panics() {
    let mut c = common::sample_case();
    c.results = "字".repeat(40_000);
    c.lessons = "👍🙂 emoji 文本".into();
    c.opinion = "\u{0}\u{1}控制字符\u{7f}".into();
    let r = check(&c);
    assert_eq!(r.counts.results.words, 40_000);
    assert!(has(&r, "results", Severity::Error));
    assert!(has(&r, "lessons", Severity::Warning));
}

#[test]
fn materials_complete_is_apart_from_the_form_being_complete() {
    let mut c = common::sample_case();
    let r = check(&c);
    // 完成 (no error) and 100 %, yet the materials are not 齐全: each missing one is named.
    assert!(r.is_ready() && r.completeness == 100);
    assert_eq!(
        r.missing_materials,
        [
            "个人形象照片",
            "身份证扫描件（人像面）",
            "身份证扫描件（国徽面）",
            "视频百度网盘链接"
        ]
    );
    let file: tianbao::model::Attachment =
        serde_json::from_value(serde_json::json!({"sha256": "ab", "file_name": "a.jpg"})).unwrap();
    c.media.photo = Some(file.clone());
    c.media.id_front = Some(file.clone());
    c.media.id_back = Some(file);
    c.media.video.link = "https://pan.baidu.com/s/1abcDEF".into();
    assert_eq!(check(&c).missing_materials, ["视频提取码"]);
    c.media.video.link = "https://pan.baidu.com/s/1abcDEF?pwd=x7k9".into();
    assert!(check(&c).missing_materials.is_empty());
    c.media.video.link = "https://pan.baidu.com/s/1abcDEF".into();
    c.media.video.code = "x7k9".into();
    assert!(check(&c).missing_materials.is_empty());
}

#[test]
fn choices_say_choose_not_fill_in() {
    let r = check(&Case::new());
    for (field, text) in [
        ("person.ethnicity", "请选择民族"),
        ("person.political_status", "请选择政治面貌"),
        ("region.province", "请选择所在地区的省（区）"),
        ("person.birth_month", "请选择出生月份"),
    ] {
        let msgs: Vec<_> = r.issues.iter().filter(|i| i.field == field).collect();
        assert!(msgs.iter().any(|i| i.message == text), "{field}: {msgs:?}");
        assert!(
            msgs.iter().all(|i| !i.message.starts_with("请填写")),
            "{field}: {msgs:?}"
        );
    }
}
