//! 字数: every vector of tests/word-count.json (the rule: docs/FORM.md) and the sample case.
mod common;

use serde::Deserialize;
use tianbao::sections::{section_counts, SectionKey};
use tianbao::wordcount::count;

#[derive(Deserialize)]
struct Vector {
    text: String,
    words: usize,
    chars_no_space: usize,
}

#[test]
fn every_vector_passes() {
    let vectors: Vec<Vector> =
        serde_json::from_str(include_str!("word-count.json")).expect("vectors parse");
    assert!(vectors.len() >= 30);
    let mut failures = Vec::new();
    for v in &vectors {
        let c = count(&v.text);
        if c.words != v.words || c.chars_no_space != v.chars_no_space {
            failures.push(format!(
                "{:?}: got {}/{}, want {}/{}",
                v.text, c.words, c.chars_no_space, v.words, v.chars_no_space
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sample_bodies_count_as_the_samples_readme_says() {
    // tests/fixtures/samples/README.md: 359 (一: the name without its "@案例名称：" marker, 20, plus the
    // body, 339), 938, 442, 438; opinion 442.
    let s = common::sample_sections();
    let body =
        |i: usize, skip: usize| -> usize { s[i].1[skip..].iter().map(|l| count(l).words).sum() };
    assert_eq!(count(s[0].1[0].trim_start_matches("@案例名称：")).words, 20);
    assert_eq!(body(0, 1), 339);
    assert_eq!(body(1, 0), 938);
    assert_eq!(body(2, 0), 442);
    assert_eq!(body(3, 0), 438);
    let opinion = include_str!("fixtures/samples/opinion-liming.txt");
    assert_eq!(count(opinion).words, 442);
}

#[test]
fn the_sample_case_counts_as_printed() {
    let c = common::sample_case();
    // Printed section 一 adds the label "案例名称：" (5) to the README's 359 (name 20 + body 339).
    assert_eq!(section_counts(&c, SectionKey::Intro).words, 5 + 359);
    // The sample's 典型做法 are already numbered "（一）…" exactly as the form prints them.
    assert_eq!(section_counts(&c, SectionKey::Practices).words, 938);
    assert_eq!(section_counts(&c, SectionKey::Results).words, 442);
    assert_eq!(section_counts(&c, SectionKey::Lessons).words, 438);
    assert_eq!(section_counts(&c, SectionKey::Opinion).words, 442);
}
