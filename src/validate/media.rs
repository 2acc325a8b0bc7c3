//! The case's materials as validation sees them: the media checks (from `crate::media`) turned
//! into issues on the case's fields.

use crate::campaign::Campaign;
use crate::media::{attachment_issues, check_netdisk, rule_size, MediaIssue, Purpose, VideoReport};
use crate::model::{Attachment, Media};

/// Everything about a case's materials that can be told from the case alone, as
/// (field, issue): the photo and both ID sides present and meeting the rules, the pictures,
/// the 网盘 link and 提取码, the last video check, the clerk's 水印/广告 confirmations.
/// Field names: `media.photo`, `media.id_front`, `media.id_back`, `media.pictures.N`,
/// `media.video.link`, `media.video.code`, `media.video.check`,
/// `media.video.confirm_no_watermark`, `media.video.confirm_no_ads`.
pub fn media_issues(media: &Media, campaign: &Campaign) -> Vec<(String, MediaIssue)> {
    let mut out = Vec::new();
    let mut one = |field: &str, a: &Option<Attachment>, role: Purpose, missing: &str| match a {
        // Missing materials are warnings: the 推荐表 can be finished (and printed) before the
        // photo and the ID scan arrive; the package step lists what is still missing.
        None => out.push((field.to_string(), MediaIssue::warning("missing", missing))),
        Some(a) => out.extend(
            attachment_issues(a, role, campaign)
                .into_iter()
                .map(|i| (field.to_string(), i)),
        ),
    };
    let photo_missing = format!(
        "未添加个人形象照片（通知要求提供，大小不低于{}）",
        rule_size(campaign.photo.min_bytes)
    );
    one("media.photo", &media.photo, Purpose::Photo, &photo_missing);
    one(
        "media.id_front",
        &media.id_front,
        Purpose::IdScan,
        "未添加身份证扫描件（人像面）",
    );
    one(
        "media.id_back",
        &media.id_back,
        Purpose::IdScan,
        "未添加身份证扫描件（国徽面）",
    );
    for (i, p) in media.pictures.iter().enumerate() {
        let field = format!("media.pictures.{i}");
        out.extend(
            attachment_issues(p, Purpose::Picture, campaign)
                .into_iter()
                .map(|x| (field.clone(), x)),
        );
    }
    let v = &media.video;
    for issue in check_netdisk(&v.link, &v.code) {
        let field = if issue.code.starts_with("netdisk_code") {
            "media.video.code"
        } else {
            "media.video.link"
        };
        out.push((field.to_string(), issue));
    }
    if let Some(report) = v
        .check
        .as_ref()
        .and_then(|j| serde_json::from_value::<VideoReport>(j.clone()).ok())
    {
        for verdict in report.verdicts.iter().filter(|x| x.ok == Some(false)) {
            out.push((
                "media.video.check".to_string(),
                MediaIssue::warning(
                    &format!("video_{}", verdict.rule),
                    format!("视频文件：{}", verdict.message),
                ),
            ));
        }
    }
    if campaign.video.no_watermark && !v.confirm_no_watermark {
        out.push((
            "media.video.confirm_no_watermark".into(),
            MediaIssue::warning(
                "video_watermark_unconfirmed",
                "请确认视频中没有添加任何水印标识",
            ),
        ));
    }
    if campaign.video.no_ads && !v.confirm_no_ads {
        out.push((
            "media.video.confirm_no_ads".into(),
            MediaIssue::warning("video_ads_unconfirmed", "请确认视频中没有插入任何商业广告"),
        ));
    }
    out
}

/// The materials the notice requires that a case's `m`edia lacks, by the names the clerk sees: the
/// personal photo, both sides of the ID card, the video's 网盘 link and its 提取码 (a link
/// that carries `pwd=` has it).
pub fn missing_materials(m: &Media, campaign: &Campaign) -> Vec<String> {
    let mut out = Vec::new();
    for (have, name) in [
        (m.photo.is_some(), "个人形象照片"),
        (m.id_front.is_some(), "身份证扫描件（人像面）"),
        (m.id_back.is_some(), "身份证扫描件（国徽面）"),
    ] {
        if !have {
            out.push(name.to_string());
        }
    }
    let link = m.video.link.trim();
    if link.is_empty() {
        out.push(format!("视频{}链接", campaign.video.netdisk));
    } else if m.video.code.trim().is_empty() && !link.contains("pwd=") {
        out.push("视频提取码".to_string());
    }
    out
}
