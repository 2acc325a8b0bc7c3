//! The four sections of 案例简介 and the opinion, composed exactly as they are printed in the
//! 推荐表. Reviewers count 字数 in Word on the printed form, so limits are checked on this text:
//! section 一 includes its "案例名称：" line and "案例特点：" sentence, and each 典型做法 item its
//! number "（一）". The Word generator prints these same paragraphs.

use crate::model::Case;
use crate::wordcount::{count, Counts};
use serde::Serialize;

/// The sections whose 字数 is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKey {
    Intro,
    Practices,
    Results,
    Lessons,
    Opinion,
}

impl SectionKey {
    pub const ALL: [SectionKey; 5] = [
        SectionKey::Intro,
        SectionKey::Practices,
        SectionKey::Results,
        SectionKey::Lessons,
        SectionKey::Opinion,
    ];
    /// The key used as the `field` of a section-wide validation issue.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKey::Intro => "intro",
            SectionKey::Practices => "practices",
            SectionKey::Results => "results",
            SectionKey::Lessons => "lessons",
            SectionKey::Opinion => "opinion",
        }
    }
}

/// One printed paragraph: an optional bold lead (a 典型做法 highlight with its number, or a
/// label such as "案例名称：") followed by plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    pub lead: String,
    pub text: String,
}

impl Paragraph {
    fn plain(text: &str) -> Paragraph {
        Paragraph {
            lead: String::new(),
            text: text.to_string(),
        }
    }
}

pub const TITLE_LABEL: &str = "案例名称：";
pub const FEATURE_LABEL: &str = "案例特点：";

/// "（一）", "（二）", … "（二十一）" — the numbering of 典型做法 items.
pub fn chinese_ordinal(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let s = match n {
        0 => D[0].to_string(),
        1..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n % 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    };
    format!("（{s}）")
}

/// Splits a text into printed paragraphs at line breaks, dropping empty lines.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(str::trim).filter(|l| !l.is_empty())
}

/// The paragraphs of a section as printed (without the section heading).
pub fn paragraphs(case: &Case, key: SectionKey) -> Vec<Paragraph> {
    let mut out = Vec::new();
    match key {
        SectionKey::Intro => {
            let title = case.intro.title.trim();
            if !title.is_empty() {
                out.push(Paragraph {
                    lead: TITLE_LABEL.to_string(),
                    text: title.to_string(),
                });
            }
            out.extend(lines(&case.intro.basics).map(Paragraph::plain));
            let feature = case.intro.feature.trim();
            if !feature.is_empty() {
                // A clerk who typed the label already does not get it twice.
                let has_label = feature.starts_with("案例特点") || feature.starts_with("案例特色");
                out.push(Paragraph {
                    lead: if has_label {
                        String::new()
                    } else {
                        FEATURE_LABEL.to_string()
                    },
                    text: feature.replace('\n', ""),
                });
            }
        }
        SectionKey::Practices => {
            let items = case
                .practices
                .iter()
                .filter(|p| !p.highlight.trim().is_empty() || !p.text.trim().is_empty());
            for (i, p) in items.enumerate() {
                let mut body = lines(&p.text);
                let first = body.next().unwrap_or("").to_string();
                out.push(Paragraph {
                    lead: format!("{}{}", chinese_ordinal(i + 1), p.highlight.trim()),
                    text: first,
                });
                out.extend(body.map(Paragraph::plain));
            }
        }
        SectionKey::Results => out.extend(lines(&case.results).map(Paragraph::plain)),
        SectionKey::Lessons => out.extend(lines(&case.lessons).map(Paragraph::plain)),
        SectionKey::Opinion => out.extend(lines(&case.opinion).map(Paragraph::plain)),
    }
    out
}

/// The 字数 of a section as printed.
pub fn section_counts(case: &Case, key: SectionKey) -> Counts {
    paragraphs(case, key)
        .iter()
        .map(|p| count(&p.lead) + count(&p.text))
        .fold(Counts::default(), |a, b| a + b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Practice;

    #[test]
    fn ordinals() {
        assert_eq!(chinese_ordinal(1), "（一）");
        assert_eq!(chinese_ordinal(10), "（十）");
        assert_eq!(chinese_ordinal(12), "（十二）");
        assert_eq!(chinese_ordinal(20), "（二十）");
        assert_eq!(chinese_ordinal(23), "（二十三）");
    }

    #[test]
    fn practices_are_numbered_and_counted_as_printed() {
        let mut c = Case::new();
        c.practices = vec![
            Practice {
                highlight: "建立“合作社+农户”模式".into(),
                text: "".into(),
            },
            Practice::default(),
            Practice {
                highlight: "规范运营".into(),
                text: "第一段\n\n第二段".into(),
            },
        ];
        let ps = paragraphs(&c, SectionKey::Practices);
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0].lead, "（一）建立“合作社+农户”模式");
        assert_eq!(ps[1].lead, "（二）规范运营");
        assert_eq!(ps[1].text, "第一段");
        assert_eq!(ps[2].text, "第二段");
        // "（一）建立“合作社+农户”模式" is 15 字 (vectors); "（二）规范运营第一段第二段" is 13.
        assert_eq!(section_counts(&c, SectionKey::Practices).words, 28);
    }

    #[test]
    fn intro_labels_are_added_once() {
        let mut c = Case::new();
        c.intro.title = "李明：助农直播让非物质文化遗产“活”起来".into();
        c.intro.feature = "案例特色：以合作社带动绣娘。".into();
        let ps = paragraphs(&c, SectionKey::Intro);
        assert_eq!(ps[0].lead, "案例名称：");
        assert_eq!(ps[1].lead, "");
        assert_eq!(section_counts(&c, SectionKey::Intro).words, 5 + 20 + 14);
    }
}
