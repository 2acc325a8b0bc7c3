//! The `tianbao` command line, run as a process over a temporary database.
mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tianbao(db: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tianbao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn count_reads_stdin_and_files() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let o = tianbao(
        &db,
        &["count", "--json"],
        Some("Let's say ‘你好’ 100 times per day, 勤勉"),
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["words"], 12);
    assert_eq!(v["chars_no_space"], 29);
    let f = d.path().join("a.txt");
    std::fs::write(&f, "\u{feff}中文测试").unwrap();
    let o = tianbao(&db, &["count", f.to_str().unwrap()], None);
    assert_eq!(stdout(&o), "字数 4\n字符数(不计空格) 4\n");
}

#[test]
fn import_export_show_validate_list() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let case = common::sample_case();
    let f = d.path().join("case.json");
    std::fs::write(&f, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    let o = tianbao(&db, &["case", "import-json", f.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains(&case.id.to_string()));

    let id = case.id.to_string();
    let o = tianbao(&db, &["case", "export-json", &id], None);
    let back: tianbao::model::Case = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(back, case);

    // A unique prefix of the id is enough.
    let o = tianbao(&db, &["case", "show", &id[..30], "--json"], None);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["person"]["name"], "李明");

    let o = tianbao(&db, &["case", "validate", &id, "--json"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["counts"]["practices"]["words"], 938);

    // A new empty case fails validation with exit code 1.
    let o = tianbao(&db, &["case", "new"], None);
    let new_id = stdout(&o).trim().to_string();
    let o = tianbao(&db, &["case", "validate", &new_id], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[错误] person.name：请填写姓名"));

    let o = tianbao(&db, &["cases", "list", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let o = tianbao(&db, &["cases", "list", "--json", "--search", "苗绣"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn bad_input_is_a_chinese_message_and_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let f = d.path().join("bad.json");
    std::fs::write(&f, "{\"person\": 5}").unwrap();
    let o = tianbao(&db, &["case", "import-json", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("错误：")
            && err.contains("bad.json")
            && err.contains("不是有效的案例 JSON"),
        "{err}"
    );

    let o = tianbao(&db, &["case", "show", "ffff"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("没有编号以“ffff”开头的案例"));

    let notdb = d.path().join("note.txt");
    std::fs::write(&notdb, "hello, this is a letter, not a database at all").unwrap();
    let o = tianbao(&notdb, &["cases", "list"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("不是填报助手的数据库"));

    let gbk = d.path().join("gbk.txt");
    std::fs::write(&gbk, [0xD6u8, 0xD0, 0xCE, 0xC4]).unwrap();
    let o = tianbao(&db, &["count", gbk.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("UTF-8"));
}

#[test]
fn check_photo_and_video_from_the_command_line() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let img = d.path().join("small.png");
    image::RgbImage::from_pixel(800, 600, image::Rgb([200, 30, 30]))
        .save(&img)
        .unwrap();
    let o = tianbao(&db, &["check-photo", img.to_str().unwrap(), "--json"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["width"], 800);
    let codes: Vec<&str> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"small_file"), "{codes:?}");

    let fake = d.path().join("video.mp4");
    std::fs::write(&fake, "这不是视频").unwrap();
    let o = tianbao(
        &db,
        &["check-video", fake.to_str().unwrap(), "--json"],
        None,
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ok"], false);

    let o = tianbao(&db, &["check-photo", "/no/such/file.jpg"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("file.jpg"));
}

#[test]
fn docx_for_one_case_and_for_all() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let case = common::sample_case();
    let f = d.path().join("case.json");
    std::fs::write(&f, serde_json::to_string(&case).unwrap()).unwrap();
    assert!(
        tianbao(&db, &["case", "import-json", f.to_str().unwrap()], None)
            .status
            .success()
    );
    assert!(tianbao(&db, &["case", "new"], None).status.success());

    let one = d.path().join("李明.docx");
    let o = tianbao(
        &db,
        &["docx", &case.id.to_string(), "-o", one.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&one).unwrap();
    assert_eq!(&bytes[..2], b"PK");

    let dir = d.path().join("推荐表");
    let o = tianbao(
        &db,
        &["docx", "--all", "-o", dir.to_str().unwrap(), "--json"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The batch the app runs (`docx::write_batch`): its outcome, files numbered in the order of
    // the list, as the app numbers them.
    let outcome: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(outcome["written"].as_array().unwrap().len(), 2);
    assert!(outcome["failed"].as_array().unwrap().is_empty());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2);
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&tianbao(&db, &["cases", "list", "--json"], None))).unwrap();
    let pos = list
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["id"] == case.id.to_string())
        .unwrap();
    assert_eq!(names[pos], format!("{:02}_李明_推荐表.docx", pos + 1));
    assert!(
        names[1 - pos].starts_with(&format!("{:02}_", 2 - pos)),
        "{names:?}"
    );

    // A target folder that does not exist: a message naming it, nothing written.
    let o = tianbao(
        &db,
        &["docx", &case.id.to_string(), "-o", "/no/such/dir/x.docx"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("/no/such/dir"));
}

#[test]
fn import_docx_reads_back_a_generated_form_and_refuses_a_doc() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("t.db");
    let case = common::sample_case();
    let f = d.path().join("case.json");
    std::fs::write(&f, serde_json::to_string(&case).unwrap()).unwrap();
    assert!(
        tianbao(&db, &["case", "import-json", f.to_str().unwrap()], None)
            .status
            .success()
    );
    let docx = d.path().join("李明.docx");
    let id = case.id.to_string();
    assert!(
        tianbao(&db, &["docx", &id, "-o", docx.to_str().unwrap()], None)
            .status
            .success()
    );
    let doc = d.path().join("old.doc");
    std::fs::write(&doc, b"{\\rtf1\\ansi hello}").unwrap();
    // Into another database: a new case with the same id, and the .doc refused.
    let other = d.path().join("other.db");
    let o = tianbao(
        &other,
        &[
            "case",
            "import-docx",
            "--json",
            docx.to_str().unwrap(),
            doc.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "one file not imported");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["case_id"], id.as_str());
    assert_eq!(v[0]["revised"], false);
    assert_eq!(v[0]["report"]["generated"], true);
    assert!(v[1]["error"].as_str().unwrap().contains("另存为"));
    let o = tianbao(&other, &["case", "export-json", &id], None);
    let back: tianbao::model::Case = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(back.person.name, "李明");
    assert_eq!(back.practices, case.practices);
    // Again into the first database: a revision of the same case (unchanged: no new one).
    let o = tianbao(&db, &["case", "import-docx", docx.to_str().unwrap()], None);
    assert!(o.status.success());
    assert!(stdout(&o).contains("已更新为新版本"), "{}", stdout(&o));
}

#[test]
fn backup_now_list_restore_and_a_damaged_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let run = |args: &[&str]| tianbao(&db, args, None);
    assert!(run(&["case", "new"]).status.success());
    let o = run(&["backup", "now"]);
    assert!(o.status.success(), "{o:?}");
    assert!(stdout(&o).contains("已备份") && stdout(&o).contains("1 个案例"));
    assert!(run(&["case", "new"]).status.success());
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["backup", "list", "--json"]))).unwrap();
    let first = list[0]["path"].as_str().unwrap().to_string();
    assert_eq!(list[0]["cases"], 1);
    assert!(stdout(&run(&["backup"])).contains("手动备份"));
    // Restore: back to one case; the two-case content was backed up first.
    let o = run(&["backup", "restore", &first]);
    assert!(o.status.success(), "{o:?}");
    assert!(stdout(&o).contains("恢复前的内容已备份"));
    assert!(stdout(&run(&["cases", "list"])).contains("共 1 个案例"));
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["backup", "list", "--json"]))).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["reason"] == "restore" && b["cases"] == 2));
    // A damaged database: refused for writing, restored from the backup, the damaged file kept.
    let len = std::fs::metadata(&db).unwrap().len();
    let mut bytes = std::fs::read(&db).unwrap();
    let mid = (len as usize / 2) / 4096 * 4096;
    bytes[mid..mid + 4096].fill(0xFF);
    std::fs::write(&db, &bytes).unwrap();
    let o = run(&["backup", "restore", &first]);
    assert!(o.status.success(), "{o:?}");
    assert!(
        stdout(&o).contains("损坏的数据库已改名保留"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&run(&["cases", "list"])).contains("共 1 个案例"));
}

/// Portable mode: the program on a "stick" with the `tianbao-portable` marker keeps its data in
/// `tianbao-data/` beside it; the stick mounted elsewhere (the folder moved) still has it all,
/// backups included; `--portable` does the same without the marker. Nothing goes to the
/// user's data folder.
#[test]
fn portable_mode_keeps_the_data_beside_the_program_and_survives_a_move() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let run = |exe: &std::path::Path, args: &[&str]| {
        Command::new(exe)
            .args(args)
            .env_remove("TIANBAO_DB")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .output()
            .unwrap()
    };
    let stick = d.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let exe = stick.join("tianbao");
    std::fs::copy(env!("CARGO_BIN_EXE_tianbao"), &exe).unwrap();
    std::fs::write(stick.join("tianbao-portable"), "").unwrap();
    assert!(run(&exe, &["case", "new"]).status.success());
    assert!(run(&exe, &["backup", "now"]).status.success());
    assert!(stick.join("tianbao-data/tianbao.db").is_file());
    assert_eq!(
        std::fs::read_dir(stick.join("tianbao-data/tianbao-backups"))
            .unwrap()
            .count(),
        1
    );
    // The stick in another place.
    let moved = d.path().join("mnt-usb");
    std::fs::rename(&stick, &moved).unwrap();
    let exe = moved.join("tianbao");
    assert!(stdout(&run(&exe, &["cases", "list"])).contains("共 1 个案例"));
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&run(&exe, &["backup", "list", "--json"]))).unwrap();
    assert_eq!(list[0]["cases"], 1, "{list}");
    assert!(list[0]["path"]
        .as_str()
        .unwrap()
        .starts_with(moved.to_str().unwrap()));
    // Without the marker, --portable asks for it.
    std::fs::remove_file(moved.join("tianbao-portable")).unwrap();
    assert!(stdout(&run(&exe, &["--portable", "cases", "list"])).contains("共 1 个案例"));
    assert!(
        !home.join("data").exists(),
        "nothing in the user's data folder"
    );
    // And without either, the user's data folder (empty).
    assert!(stdout(&run(&exe, &["cases", "list"])).contains("共 0 个案例"));
    assert!(home.join("data/tianbao/tianbao.db").exists());
}
