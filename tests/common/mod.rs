//! Shared test helpers: the sample case of ../shared/samples (copied into tests/fixtures).
#![allow(dead_code)]

use tianbao::model::{Case, Practice};

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
