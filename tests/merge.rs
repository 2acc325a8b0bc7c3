//! The merge scenarios of issue 9 on the pure merge (no database): a table of base / A / B and
//! what must come out. The same scenarios through bundles and stores are in tests/bundle.rs.

use serde_json::{json, Value};
use tianbao::merge::{self, merge, merge3, same_person, Side, DELETED};
use tianbao::model::{Attachment, Case, Practice};

fn base() -> Case {
    let mut c = Case::new();
    c.person.name = "李明".into();
    c.person.birth_year = "1990".into();
    c.person.birth_month = "5".into();
    c.region.county = "台江县".into();
    c.person.phone = "13800000000".into();
    c.intro.basics = "原来的基本情况".into();
    c.results = "原来的成果".into();
    c.practices = vec![
        Practice {
            highlight: "亮点一".into(),
            text: "做法一".into(),
        },
        Practice {
            highlight: "亮点二".into(),
            text: "做法二".into(),
        },
    ];
    c.business.platforms = vec!["抖音".into()];
    c
}

fn pic(ch: char, caption: &str) -> Attachment {
    Attachment {
        sha256: ch.to_string().repeat(64),
        file_name: format!("{ch}.jpg"),
        bytes: 100,
        format: "jpeg".into(),
        width: 10,
        height: 10,
        caption: caption.into(),
        converted: None,
    }
}

type Edit = fn(&mut Case);

struct Row {
    name: &'static str,
    a: Edit,
    b: Edit,
    /// Checks on the merged case.
    expect: fn(&Case),
    /// Fields in conflict, sorted.
    conflicts: &'static [&'static str],
}

fn none(_: &mut Case) {}

#[test]
fn merge_scenarios() {
    let rows: Vec<Row> = vec![
        Row {
            name: "A edits, B does nothing",
            a: |c| c.intro.basics = "A 改的".into(),
            b: none,
            expect: |m| assert_eq!(m.intro.basics, "A 改的"),
            conflicts: &[],
        },
        Row {
            name: "B edits, A does nothing",
            a: none,
            b: |c| c.results = "B 改的".into(),
            expect: |m| assert_eq!(m.results, "B 改的"),
            conflicts: &[],
        },
        Row {
            name: "both edit different fields",
            a: |c| c.intro.basics = "A 改的".into(),
            b: |c| c.results = "B 改的".into(),
            expect: |m| {
                assert_eq!(m.intro.basics, "A 改的");
                assert_eq!(m.results, "B 改的");
            },
            conflicts: &[],
        },
        Row {
            name: "both edit the same field the same way",
            a: |c| c.results = "同样".into(),
            b: |c| c.results = "同样".into(),
            expect: |m| assert_eq!(m.results, "同样"),
            conflicts: &[],
        },
        Row {
            name: "both edit the same field differently",
            a: |c| c.intro.basics = "A 改的".into(),
            b: |c| c.intro.basics = "B 改的".into(),
            expect: |m| assert!(["A 改的", "B 改的"].contains(&m.intro.basics.as_str())),
            conflicts: &["intro.basics"],
        },
        Row {
            name: "A clears a field B left alone: a deliberate clear",
            a: |c| c.results = String::new(),
            b: |c| c.intro.basics = "B 改的".into(),
            expect: |m| {
                assert_eq!(m.results, "");
                assert_eq!(m.intro.basics, "B 改的");
            },
            conflicts: &[],
        },
        Row {
            name: "A clears a field B edited: a conflict, not a silent wipe",
            a: |c| c.results = String::new(),
            b: |c| c.results = "B 补充的成果".into(),
            expect: |_| {},
            conflicts: &["results"],
        },
        Row {
            name: "pictures added on both sides are united by content hash",
            a: |c| c.media.pictures = vec![pic('a', "甲"), pic('c', "共同")],
            b: |c| c.media.pictures = vec![pic('b', "乙"), pic('c', "共同")],
            expect: |m| {
                let mut shas: Vec<char> = m
                    .media
                    .pictures
                    .iter()
                    .map(|p| p.sha256.chars().next().unwrap())
                    .collect();
                shas.sort();
                assert_eq!(shas, vec!['a', 'b', 'c']);
            },
            conflicts: &[],
        },
        Row {
            name: "a photo set on both sides differently",
            a: |c| c.media.photo = Some(pic('a', "")),
            b: |c| c.media.photo = Some(pic('b', "")),
            expect: |_| {},
            conflicts: &["media.photo"],
        },
        Row {
            name: "a picture's caption changed on both sides",
            a: |c| c.media.pictures = vec![pic('a', "甲的说明")],
            b: |c| c.media.pictures = vec![pic('a', "乙的说明")],
            expect: |m| assert_eq!(m.media.pictures.len(), 1),
            conflicts: &[
                "media.pictures.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ],
        },
        Row {
            name: "典型做法: A adds an item, B edits the first",
            a: |c| {
                c.practices.push(Practice {
                    highlight: "亮点三".into(),
                    text: "做法三".into(),
                })
            },
            b: |c| c.practices[0].text = "做法一（改）".into(),
            expect: |m| {
                assert_eq!(m.practices.len(), 3);
                assert_eq!(m.practices[0].text, "做法一（改）");
                assert_eq!(m.practices[2].highlight, "亮点三");
            },
            conflicts: &[],
        },
        Row {
            name: "典型做法: A removes the last item, B edits it → conflict, item kept",
            a: |c| {
                c.practices.pop();
            },
            b: |c| c.practices[1].text = "做法二（改）".into(),
            expect: |m| assert_eq!(m.practices.len(), 2),
            conflicts: &["practices.1.text"],
        },
        Row {
            name: "platforms are a set",
            a: |c| c.business.platforms.push("快手".into()),
            b: |c| c.business.platforms = vec!["视频号".into()],
            expect: |m| {
                let mut p = m.business.platforms.clone();
                p.sort();
                assert_eq!(p, vec!["快手".to_string(), "视频号".to_string()]);
            },
            conflicts: &[],
        },
    ];
    for row in &rows {
        let b0 = base();
        let mut a = b0.clone();
        (row.a)(&mut a);
        let mut b = b0.clone();
        (row.b)(&mut b);
        for (x, y) in [(&a, &b), (&b, &a)] {
            let m = merge3(Some(&b0), x, y);
            let fields: Vec<&str> = m.conflicts.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, row.conflicts, "{}", row.name);
            (row.expect)(&m.case);
            for c in &m.conflicts {
                assert!(c.choices.len() >= 2, "{}: {c:?}", row.name);
            }
        }
    }
}

fn side<'a>(rev: &'a str, at: &'a str, case: &'a Case, deleted: bool) -> Side<'a> {
    Side {
        rev,
        office: rev,
        at,
        case,
        deleted,
        carried: &[],
    }
}

#[test]
fn delete_versus_edit_is_a_conflict_and_the_case_stays() {
    let b0 = base();
    let mut edited = b0.clone();
    edited.results = "新的成果".into();
    let m = merge(
        Some((&b0, false)),
        &[side("a", "1", &b0, true), side("b", "2", &edited, false)],
    );
    assert!(!m.deleted);
    assert_eq!(m.case.results, "新的成果");
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].field, DELETED);
    // Deleted on one side, untouched on the other: deleted.
    let m = merge(
        Some((&b0, false)),
        &[side("a", "1", &b0, true), side("b", "2", &b0, false)],
    );
    assert!(m.deleted);
    assert!(m.conflicts.is_empty());
}

#[test]
fn same_person_twice_merges_without_a_base_and_blank_never_wins() {
    let mut a = Case::new();
    a.person.name = "李明".into();
    a.person.birth_year = "1990".into();
    a.person.birth_month = "05".into();
    a.intro.basics = "A 写的基本情况".into();
    a.media.pictures = vec![pic('a', "")];
    let mut b = Case::new();
    b.person.name = " 李明".into();
    b.person.birth_year = "1990".into();
    b.person.birth_month = "5".into();
    b.results = "B 写的成果".into();
    b.media.pictures = vec![pic('b', "")];
    b.person.ethnicity = "苗族".into();
    assert!(same_person(&a, &b).unwrap().contains("出生年月"));
    let m = merge3(None, &a, &b);
    assert_eq!(m.case.intro.basics, "A 写的基本情况");
    assert_eq!(m.case.results, "B 写的成果");
    assert_eq!(m.case.person.ethnicity, "苗族");
    assert_eq!(m.case.media.pictures.len(), 2);
    // Names differ only by a space: both filled and different → one conflict on 姓名.
    let fields: Vec<&str> = m.conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["person.birth_month", "person.name"]);
    // The other rule: 姓名 + 县 + 联系方式.
    let mut c = Case::new();
    c.person.name = "李明".into();
    c.region.county = "台江县".into();
    c.person.phone = "138 0000 0000".into();
    let mut d = c.clone();
    d.id = Case::new().id;
    d.person.phone = "13800000000".into();
    assert!(same_person(&c, &d).unwrap().contains("县"));
    d.region.county = "凯里市".into();
    assert!(same_person(&c, &d).is_none());
}

#[test]
fn three_sides_merge_the_same_in_every_order() {
    let b0 = base();
    let mut a = b0.clone();
    a.intro.basics = "A".into();
    a.media.pictures = vec![pic('a', "")];
    let mut b = b0.clone();
    b.intro.basics = "B".into();
    b.results = "B 的成果".into();
    let mut c = b0.clone();
    c.lessons = "C 的启示".into();
    c.media.pictures = vec![pic('c', "")];
    let sides = [
        side("ra", "2024-05-01T10:00:00+08:00", &a, false),
        side("rb", "2024-05-02T10:00:00+08:00", &b, false),
        side("rc", "2024-05-03T10:00:00+08:00", &c, false),
    ];
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let first = merge(Some((&b0, false)), &sides);
    assert_eq!(first.conflicts.len(), 1);
    assert_eq!(first.case.intro.basics, "B", "the latest side is shown");
    assert_eq!(first.case.results, "B 的成果");
    assert_eq!(first.case.lessons, "C 的启示");
    for o in orders {
        let s: Vec<Side> = o.iter().map(|&i| sides[i]).collect();
        assert_eq!(merge(Some((&b0, false)), &s), first);
    }
}

#[test]
fn a_carried_conflict_stays_open_with_every_value() {
    let b0 = base();
    let mut a = b0.clone();
    a.intro.basics = "A".into();
    let mut b = b0.clone();
    b.intro.basics = "B".into();
    let m = merge(
        Some((&b0, false)),
        &[side("ra", "1", &a, false), side("rb", "2", &b, false)],
    );
    // Office X edits another field on top of the conflicted merge; office Y edits yet another.
    let mut x = m.case.clone();
    x.lessons = "X".into();
    let mut y = m.case.clone();
    y.opinion = "Y".into();
    let carried = m.conflicts.clone();
    let sides = [
        Side {
            rev: "rx",
            office: "x",
            at: "3",
            case: &x,
            deleted: false,
            carried: &carried,
        },
        side("ry", "4", &y, false),
    ];
    let m2 = merge(Some((&m.case, false)), &sides);
    assert_eq!(m2.case.lessons, "X");
    assert_eq!(m2.case.opinion, "Y");
    assert_eq!(m2.conflicts.len(), 1);
    let values: Vec<&Value> = m2.conflicts[0].choices.iter().map(|c| &c.value).collect();
    assert_eq!(values, vec![&json!("A"), &json!("B")]);
}

#[test]
fn changed_fields_and_display() {
    let b0 = base();
    let mut a = b0.clone();
    a.intro.basics = "新".into();
    a.media.photo = Some(pic('p', ""));
    let f = merge::changed_fields(Some((&b0, false)), (&a, false));
    assert_eq!(f, vec!["intro.basics", "media.photo"]);
    assert_eq!(merge::label("media.photo"), "个人形象照片");
    assert_eq!(
        merge::display("media.photo", &json!({"file_name": "p.jpg"})),
        "p.jpg"
    );
    assert_eq!(merge::word_count(&json!("李明 abc")), 3);
}

#[test]
fn a_first_revision_names_only_what_was_typed() {
    // A new case holds defaults (0 for 视频大小, false, empty lists): they are not "changed".
    let mut c = Case::new();
    c.person.name = "李明".into();
    let f = merge::changed_fields(None, (&c, false));
    assert_eq!(f, vec!["person.name"], "{f:?}");
}
