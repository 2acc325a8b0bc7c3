//! From the flat model of a document to the fields of a case: the upper table by its labels,
//! the four sections by their headings, 典型做法 split into items, the opinion up to the
//! signature, pictures with their captions. Everything not found or not certain goes into the
//! report; nothing is guessed silently.
//!
//! A file tianbao generated ("own") is read strictly by the structure the writer prints (bold
//! leads, 黑体 headings, the label column), so that every case reads back as written; any other
//! file is read by the looser rules of hand-typed forms.

use super::body::{Align, Body, Para};
use super::fields::{self, is_space, norm, norm_bare, strip_label};
use super::{Hints, ReadReport};
use crate::campaign::Campaign;
use crate::dicts::Dicts;
use crate::model::{Case, Practice, Status};
use crate::sections::{chinese_ordinal, FEATURE_LABEL, TITLE_LABEL};

/// The fields of the upper table: key, printed label, other labels seen in hand-made forms.
const FIELDS: &[(&str, &str, &[&str])] = &[
    ("name", "姓名", &[]),
    ("birth", "出生年月", &["出生日期", "出生年月日", "出生时间"]),
    ("ethnicity", "民族", &[]),
    ("political", "政治面貌", &[]),
    ("region", "所在地区", &["所在地", "地区", "所在地址"]),
    ("field", "直播领域", &["从事直播领域", "主营领域"]),
    ("team", "团队规模（人）", &["团队人数", "团队规模"]),
    ("platforms", "直播平台", &["主要直播平台"]),
    ("account", "直播账号名称", &["直播账号", "账号名称"]),
    ("followers", "当前粉丝量", &["粉丝量", "粉丝数", "粉丝数量"]),
    (
        "years",
        "直播从业时间（年）",
        &["从业时间", "直播从业时间", "从业年限"],
    ),
    ("revenue", "年营业额（万元）", &["年营业额", "年销售额"]),
    (
        "phone",
        "联系方式",
        &["联系电话", "手机号码", "本人联系方式"],
    ),
    ("unit", "推荐单位", &[]),
    ("leader", "推荐单位负责人", &["负责人"]),
    ("unit_phone", "推荐单位联系方式", &["推荐单位联系电话"]),
    ("title", "案例名称", &[]),
    ("feature", "案例特点", &[]),
];

/// What a label found in the upper part says about a field.
#[derive(Default)]
struct Found {
    /// key → value (possibly empty).
    values: Vec<(&'static str, String)>,
}

impl Found {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
    fn set(&mut self, key: &'static str, v: String) {
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            // A second cell with the same label only fills a value still empty.
            Some((_, old)) => {
                if old.trim().is_empty() {
                    *old = v
                }
            }
            None => self.values.push((key, v)),
        }
    }
}

/// The label (and, when in the same cell, the value) a piece of text starts with: the
/// longest label that matches, so "推荐单位联系方式" is not "推荐单位".
fn match_label(text: &str) -> Option<(&'static str, &'static str, String)> {
    let mut best: Option<(&'static str, &'static str, String, usize)> = None;
    for (key, label, aliases) in FIELDS {
        for l in std::iter::once(label).chain(aliases.iter()) {
            let n = norm_bare(l).chars().count();
            let hit = if norm_bare(text) == norm_bare(l) {
                Some(String::new())
            } else {
                strip_label(text, l).map(str::to_string)
            };
            if let Some(v) = hit {
                if best.as_ref().is_none_or(|b| n > b.3) {
                    best = Some((key, label, v, n));
                }
            }
        }
    }
    best.map(|(k, l, v, _)| (k, l, v))
}

/// One "cell" of the upper part: a table cell or a paragraph outside tables.
struct Slot {
    text: String,
}

/// Section keys in order: 一 … 四.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sec {
    Intro,
    Practices,
    Results,
    Lessons,
}

const SECS: [Sec; 4] = [Sec::Intro, Sec::Practices, Sec::Results, Sec::Lessons];

fn sec_words(s: Sec) -> &'static [&'static str] {
    match s {
        Sec::Intro => &["简介", "基本情况", "案例内容"],
        Sec::Practices => &["做法"],
        Sec::Results => &["成果", "贡献", "成效"],
        Sec::Lessons => &["经验", "启示"],
    }
}

/// The number a leading numeral stands for: "一"…"二十", "1"…"99".
fn numeral(s: &str) -> Option<(usize, usize)> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() && digits.len() <= 2 {
        return Some((digits.parse().ok()?, digits.len()));
    }
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let cs: Vec<char> = s.chars().take(3).collect();
    let val = |c: char| D.iter().position(|&d| d == c);
    let len8 = |n: usize| cs[..n].iter().map(|c| c.len_utf8()).sum::<usize>();
    match cs.as_slice() {
        ['十', b, ..] if val(*b).is_some_and(|v| v > 0) => Some((10 + val(*b)?, len8(2))),
        [a, '十', b, ..] if val(*a).is_some_and(|v| v > 1) && val(*b).is_some_and(|v| v > 0) => {
            Some((val(*a)? * 10 + val(*b)?, len8(3)))
        }
        [a, '十', ..] if val(*a).is_some_and(|v| v > 1) => Some((val(*a)? * 10, len8(2))),
        ['十', ..] => Some((10, len8(1))),
        [a, ..] if val(*a).is_some_and(|v| v > 0) => Some((val(*a)?, len8(1))),
        _ => None,
    }
}

/// A section heading: "一、案例内容简介（不超过 400 字）", "二、典型做法", "三．成果贡献"… or the
/// name alone ("经验启示"). Own files: the heading is in 黑体.
fn heading_of(p: &Para, own: bool) -> Option<Sec> {
    let text = p.text();
    let t: String = text.chars().filter(|&c| !is_space(c)).collect();
    if t.is_empty() || !p.pics.is_empty() {
        return None;
    }
    if own
        && !p
            .runs
            .first()
            .is_some_and(|r| r.east.as_deref() == Some(super::super::layout::HEI))
    {
        return None;
    }
    let bare = norm_bare(&t);
    if bare.chars().count() > 24 {
        return None;
    }
    if let Some((n, len)) = numeral(&bare) {
        let rest = &bare[len..];
        let rest = rest
            .strip_prefix('、')
            .or_else(|| rest.strip_prefix('．'))
            .or_else(|| rest.strip_prefix('.'))?;
        let sec = *SECS.get(n.checked_sub(1)?)?;
        return sec_words(sec)
            .iter()
            .any(|w| rest.contains(w))
            .then_some(sec);
    }
    SECS.into_iter().find(|&s| {
        matches!(
            (s, bare.as_str()),
            (Sec::Intro, "案例内容简介")
                | (Sec::Practices, "典型做法")
                | (Sec::Results, "成果贡献")
                | (Sec::Lessons, "经验启示")
        )
    })
}

/// Where each paragraph of the body belongs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Zone {
    Upper,
    /// The 案例简介 label, the activity name above the first heading.
    Frame,
    Section(Sec),
    Opinion,
    /// 推荐单位：…, 年 月 日 and after.
    Tail,
}

fn is_opinion_label(body: &Body, i: usize, own: bool) -> Option<String> {
    let p = &body.paras[i];
    let text = p.text();
    let cell = p.place.cell.map(|c| &body.cells[c]);
    if own && cell.is_none_or(|c| c.col != 0) {
        return None;
    }
    if let Some(c) = cell {
        // The label is the cell's own text, not a line inside a longer cell.
        if c.col != 0 && c.paras.len() > 1 && c.paras.first() != Some(&i) {
            return None;
        }
    }
    if norm_bare(&text) == "推荐单位意见" {
        return Some(String::new());
    }
    if own {
        return None;
    }
    let v = strip_label(&text, "推荐单位意见")?;
    Some(v.to_string())
}

fn is_intro_label(body: &Body, i: usize) -> bool {
    let p = &body.paras[i];
    p.place.cell.is_some_and(|c| body.cells[c].col == 0) && norm(&p.text()) == "案例简介"
}

fn is_signature(p: &Para, own: bool) -> bool {
    let t: String = p.text().chars().filter(|&c| !is_space(c)).collect();
    if own && p.align != Align::Right {
        return false;
    }
    t.starts_with("推荐单位：")
        || t.starts_with("推荐单位:")
        || t.starts_with("推荐单位（盖章）")
        || t.starts_with("推荐单位(盖章)")
        || (t == "推荐单位" && !own)
}

fn is_date_line(p: &Para) -> bool {
    let t: String = p.text().chars().filter(|&c| !is_space(c)).collect();
    t == "年月日"
        || (t.ends_with('日') && t.contains('年') && t.contains('月') && t.chars().count() <= 12)
}

/// Reads the case out of a parsed body.
pub(crate) struct Reading<'a> {
    pub body: &'a Body,
    pub own: bool,
    pub hints: &'a Hints,
    pub campaign: &'a Campaign,
    pub dicts: &'a Dicts,
    pub draft_mark: bool,
}

/// A picture found: the paragraph it is in, its relationship id, its caption.
pub(crate) struct FoundPicture {
    pub rid: String,
    pub linked: bool,
    pub caption: String,
    pub upper: bool,
}

impl Reading<'_> {
    pub fn read(&self, case: &mut Case, report: &mut ReadReport) -> Vec<FoundPicture> {
        let body = self.body;
        let (zones, seen, opinion_seen) = self.zones(report);
        // ---- pictures and their captions ----
        let mut captions = vec![false; body.paras.len()];
        let mut pictures = Vec::new();
        for (i, p) in body.paras.iter().enumerate() {
            for (k, pic) in p.pics.iter().enumerate() {
                let last = k + 1 == p.pics.len();
                let caption = if last {
                    self.caption_after(i, pictures.len() + 1)
                } else {
                    None
                };
                let text = caption.map(|(j, c)| {
                    captions[j] = true;
                    c
                });
                pictures.push(FoundPicture {
                    rid: pic.rid.clone(),
                    linked: pic.linked,
                    caption: text.unwrap_or_default(),
                    upper: zones[i] == Zone::Upper,
                });
            }
        }
        // ---- upper table ----
        let found = self.upper(&zones);
        self.apply_upper(&found, case, report);
        // ---- sections ----
        let mut per: [Vec<usize>; 4] = Default::default();
        let mut opinion = Vec::new();
        let mut frame_text = Vec::new();
        for (i, z) in zones.iter().enumerate() {
            if captions[i] {
                continue;
            }
            match z {
                Zone::Section(s) => per[SECS.iter().position(|x| x == s).unwrap_or(0)].push(i),
                Zone::Opinion => opinion.push(i),
                Zone::Frame => frame_text.push(i),
                _ => {}
            }
        }
        let any_heading = !seen.is_empty();
        if !any_heading {
            // No heading at all: the case text (between 案例简介 and the opinion) is kept in
            // 基本情况介绍 and the clerk is told to distribute it.
            let loose: Vec<usize> = frame_text
                .iter()
                .copied()
                .filter(|&i| {
                    !is_intro_label(body, i)
                        && !self.is_activity(i)
                        && is_opinion_label(body, i, self.own).is_none()
                })
                .collect();
            if loose.iter().any(|&i| !self.line(i).is_empty()) {
                report.note("案例简介中没有找到“一、案例内容简介”“二、典型做法”等小标题，全部文字已放入“基本情况介绍”，请分到各部分".to_string());
                per[0] = loose;
            }
        }
        self.intro(&per[0], case, report, any_heading);
        self.practices(&per[1], case, report);
        case.results = self.joined(&per[2]);
        case.lessons = self.joined(&per[3]);
        for (k, (label, v)) in [
            ("三、成果贡献", &case.results),
            ("四、经验启示", &case.lessons),
        ]
        .iter()
        .enumerate()
        {
            let _ = k;
            report.field(label, !v.is_empty());
        }
        let inline: Vec<String> = zones
            .iter()
            .enumerate()
            .filter(|(_, z)| **z == Zone::Frame)
            .filter_map(|(i, _)| is_opinion_label(body, i, self.own))
            .filter(|v| !v.is_empty())
            .take(1)
            .collect();
        let rest = self.joined(&opinion);
        case.opinion = inline
            .into_iter()
            .chain((!rest.is_empty()).then_some(rest))
            .collect::<Vec<_>>()
            .join("\n");
        report.field("推荐单位意见", !case.opinion.is_empty());
        // A section whose heading is not in the file is missing, not blank.
        for (s, label) in [
            (Sec::Practices, "二、典型做法"),
            (Sec::Results, "三、成果贡献"),
            (Sec::Lessons, "四、经验启示"),
        ]
        .into_iter()
        .map(|(s, l)| (Some(s), l))
        .chain([(None, "推荐单位意见")])
        {
            let there = match s {
                Some(s) => seen.contains(&s),
                None => opinion_seen,
            };
            if !there {
                if let Some(k) = report.empty.iter().position(|e| e == label) {
                    report.empty.remove(k);
                    report.missing.push(label.to_string());
                }
            }
        }
        case.status = if self.own && !self.draft_mark {
            Status::Ready
        } else {
            Status::Draft
        };
        pictures
    }

    /// A paragraph's text, trimmed as the writer trims printed lines.
    fn line(&self, i: usize) -> String {
        self.body.paras[i].text().trim().to_string()
    }

    fn joined(&self, idx: &[usize]) -> String {
        idx.iter()
            .map(|&i| self.line(i))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn is_activity(&self, i: usize) -> bool {
        norm(&self.body.paras[i].text()) == norm(&self.campaign.activity_name)
            || norm(&self.body.paras[i].text()).ends_with("农村直播电商优秀案例")
    }

    /// Assigns every paragraph to a zone.
    /// Also returns the headings seen and whether the opinion's label was.
    fn zones(&self, report: &mut ReadReport) -> (Vec<Zone>, Vec<Sec>, bool) {
        let body = self.body;
        let mut zones = Vec::with_capacity(body.paras.len());
        let mut zone = Zone::Upper;
        let mut seen: Vec<Sec> = Vec::new();
        let mut opinion_seen = false;
        let mut after_table_text = 0;
        for (i, p) in body.paras.iter().enumerate() {
            match zone {
                Zone::Upper | Zone::Frame | Zone::Section(_) => {
                    if let Some(s) = heading_of(p, self.own).filter(|s| !seen.contains(s)) {
                        seen.push(s);
                        zone = Zone::Section(s);
                        zones.push(Zone::Frame);
                        continue;
                    }
                    if is_opinion_label(body, i, self.own).is_some() {
                        opinion_seen = true;
                        zone = Zone::Opinion;
                        zones.push(Zone::Frame);
                        continue;
                    }
                    if zone == Zone::Upper && is_intro_label(body, i) {
                        zone = Zone::Frame;
                    }
                    zones.push(zone);
                }
                Zone::Opinion => {
                    if is_signature(p, self.own) {
                        zone = Zone::Tail;
                        zones.push(Zone::Tail);
                        continue;
                    }
                    zones.push(zone);
                }
                Zone::Tail => {
                    if !p.text().trim_matches(is_space).is_empty()
                        && !is_date_line(p)
                        && !(p.place.cell.is_some() && self.own)
                    {
                        after_table_text += 1;
                    }
                    zones.push(zone);
                }
            }
        }
        // A label "推荐单位意见：正文" in one cell: the text after the colon is the opinion's
        // first paragraph — handled by `opinion_inline`.
        if after_table_text > 0 {
            report.note(format!(
                "“年 月 日”之后还有 {after_table_text} 段文字，不属于推荐表的栏目，未导入"
            ));
        }
        if !seen.is_empty() {
            let missing: Vec<&str> = SECS
                .iter()
                .zip([
                    "一、案例内容简介",
                    "二、典型做法",
                    "三、成果贡献",
                    "四、经验启示",
                ])
                .filter(|(s, _)| !seen.contains(s))
                .map(|(_, h)| h)
                .collect();
            if !missing.is_empty() {
                report.note(format!("没有找到小标题：{}", missing.join("、")));
            }
        }
        (zones, seen, opinion_seen)
    }

    /// The caption of picture number `n` in paragraph `i`: the next paragraph, when it is a
    /// short line without pictures that starts with "图" (or, in hand-made forms, is centered).
    fn caption_after(&self, i: usize, n: usize) -> Option<(usize, String)> {
        let next = self.body.paras.get(i + 1)?;
        if !next.pics.is_empty() {
            return None;
        }
        let text = next.text();
        let t = text.trim();
        if t.is_empty() || t.chars().count() > 120 {
            return None;
        }
        if self.own {
            let prefix = format!("图{n}");
            let rest = t.strip_prefix(&prefix)?;
            return Some((i + 1, rest.trim_start_matches('\u{3000}').to_string()));
        }
        if let Some(rest) = t.strip_prefix('图') {
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || is_space(c));
            let rest = rest.trim_start_matches(['：', ':', '、', '.', '．', '-', '—']);
            return Some((i + 1, rest.trim_matches(is_space).to_string()));
        }
        if next.align == Align::Center && t.chars().count() <= 60 {
            return Some((i + 1, t.to_string()));
        }
        None
    }

    /// Label → value over the upper part (table rows and loose paragraphs before the case text).
    fn upper(&self, zones: &[Zone]) -> Found {
        let body = self.body;
        let mut found = Found::default();
        let upper = |i: usize| zones.get(i) == Some(&Zone::Upper);
        let mut rows: Vec<Vec<Slot>> = Vec::new();
        for row in &body.rows {
            let cells: Vec<Slot> = row
                .cells
                .iter()
                .filter(|&&c| !body.cells[c].vmerge_continue)
                .filter(|&&c| body.cells[c].paras.iter().all(|&p| upper(p)))
                .filter(|&&c| !body.cells[c].paras.is_empty())
                .map(|&c| Slot {
                    text: body.cell_text(c),
                })
                .collect();
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
        for (i, p) in body.paras.iter().enumerate() {
            if p.place.cell.is_none() && upper(i) {
                rows.push(vec![Slot { text: p.text() }]);
            }
        }
        for cells in rows {
            let mut i = 0;
            while i < cells.len() {
                let Some((key, _, inline)) = match_label(&cells[i].text) else {
                    i += 1;
                    continue;
                };
                if !inline.is_empty() {
                    found.set(key, inline);
                    i += 1;
                    continue;
                }
                if self.own {
                    let v = cells.get(i + 1).map(|s| s.text.clone()).unwrap_or_default();
                    found.set(key, v);
                    i += 2;
                    continue;
                }
                // The next non-empty cell, unless it is a label itself.
                let mut j = i + 1;
                while j < cells.len() && cells[j].text.trim_matches(is_space).is_empty() {
                    j += 1;
                }
                match cells.get(j) {
                    Some(s) if match_label(&s.text).is_none() => {
                        found.set(key, s.text.clone());
                        i = j + 1;
                    }
                    _ => {
                        found.set(key, String::new());
                        i = j;
                    }
                }
            }
        }
        found
    }

    fn apply_upper(&self, found: &Found, case: &mut Case, report: &mut ReadReport) {
        let d = self.dicts;
        let get = |k: &str| {
            found.get(k).map(|v| {
                let v = v.trim();
                // The blank pattern printed for an empty 所在地区 is no value.
                if k == "region" && fields::is_region_template(v) {
                    String::new()
                } else {
                    v.to_string()
                }
            })
        };
        for (key, label, _) in FIELDS {
            if matches!(*key, "title" | "feature") {
                continue;
            }
            let v = get(key);
            match &v {
                None => report.missing.push(label.to_string()),
                Some(s) if s.is_empty() => report.empty.push(label.to_string()),
                Some(_) => report.found.push(label.to_string()),
            }
            let v = v.unwrap_or_default();
            if v.is_empty() {
                continue;
            }
            match *key {
                "name" => case.person.name = v,
                "birth" => {
                    let hinted = self.hints.birth.as_ref().filter(|(y, m)| {
                        let mut c = Case::default();
                        c.person.birth_year = y.clone();
                        c.person.birth_month = m.clone();
                        super::super::layout::birth(&c).trim() == v
                    });
                    if let Some((y, m)) = hinted {
                        case.person.birth_year = y.clone();
                        case.person.birth_month = m.clone();
                    } else if let Some((y, m)) = fields::parse_birth(&v) {
                        case.person.birth_year = y;
                        case.person.birth_month = m;
                    } else {
                        report.note(format!(
                            "出生年月“{v}”无法识别（应如 1990年5月），已原样放入出生年份，请改正"
                        ));
                        case.person.birth_year = v;
                    }
                }
                "ethnicity" if self.own => case.person.ethnicity = v,
                // The writer breaks a long 政治面貌 into two even lines.
                "political" if self.own => case.person.political_status = v.replace('\n', ""),
                "ethnicity" => {
                    let (e, ok) = fields::ethnicity(&v, d);
                    if !ok {
                        report.note(format!("民族“{v}”不在 56 个民族的名称中，已原样保留"));
                    }
                    case.person.ethnicity = e;
                }
                "political" => {
                    let v = v.replace('\n', "");
                    let (e, ok) = fields::political(&v, d);
                    if !ok {
                        report.note(format!("政治面貌“{v}”不是规范名称，已原样保留"));
                    }
                    case.person.political_status = e;
                }
                "region" => {
                    let hinted = self.hints.region.as_ref().filter(|r| {
                        let c = Case {
                            region: (*r).clone(),
                            ..Case::default()
                        };
                        super::super::layout::region(&c).trim() == v
                    });
                    if let Some(r) = hinted {
                        case.region = r.clone();
                    } else {
                        let (r, notes) = fields::split_region(&v, d);
                        for n in notes {
                            report.note(n);
                        }
                        case.region = r;
                    }
                }
                "field" => case.business.field = v,
                "team" => case.business.team_size = v,
                "platforms" => {
                    let hinted = self.hints.platforms.as_ref().filter(|(p, o)| {
                        let mut c = Case::default();
                        c.business.platforms = p.clone();
                        c.business.platform_other = o.clone();
                        super::super::layout::platforms(&c).trim() == v
                    });
                    let (p, o) = match hinted {
                        Some(h) => h.clone(),
                        None => fields::platforms(&v, d),
                    };
                    case.business.platforms = p;
                    case.business.platform_other = o;
                }
                "account" => case.business.account_name = v,
                "followers" => case.business.followers = v,
                "years" => case.business.years = v,
                "revenue" => case.business.annual_revenue = v,
                "phone" => case.person.phone = v,
                "unit" => case.recommender.unit = v,
                "leader" => case.recommender.leader = v,
                "unit_phone" => case.recommender.phone = v,
                _ => {}
            }
        }
        for (key, label) in [
            ("followers", "当前粉丝量"),
            ("team", "团队规模（人）"),
            ("years", "直播从业时间（年）"),
            ("revenue", "年营业额（万元）"),
        ] {
            if let Some(v) = get(key).filter(|v| !v.is_empty()) {
                if crate::validate::parse_number(&v) == crate::validate::Parsed::Invalid {
                    report.note(format!("{label}“{v}”不是数字，已原样保留，请改正"));
                }
            }
        }
        if let Some(t) = get("title").filter(|t| !t.is_empty()) {
            case.intro.title = t;
        }
        if let Some(t) = get("feature").filter(|t| !t.is_empty()) {
            case.intro.feature = t;
        }
    }

    /// Section 一: 案例名称, 基本情况介绍, 案例特点.
    fn intro(&self, idx: &[usize], case: &mut Case, report: &mut ReadReport, headed: bool) {
        let mut basics = Vec::new();
        let mut k = 0;
        while k < idx.len() {
            let i = idx[k];
            let p = &self.body.paras[i];
            let line = self.line(i);
            k += 1;
            if line.is_empty() {
                continue;
            }
            let lead = bold_lead(p);
            if self.own {
                if lead == TITLE_LABEL && case.intro.title.is_empty() {
                    case.intro.title = rest_after_bold(p).trim().to_string();
                    continue;
                }
                if lead == FEATURE_LABEL {
                    case.intro.feature = rest_after_bold(p).trim().to_string();
                    continue;
                }
                if (line.starts_with("案例特点") || line.starts_with("案例特色"))
                    && idx[k..].iter().all(|&j| self.line(j).is_empty())
                {
                    case.intro.feature = line;
                    continue;
                }
                basics.push(line);
                continue;
            }
            if case.intro.title.is_empty() {
                if let Some(v) = strip_label(&line, "案例名称") {
                    if v.is_empty() {
                        // The name on the next line.
                        if let Some(&j) = idx.get(k) {
                            case.intro.title = self.line(j);
                            k += 1;
                        }
                    } else {
                        case.intro.title = v.to_string();
                    }
                    continue;
                }
            }
            if let Some(v) = strip_label(&line, "案例特点") {
                case.intro.feature = v.to_string();
                continue;
            }
            if line.starts_with("案例特色") {
                case.intro.feature = line;
                continue;
            }
            basics.push(line);
        }
        case.intro.basics = basics.join("\n");
        if headed || !case.intro.basics.is_empty() {
            report.field("案例名称", !case.intro.title.is_empty());
            report.field("基本情况介绍", !case.intro.basics.is_empty());
            report.field("案例特点", !case.intro.feature.is_empty());
        } else {
            report.missing.push("一、案例内容简介".into());
        }
    }

    /// Section 二: the items of 典型做法.
    fn practices(&self, idx: &[usize], case: &mut Case, report: &mut ReadReport) {
        let paras: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| !self.line(i).is_empty())
            .collect();
        let mut items: Vec<Practice> = Vec::new();
        if paras.is_empty() {
            case.practices = items;
            report.field("二、典型做法", false);
            return;
        }
        let own = self.own;
        // Marker mode: paragraphs that begin with the next number.
        let marker_of = |i: usize, n: usize| -> Option<usize> {
            let p = &self.body.paras[i];
            let text = p.text();
            let t = text.trim_start_matches(is_space);
            if own {
                let ord = chinese_ordinal(n);
                return (t.starts_with(&ord) && p.runs.first().is_some_and(|r| r.bold))
                    .then_some(text.len() - t.len() + ord.len());
            }
            item_marker(t, n).map(|l| text.len() - t.len() + l)
        };
        let marked = paras.iter().any(|&i| marker_of(i, 1).is_some());
        let mut no_highlight = Vec::new();
        let mut preamble = Vec::new();
        if marked {
            let mut n = 1;
            for &i in &paras {
                if let Some(skip) = marker_of(i, n) {
                    let (h, t) = split_highlight(&self.body.paras[i], skip);
                    items.push(Practice {
                        highlight: h,
                        text: t,
                    });
                    n += 1;
                } else if let Some(last) = items.last_mut() {
                    push_line(&mut last.text, &self.line(i));
                } else {
                    preamble.push(self.line(i));
                }
            }
        } else if !own && has_shi_markers(&paras.iter().map(|&i| self.line(i)).collect::<Vec<_>>())
        {
            // "一是……二是……三是……", within or across paragraphs.
            let mut n = 1;
            for &i in &paras {
                let line = self.line(i);
                let mut rest = line.as_str();
                loop {
                    let marker = format!("{}是", cn_digit(n));
                    match rest.find(&marker) {
                        Some(at) => {
                            let before = rest[..at].trim_matches(is_space);
                            if !before.is_empty() {
                                match items.last_mut() {
                                    Some(last) => last.text.push_str(before),
                                    None => preamble.push(before.to_string()),
                                }
                            }
                            items.push(Practice::default());
                            rest = &rest[at + marker.len()..];
                            n += 1;
                        }
                        None => {
                            let r = rest.trim_matches(is_space);
                            if !r.is_empty() {
                                match items.last_mut() {
                                    Some(last) if !last.text.is_empty() => {
                                        push_line(&mut last.text, r)
                                    }
                                    Some(last) => last.text.push_str(r),
                                    None => preamble.push(r.to_string()),
                                }
                            }
                            break;
                        }
                    }
                }
            }
            for it in items.iter_mut() {
                it.text = it.text.trim_matches(is_space).to_string();
            }
        } else if !own
            && paras
                .iter()
                .any(|&i| self.body.paras[i].runs.first().is_some_and(|r| r.bold))
        {
            // Paragraphs with a bold first sentence start the items.
            for &i in &paras {
                let p = &self.body.paras[i];
                if p.runs.first().is_some_and(|r| r.bold) {
                    let (h, t) = split_highlight(p, 0);
                    items.push(Practice {
                        highlight: h,
                        text: t,
                    });
                } else if let Some(last) = items.last_mut() {
                    push_line(&mut last.text, &self.line(i));
                } else {
                    preamble.push(self.line(i));
                }
            }
        } else {
            items = paras
                .iter()
                .map(|&i| Practice {
                    highlight: String::new(),
                    text: self.line(i),
                })
                .collect();
            if !own && items.len() > 1 {
                report.note(format!(
                    "典型做法没有编号（如“（一）”“1.”“一是”）也没有加粗的亮点句，已按段落分为 {} 条，请核对",
                    items.len()
                ));
            }
        }
        if !preamble.is_empty() {
            report.note(
                "典型做法第一条之前的一段文字没有编号，已作为单独的一条放在最前，请核对"
                    .to_string(),
            );
            items.insert(
                0,
                Practice {
                    highlight: String::new(),
                    text: preamble.join("\n"),
                },
            );
        }
        for (k, it) in items.iter().enumerate() {
            if it.highlight.is_empty() && !own {
                no_highlight.push(k + 1);
            }
        }
        if !no_highlight.is_empty() && !items.is_empty() {
            report.note(format!(
                "典型做法第 {} 条没有加粗的亮点句，已全部作为正文；请在编辑时补写亮点",
                no_highlight
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        report.field("二、典型做法", !items.is_empty());
        case.practices = items;
    }
}

fn push_line(text: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

fn cn_digit(n: usize) -> String {
    let o = chinese_ordinal(n);
    o.trim_start_matches('（')
        .trim_end_matches('）')
        .to_string()
}

fn has_shi_markers(lines: &[String]) -> bool {
    let all = lines.concat();
    all.contains("一是") && all.contains("二是")
}

/// The length in bytes of the item marker for number `n` at the start of `t`: "（一）", "(一)",
/// "（1）", "1.", "1．", "1、", "一、", "一是" is not a marker here.
fn item_marker(t: &str, n: usize) -> Option<usize> {
    let (open, t2) = match t.strip_prefix('（').or_else(|| t.strip_prefix('(')) {
        Some(r) => (t.len() - r.len(), r),
        None => (0, t),
    };
    let (num, len) = numeral(t2)?;
    if num != n {
        return None;
    }
    let after = &t2[len..];
    let close = if open > 0 {
        after
            .strip_prefix('）')
            .or_else(|| after.strip_prefix(')'))
            .map(|r| after.len() - r.len())?
    } else {
        let r = after
            .strip_prefix('.')
            .or_else(|| after.strip_prefix('．'))
            .or_else(|| after.strip_prefix('、'))?;
        // "1.5 万" is a number, not a marker.
        if r.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        after.len() - r.len()
    };
    Some(open + len + close)
}

/// The bold text at the start of a paragraph.
fn bold_lead(p: &Para) -> String {
    p.runs
        .iter()
        .take_while(|r| r.bold)
        .map(|r| r.text.as_str())
        .collect()
}

fn rest_after_bold(p: &Para) -> String {
    p.runs
        .iter()
        .skip_while(|r| r.bold)
        .map(|r| r.text.as_str())
        .collect()
}

/// Splits an item's paragraph after its marker (`skip` bytes) into the bold highlight and the
/// rest.
fn split_highlight(p: &Para, skip: usize) -> (String, String) {
    let mut h = String::new();
    let mut t = String::new();
    let mut at = 0;
    let mut in_lead = true;
    for r in &p.runs {
        let start = at;
        at += r.text.len();
        let piece = if at <= skip {
            continue;
        } else if start < skip {
            &r.text[skip - start..]
        } else {
            &r.text[..]
        };
        if in_lead && r.bold {
            h.push_str(piece);
        } else {
            in_lead = false;
            t.push_str(piece);
        }
    }
    (h.trim().to_string(), t.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_and_markers() {
        assert_eq!(numeral("一、"), Some((1, 3)));
        assert_eq!(numeral("十二"), Some((12, 6)));
        assert_eq!(numeral("二十"), Some((20, 6)));
        assert_eq!(numeral("12."), Some((12, 2)));
        assert_eq!(item_marker("（一）搭建平台", 1), Some("（一）".len()));
        assert_eq!(item_marker("(2)搭建", 2), Some(3));
        assert_eq!(item_marker("1.搭建", 1), Some(2));
        assert_eq!(item_marker("1、搭建", 1), Some(4));
        assert_eq!(item_marker("1.5万粉丝", 1), None);
        assert_eq!(item_marker("（二）搭建", 1), None);
        assert_eq!(item_marker("一、搭建", 1), Some(6));
    }

    #[test]
    fn labels_prefer_the_longest() {
        assert_eq!(match_label("推荐单位联系方式").unwrap().0, "unit_phone");
        assert_eq!(match_label("推荐单位\n负责人").unwrap().0, "leader");
        assert_eq!(match_label("推荐单位").unwrap().0, "unit");
        assert_eq!(match_label("姓　名：李明").unwrap().2, "李明");
        assert_eq!(match_label("团队规模\n（人）").unwrap().0, "team");
        assert!(match_label("李明").is_none());
    }
}
