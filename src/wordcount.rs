//! 字数 as Microsoft Word's 字数统计 counts it (docs/FORM.md): every CJK character counts 1, every
//! run of consecutive non-CJK, non-whitespace characters counts 1, and each U+2028/U+2029
//! counts 1. Whitespace (U+3000 included) and line breaks count 0.
//!
//! 字符数(不计空格) counts every character except whitespace and zero-width format characters.
//!
//! This is the one implementation: validation, the CLI and the app's live counters all call it.

use serde::Serialize;

/// The two numbers shown beside every text area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Counts {
    /// 字数 (Word-compatible).
    pub words: usize,
    /// 字符数(不计空格).
    pub chars_no_space: usize,
}

impl std::ops::Add for Counts {
    type Output = Counts;
    fn add(self, o: Counts) -> Counts {
        Counts {
            words: self.words + o.words,
            chars_no_space: self.chars_no_space + o.chars_no_space,
        }
    }
}

/// Counts 字数 and 字符数(不计空格) of `text`.
pub fn count(text: &str) -> Counts {
    let mut words = 0;
    let mut chars = 0;
    let mut in_run = false;
    for c in text.chars() {
        if c == '\u{2028}' || c == '\u{2029}' {
            words += 1;
            in_run = false;
            continue;
        }
        if c.is_whitespace() {
            in_run = false;
            continue;
        }
        if !is_invisible(c) {
            chars += 1;
        }
        if is_cjk(c) {
            words += 1;
            in_run = false;
        } else if !in_run {
            words += 1;
            in_run = true;
        }
    }
    Counts {
        words,
        chars_no_space: chars,
    }
}

/// Zero-width and other invisible format characters: they join a word but are not characters
/// one can see (Word does not count them in 字符数).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// The CJK scripts and blocks of docs/FORM.md.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2E80..=0x2EFF    // CJK Radicals Supplement
        | 0x2F00..=0x2FDF    // Kangxi Radicals
        | 0x3000..=0x303F    // CJK Symbols and Punctuation (U+3000 is whitespace, handled first)
        | 0x3040..=0x309F    // Hiragana
        | 0x30A0..=0x30FF    // Katakana (・ U+30FB and ー U+30FC included)
        | 0x3100..=0x312F    // Bopomofo
        | 0x3130..=0x318F    // Hangul Compatibility Jamo
        | 0x31A0..=0x31BF    // Bopomofo Extended
        | 0x31F0..=0x31FF    // Katakana Phonetic Extensions
        | 0x3200..=0x32FF    // Enclosed CJK Letters and Months
        | 0x3300..=0x33FF    // CJK Compatibility
        | 0x3400..=0x4DBF    // CJK Unified Ideographs Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xA960..=0xA97F    // Hangul Jamo Extended-A
        | 0xAC00..=0xD7AF    // Hangul Syllables
        | 0xD7B0..=0xD7FF    // Hangul Jamo Extended-B
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFE10..=0xFE1F    // Vertical Forms
        | 0xFE30..=0xFE4F    // CJK Compatibility Forms
        | 0xFF00..=0xFFEF    // Halfwidth and Fullwidth Forms
        | 0x16FE0..=0x16FFF  // Ideographic Symbols and Punctuation
        | 0x20000..=0x2FA1F  // CJK Extensions B–F, Compatibility Ideographs Supplement
        | 0x30000..=0x323AF  // CJK Extensions G–H
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_md_examples() {
        for (t, w) in [
            ("中文测试", 4),
            ("Hello 世界", 3),
            ("Hello、World。", 4),
            ("東京2024オリンピック", 9),
            ("ＡＢＣＤＥ", 5),
            ("①②③④⑤", 1),
            ("Hello “世界”", 5),
            ("Let's say ‘你好’ 100 times per day, 勤勉", 12),
            ("2024年1月", 4),
        ] {
            assert_eq!(count(t).words, w, "{t}");
        }
    }

    #[test]
    fn ideographic_space_counts_zero() {
        assert_eq!(
            count("中\u{3000}文"),
            Counts {
                words: 2,
                chars_no_space: 2
            }
        );
    }
}
