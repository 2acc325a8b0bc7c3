//! The 百度网盘 share link and its 提取码: pulled out of a pasted share text and checked for
//! format (nothing is fetched: the app is offline).

use super::MediaIssue;

const BAIDU_HOST: &str = "pan.baidu.com";

/// Pulls the link and the 提取码 out of a pasted share text such as
/// "链接：https://pan.baidu.com/s/1AbC…?pwd=x7k2 提取码：x7k2 复制这段内容后打开百度网盘手机App".
pub fn parse_netdisk_share(text: &str) -> (Option<String>, Option<String>) {
    let link = text.find("http").map(|i| {
        text[i..]
            .chars()
            .take_while(|c| c.is_ascii_graphic())
            .collect::<String>()
    });
    let mut code = text.find("提取码").and_then(|i| {
        let rest = text[i + "提取码".len()..].trim_start_matches([':', '：', ' ', '\u{3000}']);
        let c: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        (c.len() == 4).then_some(c)
    });
    if code.is_none() {
        code = link.as_deref().and_then(pwd_of);
    }
    (link, code)
}

fn pwd_of(link: &str) -> Option<String> {
    let q = link.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix("pwd="))
        .map(|s| s.to_string())
}

/// Checks the 百度网盘 share link and its 提取码 (format only; nothing is fetched).
pub fn check_netdisk(link: &str, code: &str) -> Vec<MediaIssue> {
    let mut out = Vec::new();
    let link = link.trim();
    let code = code.trim();
    let pwd = pwd_of(link);
    if link.is_empty() {
        // A warning: the video is often uploaded after the form is written.
        out.push(MediaIssue::warning(
            "netdisk_link_missing",
            "未填写百度网盘链接。通知要求视频上传至百度网盘，并在邮件中写明下载链接。",
        ));
    } else if link.chars().any(|c| c.is_whitespace() || !c.is_ascii()) {
        out.push(MediaIssue::error(
            "netdisk_link_format",
            "链接里夹有空格或中文。请只填写以 https://pan.baidu.com/s/ 开头的链接本身，提取码填在“提取码”一栏。",
        ));
    } else {
        let rest = link
            .strip_prefix("https://")
            .or_else(|| link.strip_prefix("http://"))
            .unwrap_or(link);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if !host.eq_ignore_ascii_case(BAIDU_HOST) && !host.eq_ignore_ascii_case("yun.baidu.com") {
            out.push(MediaIssue::error(
                "netdisk_not_baidu",
                format!("“{link}”不是百度网盘链接。通知要求视频上传至百度网盘，链接应以 https://pan.baidu.com/s/ 开头。"),
            ));
        } else {
            let path = path.split(['?', '#']).next().unwrap_or("");
            let id = if let Some(id) = path.strip_prefix("s/") {
                Some(id)
            } else if path == "share/init" {
                link.split_once("surl=")
                    .map(|(_, s)| s.split('&').next().unwrap_or(""))
            } else {
                None
            };
            match id {
                None => out.push(MediaIssue::error(
                    "netdisk_link_format",
                    "这不是百度网盘的分享链接。请在百度网盘里对视频点“分享”，复制生成的链接（https://pan.baidu.com/s/…）。",
                )),
                Some(id) if id.len() < 6 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                    out.push(MediaIssue::error(
                        "netdisk_link_format",
                        "分享链接不完整或有多余字符（/s/ 后面应是一串字母数字）。请重新复制完整的分享链接。",
                    ))
                }
                Some(_) => {
                    if !link.starts_with("https://") {
                        out.push(MediaIssue::warning(
                            "netdisk_link_scheme",
                            "建议填写完整链接，以 https://pan.baidu.com/s/ 开头。",
                        ));
                    }
                }
            }
        }
    }
    if code.is_empty() {
        if pwd.is_none() {
            out.push(MediaIssue::warning(
                "netdisk_code_missing",
                "未填写提取码。如分享时设置了提取码，请填写 4 位提取码，否则对方无法下载。",
            ));
        }
    } else if code.chars().count() != 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        let fullwidth = code.chars().any(|c| ('\u{FF10}'..='\u{FF5A}').contains(&c));
        out.push(MediaIssue::error(
            "netdisk_code_format",
            format!(
                "提取码应为 4 位字母或数字，当前填写的是“{code}”。{}",
                if fullwidth {
                    "请切换到半角（英文）输入法重新输入。"
                } else {
                    ""
                }
            ),
        ));
    } else if let Some(p) = pwd.filter(|p| !p.eq_ignore_ascii_case(code)) {
        out.push(MediaIssue::warning(
            "netdisk_code_mismatch",
            format!("链接里带的提取码（pwd={p}）与填写的提取码“{code}”不一致，请核对。"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &[MediaIssue]) -> Vec<&str> {
        v.iter().map(|i| i.code.as_str()).collect()
    }

    #[test]
    fn netdisk_links_and_codes() {
        let ok = "https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv";
        assert!(check_netdisk(ok, "x7k2").is_empty());
        assert!(check_netdisk(&format!("{ok}?pwd=x7k2"), "").is_empty());
        assert_eq!(
            codes(&check_netdisk(&format!("{ok}?pwd=x7k2"), "abcd")),
            ["netdisk_code_mismatch"]
        );
        assert_eq!(
            codes(&check_netdisk("", "")),
            ["netdisk_link_missing", "netdisk_code_missing"]
        );
        assert_eq!(
            codes(&check_netdisk(
                "https://www.aliyundrive.com/s/abcdefg",
                "x7k2"
            )),
            ["netdisk_not_baidu"]
        );
        assert_eq!(
            codes(&check_netdisk("https://pan.baidu.com/disk/home", "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk("https://pan.baidu.com/s/1Ab", "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk(&format!("链接：{ok} 提取码：x7k2"), "x7k2")),
            ["netdisk_link_format"]
        );
        assert_eq!(
            codes(&check_netdisk("pan.baidu.com/s/1AbCdEfGhIjKlMn", "x7k2")),
            ["netdisk_link_scheme"]
        );
        assert_eq!(codes(&check_netdisk(ok, "x7k")), ["netdisk_code_format"]);
        let fw = check_netdisk(ok, "ｘ７ｋ２");
        assert!(fw[0].message.contains("半角"), "{fw:?}");
        assert!(
            check_netdisk("https://pan.baidu.com/share/init?surl=AbCdEfGhIjKl", "x7k2").is_empty()
        );
        assert!(check_netdisk("", "")[0].message.contains("百度网盘"));
    }

    #[test]
    fn pasted_share_texts_are_split() {
        let t = "链接：https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv 提取码：x7k2 \n--来自百度网盘超级会员v5的分享";
        let (l, c) = parse_netdisk_share(t);
        assert_eq!(
            l.as_deref(),
            Some("https://pan.baidu.com/s/1AbCdEfGhIjKlMnOpQrStUv")
        );
        assert_eq!(c.as_deref(), Some("x7k2"));
        let (l, c) = parse_netdisk_share("通过网盘分享的文件：案例.mp4\n链接: https://pan.baidu.com/s/1xYz12345?pwd=ab12 提取码: ab12");
        assert_eq!(
            l.as_deref(),
            Some("https://pan.baidu.com/s/1xYz12345?pwd=ab12")
        );
        assert_eq!(c.as_deref(), Some("ab12"));
        let (_, c) = parse_netdisk_share("https://pan.baidu.com/s/1xYz12345?pwd=zz99");
        assert_eq!(c.as_deref(), Some("zz99"));
    }
}
