//! Dictionaries as data (`assets/dicts/dicts.json`): the 56 民族 (GB/T 3304), 政治面貌 (GB/T 4762,
//! short forms), the 31 provinces, the 5 计划单列市 and 新疆生产建设兵团 (together the 37
//! submitting units), and the live-streaming platforms.

use serde::{Deserialize, Serialize};

pub const DICTS_JSON: &str = include_str!("../assets/dicts/dicts.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dicts {
    pub ethnicities: Vec<String>,
    pub political_statuses: Vec<String>,
    pub provinces: Vec<String>,
    pub separately_planned_cities: Vec<String>,
    pub corps: Vec<String>,
    /// The province each 计划单列市 and the 兵团 lie in.
    #[serde(default)]
    pub unit_provinces: std::collections::BTreeMap<String, String>,
    pub platforms: Vec<String>,
}

impl Dicts {
    pub fn current() -> Dicts {
        serde_json::from_str(DICTS_JSON).expect("assets/dicts/dicts.json is tested")
    }

    /// The 37 units that may submit: provinces, 计划单列市, 兵团.
    pub fn submitting_units(&self) -> Vec<String> {
        self.provinces
            .iter()
            .chain(&self.separately_planned_cities)
            .chain(&self.corps)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_are_complete() {
        let d = Dicts::current();
        assert_eq!(d.ethnicities.len(), 56);
        assert!(d.ethnicities.contains(&"汉族".to_string()));
        assert!(d.ethnicities.contains(&"基诺族".to_string()));
        assert_eq!(d.submitting_units().len(), 37);
        for u in d.separately_planned_cities.iter().chain(&d.corps) {
            let p = &d.unit_provinces[u];
            assert!(d.provinces.contains(p), "{u} → {p}");
        }
        assert!(d.political_statuses.contains(&"中共党员".to_string()));
        assert!(d.political_statuses.contains(&"群众".to_string()));
        assert_eq!(d.political_statuses.len(), 13);
        for p in [
            "抖音",
            "快手",
            "微信视频号",
            "淘宝直播",
            "拼多多",
            "京东",
            "小红书",
            "哔哩哔哩",
        ] {
            assert!(d.platforms.contains(&p.to_string()), "{p}");
        }
        let mut all = d.ethnicities.clone();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 56, "no duplicates");
    }
}
