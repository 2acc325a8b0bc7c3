//! The campaign as data: year, titles, limits, quota, deadline, media rules. The 2024 campaign
//! is `assets/campaign/2024.json`, embedded in the binary so the app works with nothing beside
//! it; next year's notice is a new JSON file, not a code change.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The embedded 2024 campaign definition.
pub const CAMPAIGN_2024_JSON: &str = include_str!("../assets/campaign/2024.json");

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("无法读取活动规则文件 {path}：{source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("活动规则文件 {path} 格式不正确：{source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionRule {
    pub heading: String,
    pub limit_label: String,
    #[serde(default)]
    pub max_words: Option<usize>,
    #[serde(default)]
    pub min_words: Option<usize>,
    pub hint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sections {
    pub intro: SectionRule,
    pub practices: SectionRule,
    pub results: SectionRule,
    pub lessons: SectionRule,
    pub opinion: SectionRule,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhotoRule {
    pub min_bytes: u64,
    pub min_pixels: u64,
    pub formats: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdScanRule {
    pub min_short_side_px: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VideoRule {
    pub min_seconds: u32,
    pub max_seconds: u32,
    pub width: u32,
    pub height: u32,
    pub aspect: String,
    pub max_bytes: u64,
    pub containers: Vec<String>,
    pub no_watermark: bool,
    pub no_ads: bool,
    pub netdisk: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonRule {
    pub min_birth_year: i32,
    pub min_age: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Campaign {
    pub year: i32,
    pub organizer: String,
    pub activity_name: String,
    pub form_title: String,
    pub form_label: String,
    pub summary_title: String,
    pub summary_label: String,
    pub summary_rows: usize,
    pub video_theme: String,
    pub quota_per_unit: usize,
    /// ISO date, e.g. "2024-05-24".
    pub deadline: String,
    pub email: String,
    pub previous_library: String,
    pub sections: Sections,
    pub photo: PhotoRule,
    pub id_scan: IdScanRule,
    pub video: VideoRule,
    pub person: PersonRule,
    pub team_size_min: u32,
}

impl Campaign {
    /// The built-in 2024 campaign.
    pub fn current() -> Campaign {
        serde_json::from_str(CAMPAIGN_2024_JSON).expect("assets/campaign/2024.json is tested")
    }

    /// A campaign from a JSON file (a later year's notice).
    pub fn load(path: &Path) -> Result<Campaign, CampaignError> {
        let text = std::fs::read_to_string(path).map_err(|source| CampaignError::Read {
            path: path.display().to_string(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| CampaignError::Parse {
            path: path.display().to_string(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2024_campaign_reads_as_the_notice_says() {
        let c = Campaign::current();
        assert_eq!(c.year, 2024);
        assert_eq!(c.sections.intro.max_words, Some(400));
        assert_eq!(c.sections.practices.max_words, Some(1000));
        assert_eq!(c.sections.results.max_words, Some(500));
        assert_eq!(c.sections.lessons.max_words, Some(500));
        assert_eq!(c.sections.opinion.min_words, Some(400));
        assert_eq!(c.quota_per_unit, 20);
        assert_eq!(c.deadline, "2024-05-24");
        assert_eq!(c.email, "REC@ec.com.cn");
        assert_eq!(c.video.max_bytes, 1 << 30);
        assert_eq!((c.video.min_seconds, c.video.max_seconds), (180, 300));
        assert!(c.form_title.contains("2024"));
    }

    #[test]
    fn a_broken_campaign_file_is_a_chinese_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2025.json");
        std::fs::write(&p, "{").unwrap();
        let e = Campaign::load(&p).unwrap_err().to_string();
        assert!(e.contains("格式不正确") && e.contains("2025.json"), "{e}");
    }
}
