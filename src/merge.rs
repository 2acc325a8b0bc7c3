//! Merging versions of one case, field by field, against their common ancestor.
//!
//! A case is seen as a flat map of *fields* (its JSON paths: `person.name`, `practices.0.text`,
//! `media.pictures.<sha256>`, `business.platforms.<name>`, `_deleted`). Every side (a head
//! revision that the others have not seen) is compared with the common ancestor, field by field:
//!
//! - a field changed on one side only (or changed the same way on several) takes that value;
//! - a field changed differently on two sides is a [`Conflict`]: its base value and every
//!   competing value with the revisions and offices it came from, resolved later per field
//!   (mine / theirs / edited text). Until then the case shows the value of the latest side;
//! - without a common ancestor (the same person entered twice under two ids) a blank never
//!   wins over a filled field: only filled values compete;
//! - a deliberate clear (filled → blank on one side, unchanged on the other) is an edit like any
//!   other; cleared on one side and edited on the other is a conflict;
//! - pictures are keyed by their content hash (the same photo added on two devices is one
//!   picture; a picture added anywhere is kept); platforms are a set;
//! - 典型做法 items merge position by position;
//! - deleted (回收站) on one side and edited on the other is a conflict, not a silent loss;
//! - a conflict carried by a side (still open there) stays open, with every value seen.
//!
//! The result depends only on the set of sides, never on their order, so every office that has
//! seen the same revisions computes the same case and the same open conflicts.
//!
//! Pure: no database, no files.

use crate::model::{Case, CaseId, Status};
use crate::wordcount;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The pseudo-field for "in the 回收站".
pub const DELETED: &str = "_deleted";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MergeError {
    #[error("案例中没有字段“{0}”，无法按此字段处理冲突。")]
    UnknownField(String),
    #[error("字段“{label}”的值无法使用（{detail}）。")]
    BadValue { label: String, detail: String },
    #[error("字段“{label}”没有未解决的冲突。")]
    NoConflict { label: String },
}

/// One competing value of a conflicting field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: Value,
    /// The head revisions that hold this value.
    pub revs: Vec<String>,
    /// Their offices (for "台江县商务局的版本").
    pub offices: Vec<String>,
}

/// A field changed differently on two or more sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The field's path, e.g. `intro.basics`, `practices.1.text`, `media.photo`, `_deleted`.
    pub field: String,
    /// Its Chinese label, e.g. "基本情况介绍".
    pub label: String,
    /// The value at the common ancestor (`null` without one).
    pub base: Value,
    /// The competing values, at least two, sorted by their JSON text (order-independent).
    pub choices: Vec<Choice>,
}

impl Conflict {
    /// The choice whose revisions include `rev`, if any.
    pub fn choice_of(&self, rev: &str) -> Option<&Choice> {
        self.choices
            .iter()
            .find(|c| c.revs.iter().any(|r| r == rev))
    }
}

/// What a person reads of a field's value: the text, a file's name, 已删除/保留.
pub fn display(field: &str, v: &Value) -> String {
    match v {
        Value::Null => "（空）".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) if field == DELETED => if *b { "已删除" } else { "保留" }.into(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => {
            let name = o.get("file_name").and_then(Value::as_str).unwrap_or("");
            let caption = o.get("caption").and_then(Value::as_str).unwrap_or("");
            if !name.is_empty() && !caption.is_empty() {
                format!("{name}（{caption}）")
            } else if !name.is_empty() {
                name.to_string()
            } else {
                v.to_string()
            }
        }
        Value::Array(_) => v.to_string(),
    }
}

/// 字数 of a value as shown (0 for files and flags).
pub fn word_count(v: &Value) -> usize {
    match v {
        Value::String(s) => wordcount::count(s).words,
        _ => 0,
    }
}

/// One side of a merge: a head revision.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub rev: &'a str,
    pub office: &'a str,
    /// RFC 3339; the latest side's values are shown while a conflict is open.
    pub at: &'a str,
    pub case: &'a Case,
    pub deleted: bool,
    /// Conflicts still open at this revision.
    pub carried: &'a [Conflict],
}

/// The merged case.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub case: Case,
    pub deleted: bool,
    /// Open conflicts, sorted by field.
    pub conflicts: Vec<Conflict>,
}

/// A flat view of a case: field path → value.
pub type Fields = BTreeMap<String, Value>;

/// Keys whose value is one atom although it is a JSON object.
const ATOMS: &[&str] = &[
    "media.photo",
    "media.id_front",
    "media.id_back",
    "media.video.check",
];

/// Fields resolved silently (never a conflict): what nobody typed.
fn silent(field: &str) -> bool {
    matches!(
        field,
        "status" | "media.video.local_path" | "media.video.bytes" | "media.video.check"
    )
}

/// The flat fields of a case (the id is not a field).
pub fn flatten(case: &Case, deleted: bool) -> Fields {
    let v = serde_json::to_value(case).unwrap_or(Value::Null);
    let mut out = Fields::new();
    walk("", &v, &mut out);
    out.remove("id");
    out.insert(DELETED.into(), Value::Bool(deleted));
    out
}

fn walk(prefix: &str, v: &Value, out: &mut Fields) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match (prefix, v) {
        ("practices", Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk(&format!("practices.{i}"), item, out);
            }
        }
        ("business.platforms", Value::Array(items)) => {
            for p in items {
                if let Value::String(s) = p {
                    out.insert(format!("business.platforms.{s}"), Value::Bool(true));
                }
            }
        }
        ("media.pictures", Value::Array(items)) => {
            for a in items {
                let sha = a
                    .get("sha256")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                out.entry(format!("media.pictures.{sha}"))
                    .or_insert_with(|| a.clone());
            }
        }
        (p, Value::Object(map)) if !ATOMS.contains(&p) => {
            for (k, child) in map {
                walk(&join(k), child, out);
            }
        }
        _ => {
            out.insert(prefix.to_string(), v.clone());
        }
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A value a new case holds before anyone typed it: `false`, `0` (视频大小 and the like), an empty
/// list. Not "changed" in the first revision's history line.
fn unset_default(v: &Value) -> bool {
    match v {
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The value a side has for a field it does not hold: "" for 典型做法 text, else null.
fn missing(field: &str) -> Value {
    if field.starts_with("practices.") {
        Value::String(String::new())
    } else {
        Value::Null
    }
}

/// Builds a case from flat fields, ordering pictures and platforms as in `order` (latest first).
fn unflatten(id: CaseId, fields: &Fields, order: &[&Case]) -> Result<Case, MergeError> {
    let mut root = serde_json::to_value(Case::default()).unwrap_or(Value::Null);
    let mut practices: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
    let mut pictures: BTreeMap<String, Value> = BTreeMap::new();
    let mut platforms: BTreeSet<String> = BTreeSet::new();
    for (k, v) in fields {
        if k == DELETED {
            continue;
        }
        if let Some(rest) = k.strip_prefix("practices.") {
            let (i, f) = rest.split_once('.').unwrap_or((rest, ""));
            let i: usize = i.parse().map_err(|_| MergeError::UnknownField(k.clone()))?;
            practices
                .entry(i)
                .or_default()
                .insert(f.to_string(), v.clone());
        } else if let Some(sha) = k.strip_prefix("media.pictures.") {
            if !v.is_null() {
                pictures.insert(sha.to_string(), v.clone());
            }
        } else if let Some(p) = k.strip_prefix("business.platforms.") {
            if v == &Value::Bool(true) {
                platforms.insert(p.to_string());
            }
        } else {
            set_path(&mut root, k, v.clone());
        }
    }
    let len = practices.keys().next_back().map(|i| i + 1).unwrap_or(0);
    let items: Vec<Value> = (0..len)
        .map(|i| Value::Object(practices.remove(&i).unwrap_or_default()))
        .collect();
    set_path(&mut root, "practices", Value::Array(items));
    let mut pics = Vec::new();
    let mut plats = Vec::new();
    for c in order {
        for a in &c.media.pictures {
            if let Some(v) = pictures.remove(&a.sha256.to_ascii_lowercase()) {
                pics.push(v);
            }
        }
        for p in &c.business.platforms {
            if platforms.remove(p) {
                plats.push(Value::String(p.clone()));
            }
        }
    }
    pics.extend(pictures.into_values());
    plats.extend(platforms.into_iter().map(Value::String));
    set_path(&mut root, "media.pictures", Value::Array(pics));
    set_path(&mut root, "business.platforms", Value::Array(plats));
    let mut case: Case = serde_json::from_value(root).map_err(|e| MergeError::BadValue {
        label: "案例".into(),
        detail: e.to_string(),
    })?;
    case.id = id;
    Ok(case)
}

fn set_path(root: &mut Value, path: &str, v: Value) {
    let mut cur = root;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let map = cur.as_object_mut().expect("object");
        if i + 1 == parts.len() {
            map.insert(p.to_string(), v);
            return;
        }
        cur = map
            .entry(p.to_string())
            .or_insert(Value::Object(Map::new()));
    }
}

/// Merges the sides (head revisions of one case nobody has merged yet) against `base`, their
/// common ancestor (`None` when they have none: two ids of one person). Order-independent.
pub fn merge(base: Option<(&Case, bool)>, sides: &[Side]) -> Merged {
    assert!(!sides.is_empty(), "merge needs at least one side");
    // Latest first: (at, rev) descending. Ties of `at` are broken by the revision id.
    let mut by_latest: Vec<&Side> = sides.iter().collect();
    by_latest.sort_by(|a, b| (b.at, b.rev).cmp(&(a.at, a.rev)));
    let id = by_latest[0].case.id;
    let base_fields = base.map(|(c, d)| flatten(c, d));
    let side_fields: Vec<Fields> = by_latest
        .iter()
        .map(|s| flatten(s.case, s.deleted))
        .collect();
    let mut keys: BTreeSet<String> = side_fields.iter().flat_map(|f| f.keys().cloned()).collect();
    if let Some(b) = &base_fields {
        keys.extend(b.keys().cloned());
    }
    let mut carried: BTreeMap<String, Vec<&Conflict>> = BTreeMap::new();
    for s in &by_latest {
        for c in s.carried {
            carried.entry(c.field.clone()).or_default().push(c);
            keys.insert(c.field.clone());
        }
    }
    let mut out = Fields::new();
    let mut conflicts = Vec::new();
    for key in &keys {
        let get = |f: &Fields| f.get(key).cloned().unwrap_or_else(|| missing(key));
        let base_v = base_fields.as_ref().map(get);
        let vals: Vec<Value> = side_fields.iter().map(get).collect();
        // The competing values: with a base, those that differ from it; without one, the
        // filled ones (a blank never wins over a filled field).
        let competing: Vec<usize> = (0..vals.len())
            .filter(|&i| match &base_v {
                Some(b) => &vals[i] != b,
                None => !blank(&vals[i]),
            })
            .collect();
        let mut distinct: Vec<&Value> = Vec::new();
        for &i in &competing {
            if !distinct.contains(&&vals[i]) {
                distinct.push(&vals[i]);
            }
        }
        let winner = match distinct.len() {
            0 => base_v.clone().unwrap_or_else(|| vals[0].clone()),
            // The latest side's value; while in conflict, a filled value is shown over a blank.
            _ => (*distinct.iter().find(|v| !blank(v)).unwrap_or(&distinct[0])).clone(),
        };
        let carried_here = carried.get(key);
        if silent(key) || (distinct.len() <= 1 && carried_here.is_none()) {
            out.insert(key.clone(), winner);
            continue;
        }
        // A conflict: every competing value, plus what conflicts carried here held.
        let mut choices: Vec<Choice> = Vec::new();
        let mut add = |value: &Value, rev: &str, office: &str| match choices
            .iter_mut()
            .find(|c| &c.value == value)
        {
            Some(c) => {
                if !c.revs.iter().any(|r| r == rev) {
                    c.revs.push(rev.to_string());
                    c.offices.push(office.to_string());
                }
            }
            None => choices.push(Choice {
                value: value.clone(),
                revs: vec![rev.to_string()],
                offices: vec![office.to_string()],
            }),
        };
        for &i in &competing {
            add(&vals[i], by_latest[i].rev, by_latest[i].office);
        }
        let mut base_out = base_v.clone().unwrap_or(Value::Null);
        if let Some(cs) = carried_here {
            for c in cs {
                for ch in &c.choices {
                    for (r, o) in ch.revs.iter().zip(ch.offices.iter()) {
                        add(&ch.value, r, o);
                    }
                }
                if base_v.is_none() || base_out.is_null() {
                    base_out = c.base.clone();
                }
            }
            // The carrier's own current value competes too (it may be the one shown).
            for (i, s) in by_latest.iter().enumerate() {
                if s.carried.iter().any(|c| &c.field == key) {
                    add(&vals[i], s.rev, s.office);
                }
            }
        }
        if choices.len() < 2 {
            out.insert(key.clone(), winner);
            continue;
        }
        for c in choices.iter_mut() {
            let mut pairs: Vec<(String, String)> =
                c.revs.drain(..).zip(c.offices.drain(..)).collect();
            pairs.sort();
            pairs.dedup();
            (c.revs, c.offices) = pairs.into_iter().unzip();
        }
        choices.sort_by_key(|c| c.value.to_string());
        out.insert(key.clone(), winner);
        conflicts.push(Conflict {
            field: key.clone(),
            label: label(key),
            base: base_out,
            choices,
        });
    }
    // 典型做法: the number of items merges like a field; an item somebody filled is never cut.
    practice_len(base.map(|(c, _)| c), &by_latest, &mut out);
    // Deleted on one side, edited on another: a conflict, the case stays (nothing is lost).
    let deleted = out.get(DELETED) == Some(&Value::Bool(true));
    if deleted && !conflicts.iter().any(|c| c.field == DELETED) {
        let edited: Vec<usize> = (0..by_latest.len())
            .filter(|&i| !by_latest[i].deleted && content_changed(&base_fields, &side_fields[i]))
            .collect();
        if !edited.is_empty() {
            let mut del = Choice {
                value: Value::Bool(true),
                revs: vec![],
                offices: vec![],
            };
            let mut keep = Choice {
                value: Value::Bool(false),
                revs: vec![],
                offices: vec![],
            };
            for (i, s) in by_latest.iter().enumerate() {
                let c = if s.deleted {
                    &mut del
                } else if edited.contains(&i) {
                    &mut keep
                } else {
                    continue;
                };
                c.revs.push(s.rev.to_string());
                c.offices.push(s.office.to_string());
            }
            conflicts.push(Conflict {
                field: DELETED.into(),
                label: label(DELETED),
                base: Value::Bool(false),
                choices: vec![keep, del],
            });
        }
    }
    let mut deleted = out.get(DELETED) == Some(&Value::Bool(true));
    if conflicts.iter().any(|c| c.field == DELETED) {
        deleted = false;
        out.insert(DELETED.into(), Value::Bool(false));
    }
    conflicts.sort_by(|a, b| a.field.cmp(&b.field));
    let order: Vec<&Case> = by_latest.iter().map(|s| s.case).collect();
    let mut case = unflatten(id, &out, &order).unwrap_or_else(|_| by_latest[0].case.clone());
    if !conflicts.is_empty() {
        case.status = Status::Draft;
    }
    Merged {
        case,
        deleted,
        conflicts,
    }
}

fn content_changed(base: &Option<Fields>, side: &Fields) -> bool {
    let Some(base) = base else { return true };
    let keys: BTreeSet<&String> = base.keys().chain(side.keys()).collect();
    keys.into_iter()
        .filter(|k| *k != DELETED && !silent(k))
        .any(|k| {
            let m = missing(k);
            base.get(k).unwrap_or(&m) != side.get(k).unwrap_or(&m)
        })
}

fn practice_len(base: Option<&Case>, sides: &[&Side], out: &mut Fields) {
    let lens: Vec<usize> = sides.iter().map(|s| s.case.practices.len()).collect();
    let base_len = base.map(|c| c.practices.len());
    let mut changed: Vec<usize> = lens
        .iter()
        .copied()
        .filter(|l| Some(*l) != base_len)
        .collect();
    changed.sort();
    changed.dedup();
    let mut len = match (changed.len(), base_len) {
        (0, Some(b)) => b,
        (1, _) => changed[0],
        _ => lens.iter().copied().max().unwrap_or(0),
    };
    // Keep every item that holds text after the merge.
    let filled_max = out
        .iter()
        .filter(|(k, v)| k.starts_with("practices.") && !blank(v))
        .filter_map(|(k, _)| k.split('.').nth(1)?.parse::<usize>().ok())
        .max();
    if let Some(m) = filled_max {
        len = len.max(m + 1);
    }
    out.retain(|k, _| match k.strip_prefix("practices.") {
        Some(rest) => rest
            .split('.')
            .next()
            .and_then(|i| i.parse::<usize>().ok())
            .is_some_and(|i| i < len),
        None => true,
    });
    for i in 0..len {
        for f in ["highlight", "text"] {
            out.entry(format!("practices.{i}.{f}"))
                .or_insert_with(|| Value::String(String::new()));
        }
    }
}

/// Three-way merge of two versions (the usual case: mine and theirs) against their ancestor.
pub fn merge3(base: Option<&Case>, mine: &Case, theirs: &Case) -> Merged {
    let sides = [
        Side {
            rev: "mine",
            office: "mine",
            at: "1",
            case: mine,
            deleted: false,
            carried: &[],
        },
        Side {
            rev: "theirs",
            office: "theirs",
            at: "0",
            case: theirs,
            deleted: false,
            carried: &[],
        },
    ];
    merge(base.map(|b| (b, false)), &sides)
}

/// Sets one field of a case to `value` (a conflict's choice or an edited text).
pub fn set_field(
    case: &mut Case,
    deleted: &mut bool,
    field: &str,
    value: &Value,
) -> Result<(), MergeError> {
    let mut fields = flatten(case, *deleted);
    let known = fields.contains_key(field)
        || field.starts_with("media.pictures.")
        || field.starts_with("business.platforms.")
        || field.starts_with("practices.")
        || matches!(field, "media.photo" | "media.id_front" | "media.id_back");
    if !known {
        return Err(MergeError::UnknownField(field.to_string()));
    }
    if field == DELETED {
        *deleted = value == &Value::Bool(true);
        return Ok(());
    }
    fields.insert(field.to_string(), value.clone());
    let order = [&*case];
    let new = unflatten(case.id, &fields, &order).map_err(|e| match e {
        MergeError::BadValue { detail, .. } => MergeError::BadValue {
            label: label(field),
            detail,
        },
        e => e,
    })?;
    *case = new;
    Ok(())
}

/// The fields that differ between two versions (for the history: "改了 基本情况介绍、照片").
pub fn changed_fields(before: Option<(&Case, bool)>, after: (&Case, bool)) -> Vec<String> {
    let a = flatten(after.0, after.1);
    let Some((bc, bd)) = before else {
        return a
            .iter()
            .filter(|(k, v)| *k != DELETED && !blank(v) && !unset_default(v))
            .map(|(k, _)| k.clone())
            .filter(|k| k != "status")
            .collect();
    };
    let b = flatten(bc, bd);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| {
            let m = missing(k);
            a.get(*k).unwrap_or(&m) != b.get(*k).unwrap_or(&m)
        })
        .cloned()
        .collect()
}

/// The Chinese label of a field path.
pub fn label(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("practices.") {
        let (i, f) = rest.split_once('.').unwrap_or((rest, ""));
        let n = i.parse::<usize>().map(|i| i + 1).unwrap_or(0);
        let part = match f {
            "highlight" => "亮点",
            "text" => "内容",
            _ => f,
        };
        return format!("典型做法{}{part}", crate::sections::chinese_ordinal(n));
    }
    if let Some(sha) = field.strip_prefix("media.pictures.") {
        return format!("图片 {}", &sha[..sha.len().min(8)]);
    }
    if let Some(p) = field.strip_prefix("business.platforms.") {
        return format!("直播平台“{p}”");
    }
    let l = match field {
        DELETED => "删除（回收站）",
        "status" => "状态",
        "person.name" => "姓名",
        "person.birth_year" => "出生年份",
        "person.birth_month" => "出生月份",
        "person.ethnicity" => "民族",
        "person.political_status" => "政治面貌",
        "person.phone" => "联系方式",
        "region.province" => "省（区）",
        "region.city" => "市",
        "region.county" => "县（区）",
        "region.township" => "乡（镇）",
        "region.village" => "村",
        "business.field" => "直播领域",
        "business.team_size" => "团队规模",
        "business.platform_other" => "其他平台",
        "business.account_name" => "直播账号名称",
        "business.followers" => "当前粉丝量",
        "business.years" => "直播从业时间",
        "business.annual_revenue" => "年营业额",
        "recommender.unit" => "推荐单位",
        "recommender.leader" => "推荐单位负责人",
        "recommender.phone" => "推荐单位联系电话",
        "intro.title" => "案例名称",
        "intro.basics" => "基本情况介绍",
        "intro.feature" => "案例特点",
        "results" => "成果贡献",
        "lessons" => "经验启示",
        "opinion" => "推荐单位意见",
        "media.photo" => "个人形象照片",
        "media.id_front" => "身份证人像面",
        "media.id_back" => "身份证国徽面",
        "media.video.link" => "视频网盘链接",
        "media.video.code" => "提取码",
        "media.video.local_path" => "视频文件位置",
        "media.video.bytes" => "视频大小",
        "media.video.check" => "视频检查结果",
        "media.video.confirm_no_watermark" => "确认无水印",
        "media.video.confirm_no_ads" => "确认无广告",
        other => other,
    };
    l.to_string()
}

/// Why two cases (different ids) may be the same person: same 姓名 + 出生年月, or same 姓名 +
/// 县 + 联系方式. `None` when neither holds.
pub fn same_person(a: &Case, b: &Case) -> Option<String> {
    let norm = |s: &str| s.split_whitespace().collect::<String>();
    let name = norm(&a.person.name);
    if name.is_empty() || name != norm(&b.person.name) {
        return None;
    }
    let by = norm(&a.person.birth_year);
    let bm = norm(&a.person.birth_month)
        .trim_start_matches('0')
        .to_string();
    if !by.is_empty()
        && !bm.is_empty()
        && by == norm(&b.person.birth_year)
        && bm == norm(&b.person.birth_month).trim_start_matches('0')
    {
        return Some(format!("姓名“{name}”与出生年月 {by}年{bm}月 相同"));
    }
    let county = norm(&a.region.county);
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let phone = digits(&a.person.phone);
    if !county.is_empty()
        && phone.len() >= 7
        && county == norm(&b.region.county)
        && phone == digits(&b.person.phone)
    {
        return Some(format!("姓名“{name}”、县“{county}”与联系方式相同"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attachment, Practice};

    fn att(sha: char, name: &str) -> Attachment {
        Attachment {
            sha256: sha.to_string().repeat(64),
            file_name: name.into(),
            bytes: 10,
            format: "jpeg".into(),
            ..Default::default()
        }
    }

    #[test]
    fn flatten_round_trips() {
        let mut c = Case::new();
        c.person.name = "李明".into();
        c.business.platforms = vec!["抖音".into(), "快手".into()];
        c.practices = vec![
            Practice {
                highlight: "a".into(),
                text: "b".into(),
            },
            Practice::default(),
        ];
        c.media.pictures = vec![att('b', "2.jpg"), att('a', "1.jpg")];
        c.media.photo = Some(att('c', "p.jpg"));
        let f = flatten(&c, false);
        let back = unflatten(c.id, &f, &[&c]).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn set_field_sets_text_and_rejects_unknown() {
        let mut c = Case::new();
        let mut d = false;
        set_field(&mut c, &mut d, "intro.basics", &Value::String("x".into())).unwrap();
        assert_eq!(c.intro.basics, "x");
        assert!(set_field(&mut c, &mut d, "nope.field", &Value::Null).is_err());
        set_field(&mut c, &mut d, DELETED, &Value::Bool(true)).unwrap();
        assert!(d);
    }

    #[test]
    fn labels() {
        assert_eq!(label("practices.1.text"), "典型做法（二）内容");
        assert_eq!(label("intro.basics"), "基本情况介绍");
    }
}
