//! Shared test helpers: the sample case of tests/fixtures/samples.
#![allow(dead_code)]

use tianbao::campaign::Campaign;
use tianbao::model::{Case, Practice, Status};
use tianbao::sections::{section_counts, SectionKey};

const SAMPLE: &str = include_str!("../fixtures/samples/case-liming.txt");
const OPINION: &str = include_str!("../fixtures/samples/opinion-liming.txt");

/// Reads the sample text: `#` lines are section headings, `@案例名称：` the case name.
pub fn sample_sections() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in SAMPLE.lines() {
        if let Some(h) = line.strip_prefix('#') {
            out.push((h.to_string(), Vec::new()));
        } else if !line.trim().is_empty() {
            out.last_mut()
                .expect("heading first")
                .1
                .push(line.to_string());
        }
    }
    out
}

/// The sample case 李明, complete and valid.
pub fn sample_case() -> Case {
    let s = sample_sections();
    let mut c = Case::new();
    c.person.name = "李明".into();
    c.person.birth_year = "1990".into();
    c.person.birth_month = "5".into();
    c.person.ethnicity = "苗族".into();
    c.person.political_status = "中共党员".into();
    c.person.phone = "13812345678".into();
    c.region.province = "贵州省".into();
    c.region.city = "黔东南苗族侗族自治州".into();
    c.region.county = "台江县".into();
    c.region.township = "施洞镇".into();
    c.region.village = "偏寨村".into();
    c.business.field = "非遗手工艺品".into();
    c.business.team_size = "12".into();
    c.business.platforms = vec!["抖音".into(), "快手".into()];
    c.business.account_name = "苗绣阿明".into();
    c.business.followers = "86.5万".into();
    c.business.years = "5".into();
    c.business.annual_revenue = "1260".into();
    c.recommender.unit = "台江县人民政府".into();
    c.recommender.leader = "王建国".into();
    c.recommender.phone = "0855-5321234".into();
    let intro = &s[0].1;
    c.intro.title = intro[0].strip_prefix("@案例名称：").unwrap().to_string();
    let feature_at = intro
        .iter()
        .position(|l| l.starts_with("案例特色"))
        .unwrap();
    c.intro.basics = intro[1..feature_at].join("\n");
    c.intro.feature = intro[feature_at].clone();
    c.practices = s[1]
        .1
        .iter()
        .map(|l| {
            // "（一）请传承人走进直播间，讲好非遗故事。李明认为…": the number goes, the first
            // sentence is the highlight.
            let body = l.split_once('）').map(|x| x.1).unwrap_or(l);
            let cut = body.find('。').map(|i| i + '。'.len_utf8()).unwrap_or(0);
            Practice {
                highlight: body[..cut].to_string(),
                text: body[cut..].to_string(),
            }
        })
        .collect();
    c.results = s[2].1.join("\n");
    c.lessons = s[3].1.join("\n");
    c.opinion = OPINION.trim().to_string();
    c
}

/// Fills `set` with text cut from the sample until the section counts exactly `target` 字.
pub fn fill_to(case: &mut Case, key: SectionKey, target: usize, set: &dyn Fn(&mut Case, String)) {
    let source: Vec<char> = sample_sections()
        .iter()
        .flat_map(|(_, ls)| ls.iter())
        .flat_map(|l| l.chars())
        .chain(tianbao::docx::DRAFT_MARK.chars())
        .collect();
    let mut text = String::new();
    let mut i = 0;
    loop {
        set(case, text.clone());
        let n = section_counts(case, key).words;
        if n == target {
            return;
        }
        assert!(n < target, "overshot {key:?}: {n} > {target}");
        text.push(source[i % source.len()]);
        i += 1;
        if i % 180 == 0 {
            text.push('\n');
        }
    }
}

/// A case with every section exactly at its limit and an opinion above its minimum.
pub fn limits_case(campaign: &Campaign) -> Case {
    let mut c = sample_case();
    c.person.name = "阿依古丽·买买提".into();
    c.person.ethnicity = "柯尔克孜族".into();
    c.person.political_status = "中共预备党员".into();
    c.person.birth_month = "12".into();
    c.business.platforms = vec![
        "抖音".into(),
        "快手".into(),
        "微信视频号".into(),
        "其他".into(),
    ];
    c.business.platform_other = "西瓜视频".into();
    c.recommender.unit = "新疆维吾尔自治区克孜勒苏柯尔克孜自治州阿图什市人民政府".into();
    let s = &campaign.sections;
    c.intro.feature = "以直播带动合作社。".into();
    fill_to(
        &mut c,
        SectionKey::Intro,
        s.intro.max_words.unwrap(),
        &|c, t| c.intro.basics = t,
    );
    c.practices = (0..5)
        .map(|i| Practice {
            highlight: format!("第{}条做法的亮点。", i + 1),
            text: String::new(),
        })
        .collect();
    // Item k grows until the section reaches k/5 of the limit.
    let max = s.practices.max_words.unwrap();
    for k in 0..5 {
        let target = max * (k + 1) / 5;
        let before: Vec<Practice> = c.practices.clone();
        fill_to(&mut c, SectionKey::Practices, target, &|c, t| {
            c.practices[..k].clone_from_slice(&before[..k]);
            c.practices[k].text = t;
        });
    }
    fill_to(
        &mut c,
        SectionKey::Results,
        s.results.max_words.unwrap(),
        &|c, t| c.results = t,
    );
    fill_to(
        &mut c,
        SectionKey::Lessons,
        s.lessons.max_words.unwrap(),
        &|c, t| c.lessons = t,
    );
    let min = s.opinion.min_words.unwrap();
    fill_to(&mut c, SectionKey::Opinion, min + 60, &|c, t| c.opinion = t);
    c.status = Status::Ready;
    c
}

/// Awkward input: symbols, Latin text, control characters, a missing section.
pub fn awkward_case() -> Case {
    let mut c = sample_case();
    c.person.name = "Zhang <San> & “李”".into();
    c.intro.title = "A&B <测试> “引号” 'single' \u{7}控制字符".into();
    c.results = String::new();
    c.lessons = "第一段\t带制表符\n\n第二段 with  spaces & <tags>\u{0}".into();
    c.recommender.unit = String::new();
    c.status = Status::Draft;
    c
}
