//! The case model: one case = one person's 推荐表 (附件1), field by field as in docs/FORM.md.
//!
//! Every field holds exactly what the clerk typed (numbers too: "12.5万" stays "12.5万"), so
//! nothing typed is ever lost or silently rewritten; parsing happens in `validate` and when
//! printing. Every struct is `#[serde(default)]` so older and newer JSON forms of a case load.
//!
//! The JSON form of a case (what `tianbao case export-json` writes and `import-json` reads) is
//! exactly the serde form of [`Case`]; see docs/CASE-JSON.md.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Stable identity of a case, kept across devices, bundles and merges.
pub type CaseId = Uuid;

/// Where a case stands in the clerk's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; may have errors.
    #[default]
    Draft,
    /// Marked 完成 by the clerk; only possible when validation reports no error.
    Ready,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "ready" => Some(Status::Ready),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Ready => "已完成",
        }
    }
}

/// 所在地区: 省（区） / 市 / 县 / 乡（镇） / 村.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Region {
    pub province: String,
    pub city: String,
    pub county: String,
    pub township: String,
    pub village: String,
}

impl Region {
    /// The one-line form printed in the 推荐表 and the 汇总表, e.g. "贵州省黔东南州台江县施洞镇偏寨村".
    pub fn one_line(&self) -> String {
        [
            &self.province,
            &self.city,
            &self.county,
            &self.township,
            &self.village,
        ]
        .iter()
        .map(|s| s.trim())
        .collect::<Vec<_>>()
        .concat()
    }
}

/// The person the case is about (one case = one person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Person {
    /// 姓名; minority names may contain "·".
    pub name: String,
    /// 出生年月: year as typed, e.g. "1990".
    pub birth_year: String,
    /// 出生年月: month as typed, "1".."12".
    pub birth_month: String,
    /// 民族, one of the 56 (assets/dicts).
    pub ethnicity: String,
    /// 政治面貌 (GB/T 4762 short forms, assets/dicts).
    pub political_status: String,
    /// 联系方式: mobile or landline.
    pub phone: String,
}

/// The live-commerce facts of the table's middle rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Business {
    /// 直播领域.
    pub field: String,
    /// 团队规模（人）, as typed.
    pub team_size: String,
    /// 直播平台: one or more of the dictionary's platforms.
    pub platforms: Vec<String>,
    /// Free text when 其他 is among the platforms.
    pub platform_other: String,
    /// 直播账号名称.
    pub account_name: String,
    /// 当前粉丝量, as typed: "86.5万", "865000".
    pub followers: String,
    /// 直播从业时间（年）, as typed.
    pub years: String,
    /// 年营业额（万元）, as typed.
    pub annual_revenue: String,
}

/// 推荐单位 block: the unit (e.g. ××县人民政府), its head and its phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Recommender {
    pub unit: String,
    pub leader: String,
    pub phone: String,
}

/// Section 一、案例内容简介.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Intro {
    /// 案例名称, e.g. "李明：助农直播让非物质文化遗产“活”起来".
    pub title: String,
    /// 基本情况介绍.
    pub basics: String,
    /// 案例特点 (一句话概括).
    pub feature: String,
}

/// One item of 二、典型做法: 每条经验做法单列一项，突出主要亮点.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Practice {
    /// The highlight, printed in bold after the number, e.g. "请传承人走进直播间，讲好非遗故事。".
    pub highlight: String,
    /// The body of the item.
    pub text: String,
}

/// A file the case carries (photo, ID scan side, picture). The bytes live in the app's own
/// content-addressed store under their SHA-256; the case keeps the reference and what the clerk
/// needs to see without opening the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Attachment {
    /// Lower-case hex SHA-256 of the original bytes (the blob's name in the store).
    pub sha256: String,
    /// The file name as the clerk picked it, e.g. "李明-形象照.jpg".
    pub file_name: String,
    pub bytes: u64,
    /// The format sniffed from the content ("jpeg", "png", "pdf", …), not from the extension.
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// Caption printed under a picture in the 推荐表 (pictures only).
    pub caption: String,
    /// A picture in a format the notice does not take (WebP, BMP — common from WeChat and
    /// phones) is kept byte-exact and a JPEG conversion is stored beside it: this one is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<Converted>,
}

impl Attachment {
    /// The SHA-256 of the file that is sent (submission package, ID scans, photo): the JPEG
    /// conversion when there is one, else the original.
    pub fn sent_sha256(&self) -> &str {
        match &self.converted {
            Some(c) if !c.sha256.is_empty() => &c.sha256,
            _ => &self.sha256,
        }
    }

    /// The SHA-256 of every stored file this attachment needs: the original and its conversion.
    pub fn stored_sha256s(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.sha256.as_str()).chain(
            self.converted
                .iter()
                .map(|c| c.sha256.as_str())
                .filter(|s| !s.is_empty()),
        )
    }
}

/// A JPEG made from an attached file in another format (in the same content-addressed store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Converted {
    pub sha256: String,
    pub bytes: u64,
    /// Always "jpeg".
    pub format: String,
}

/// The video: never copied into the app; its link, code, local path and check verdicts are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Video {
    /// 百度网盘 share link.
    pub link: String,
    /// 提取码.
    pub code: String,
    /// Path of the local file last checked (may be gone: a USB stick).
    pub local_path: String,
    pub bytes: u64,
    /// The last header check of the local file, as JSON (media::video report).
    pub check: Option<serde_json::Value>,
    /// The clerk confirms what cannot be detected: 无水印标识.
    pub confirm_no_watermark: bool,
    /// The clerk confirms: 无商业广告.
    pub confirm_no_ads: bool,
}

/// The materials beside the form: 个人形象照片, 身份证扫描件 (both sides), pictures, the video.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Media {
    pub photo: Option<Attachment>,
    pub id_front: Option<Attachment>,
    pub id_back: Option<Attachment>,
    /// Pictures for the Word form, in print order.
    pub pictures: Vec<Attachment>,
    pub video: Video,
}

/// The whole case: every field of 附件1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Case {
    pub id: CaseId,
    pub status: Status,
    pub person: Person,
    pub region: Region,
    pub business: Business,
    pub recommender: Recommender,
    pub intro: Intro,
    pub practices: Vec<Practice>,
    /// 三、成果贡献.
    pub results: String,
    /// 四、经验启示.
    pub lessons: String,
    /// 推荐单位意见 (推荐理由).
    pub opinion: String,
    /// Photo, ID scan, pictures, video.
    pub media: Media,
}

impl Default for Case {
    fn default() -> Self {
        Case {
            id: Uuid::nil(),
            status: Status::Draft,
            person: Person::default(),
            region: Region::default(),
            business: Business::default(),
            recommender: Recommender::default(),
            intro: Intro::default(),
            practices: Vec::new(),
            results: String::new(),
            lessons: String::new(),
            opinion: String::new(),
            media: Media::default(),
        }
    }
}

impl Case {
    /// A new, empty case with a fresh stable id and one empty 典型做法 item to start typing in.
    pub fn new() -> Case {
        Case {
            id: Uuid::now_v7(),
            practices: vec![Practice::default()],
            ..Case::default()
        }
    }

    /// A short human label for lists and messages: 姓名, or the case name, or "未命名案例".
    pub fn label(&self) -> String {
        let name = self.person.name.trim();
        if !name.is_empty() {
            return name.to_string();
        }
        let title = self.intro.title.trim();
        if !title.is_empty() {
            return title.to_string();
        }
        "未命名案例".to_string()
    }

    /// Every text field, for search and for the control-character scrub.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut v: Vec<&mut String> = vec![
            &mut self.person.name,
            &mut self.person.birth_year,
            &mut self.person.birth_month,
            &mut self.person.ethnicity,
            &mut self.person.political_status,
            &mut self.person.phone,
            &mut self.region.province,
            &mut self.region.city,
            &mut self.region.county,
            &mut self.region.township,
            &mut self.region.village,
            &mut self.business.field,
            &mut self.business.team_size,
            &mut self.business.platform_other,
            &mut self.business.account_name,
            &mut self.business.followers,
            &mut self.business.years,
            &mut self.business.annual_revenue,
            &mut self.recommender.unit,
            &mut self.recommender.leader,
            &mut self.recommender.phone,
            &mut self.intro.title,
            &mut self.intro.basics,
            &mut self.intro.feature,
            &mut self.results,
            &mut self.lessons,
            &mut self.opinion,
            &mut self.media.video.link,
            &mut self.media.video.code,
        ];
        for p in self.business.platforms.iter_mut() {
            v.push(p);
        }
        for p in self.practices.iter_mut() {
            v.push(&mut p.highlight);
            v.push(&mut p.text);
        }
        for a in self.media.pictures.iter_mut() {
            v.push(&mut a.caption);
        }
        v
    }

    /// Removes control characters that cannot be printed or stored in OOXML (everything in
    /// C0/C1 except tab and line breaks), and normalises CR LF / CR to LF. Returns how many
    /// characters were removed. Applied on every save, so a paste of binary junk never reaches
    /// the database or the Word file.
    pub fn scrub(&mut self) -> usize {
        let mut removed = 0;
        for s in self.texts_mut() {
            if s.chars().any(is_scrubbed) || s.contains('\r') {
                let normalised = s.replace("\r\n", "\n").replace('\r', "\n");
                let before = normalised.chars().count();
                let clean: String = normalised.chars().filter(|c| !is_scrubbed(*c)).collect();
                removed += before - clean.chars().count();
                *s = clean;
            }
        }
        removed
    }
}

/// The number fields whose label already prints the unit (“团队规模（人）”), with the units a
/// clerk may type after the number. The 推荐表 prints label and number, so the unit goes.
pub const NUMBER_UNITS: [(&str, &[&str]); 4] = [
    ("business.team_size", &["人", "名"]),
    ("business.followers", &["人"]),
    ("business.years", &["年"]),
    ("business.annual_revenue", &["万元"]),
];

/// `value` without a trailing unit from `units` (and the spaces around it) when what stays is
/// written like a number ("12人" → "12", "1260 万元" → "1260", "86.5万人" → "86.5万");
/// anything else is returned as typed (the validator explains it).
pub fn strip_unit(value: &str, units: &[&str]) -> String {
    let t = value.trim();
    for unit in units {
        if let Some(rest) = t.strip_suffix(unit) {
            let rest = rest.trim_end();
            let numeric = rest
                .chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
                && rest.chars().all(|c| {
                    c.is_ascii_digit()
                        || ('０'..='９').contains(&c)
                        || matches!(
                            c,
                            '.' | '．' | ',' | '，' | '万' | '亿' | 'w' | 'W' | '+' | ' '
                        )
                });
            if numeric {
                return rest.to_string();
            }
        }
    }
    value.to_string()
}

impl Case {
    /// Drops the units typed into number fields (see [`NUMBER_UNITS`]). Applied on every save.
    /// Returns the fields changed, with their new value.
    pub fn normalise_units(&mut self) -> Vec<(&'static str, String)> {
        let mut changed = Vec::new();
        for (field, units) in NUMBER_UNITS {
            let slot = match field {
                "business.team_size" => &mut self.business.team_size,
                "business.followers" => &mut self.business.followers,
                "business.years" => &mut self.business.years,
                _ => &mut self.business.annual_revenue,
            };
            let stripped = strip_unit(slot, units);
            if stripped != *slot {
                *slot = stripped.clone();
                changed.push((field, stripped));
            }
        }
        changed
    }
}

fn is_scrubbed(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_typed_into_number_fields_are_dropped() {
        assert_eq!(strip_unit("12人", &["人"]), "12");
        assert_eq!(strip_unit(" 1260 万元 ", &["万元"]), "1260");
        assert_eq!(strip_unit("86.5万人", &["人"]), "86.5万");
        assert_eq!(strip_unit("１２人", &["人"]), "１２");
        assert_eq!(strip_unit("5", &["年"]), "5");
        assert_eq!(strip_unit("五年", &["年"]), "五年");
        assert_eq!(strip_unit("年", &["年"]), "年");
        assert_eq!(strip_unit("约5年", &["年"]), "约5年");
        let mut c = Case::new();
        c.business.team_size = "12人".into();
        c.business.years = "5年".into();
        c.business.annual_revenue = "1260万元".into();
        c.business.followers = "12.5万".into();
        let changed = c.normalise_units();
        assert_eq!(
            changed,
            vec![
                ("business.team_size", "12".to_string()),
                ("business.years", "5".to_string()),
                ("business.annual_revenue", "1260".to_string()),
            ]
        );
        assert_eq!(c.business.followers, "12.5万");
        assert!(c.normalise_units().is_empty());
    }

    #[test]
    fn new_cases_have_distinct_stable_ids() {
        let a = Case::new();
        let b = Case::new();
        assert_ne!(a.id, b.id);
        assert!(!a.id.is_nil());
        assert_eq!(a.practices.len(), 1);
    }

    #[test]
    fn json_round_trip_and_missing_fields_default() {
        let mut c = Case::new();
        c.person.name = "阿依古丽·买买提".into();
        c.business.followers = "12.5万".into();
        c.practices = vec![Practice {
            highlight: "亮点".into(),
            text: "正文".into(),
        }];
        let json = serde_json::to_string(&c).unwrap();
        let back: Case = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let partial: Case =
            serde_json::from_str(r#"{"person":{"name":"李明"},"unknown_future_field":1}"#).unwrap();
        assert_eq!(partial.person.name, "李明");
        assert_eq!(partial.status, Status::Draft);
        assert!(partial.practices.is_empty());
    }

    #[test]
    fn scrub_removes_controls_keeps_text_and_newlines() {
        let mut c = Case::new();
        c.results = "第一行\r\n第二\u{0}行\u{7}\r第三行\t尾".into();
        c.person.name = "李明".into();
        let removed = c.scrub();
        assert_eq!(c.results, "第一行\n第二行\n第三行\t尾");
        assert_eq!(removed, 2);
        assert_eq!(c.person.name, "李明");
    }

    #[test]
    fn region_one_line() {
        let r = Region {
            province: "贵州省".into(),
            city: "黔东南苗族侗族自治州".into(),
            county: "台江县".into(),
            township: " 施洞镇".into(),
            village: "偏寨村".into(),
        };
        assert_eq!(r.one_line(), "贵州省黔东南苗族侗族自治州台江县施洞镇偏寨村");
    }
}
