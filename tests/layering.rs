//! The core's layering, checked on the source (in the spirit of rust-analyzer's "tidy" tests):
//! every module of `src/` sits on a layer, and no file imports from a module on a higher layer
//! — not by `use crate::x`, not by a `crate::x::…` path, not by `super::` climbing out of its
//! own module. The table below is the rule; docs/ARCHITECTURE.md ("Invariants") draws it.
//!
//! A new module must be added to `LAYERS` (the test fails until it is, saying so).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module of the library and its layer: a module may use modules of its own
/// layer or lower ones, never higher ones. The binary (`src/bin/`) and `src-tauri` sit on top
/// and may use anything.
const LAYERS: &[(&str, u8)] = &[
    // 0 — leaves: data and plain file primitives, nothing of the crate below them.
    ("model", 0),
    ("campaign", 0),
    ("dicts", 0),
    ("issue", 0),
    ("fsx", 0),
    // 1 — text as printed and counted.
    ("wordcount", 1),
    ("sections", 1),
    // 2 — files: sniffing, imaging, checks, blobs, video, the attachment library.
    ("media", 2),
    // 3 — what is made of a case: its validation, its Word form.
    ("validate", 3),
    ("docx", 3),
    // 4 — the database, and what it keeps beside the cases: the 案例库 list (`library`, read
    // from xlsx/csv; the store matches cases against it), three-way merge of revisions.
    ("store", 4),
    ("library", 4),
    ("merge", 4),
    // 5 — work over many cases and files (bundles, the 汇总表).
    ("bundle", 5),
    ("summary", 5),
    // 6 — the submission package, made of all of the above.
    ("package", 6),
];

/// One import from a higher layer.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let layer = |m: &str| layer_of(m).map(|l| l.to_string()).unwrap_or("?".into());
        write!(
            f,
            "{}:{}: `{}` (layer {}) imports `{}` (layer {}), a higher layer",
            self.file,
            self.line,
            self.from,
            layer(&self.from),
            self.to,
            layer(&self.to)
        )
    }
}

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The module path of a file under `src/`: `media/photo.rs` → [media, photo],
/// `media/mod.rs` → [media], `fsx.rs` → [fsx].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
    // `mod.rs` is its folder's module; `lib.rs` (and `main.rs`) at the top is the crate root.
    let root = parts.is_empty() && (stem == "lib" || stem == "main");
    if stem != "mod" && !root {
        parts.push(stem);
    }
    parts
}

/// The source with comments, string and char literals blanked out (newlines kept, so
/// positions still give line numbers).
fn code_only(src: &str) -> Vec<char> {
    let c: Vec<char> = src.chars().collect();
    let mut out = c.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for ch in out.iter_mut().take(to.min(c.len())).skip(from) {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
    };
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            let end = (i..c.len()).find(|&j| c[j] == '\n').unwrap_or(c.len());
            blank(&mut out, i, end);
            i = end;
        } else if c[i] == '/' && next == Some('*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 1;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 1;
                }
                j += 1;
            }
            blank(&mut out, i, j);
            i = j;
        } else if c[i] == 'r'
            && matches!(next, Some('#') | Some('"'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // Raw string r"…", r#"…"#.
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if c.get(i + 1 + hashes) != Some(&'"') {
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body = i + 2 + hashes;
            let rest: String = c[body..].iter().collect();
            let end = rest
                .find(&close)
                .map(|k| body + rest[..k].chars().count() + close.chars().count())
                .unwrap_or(c.len());
            blank(&mut out, i, end);
            i = end;
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                let end = (i + 2..c.len()).find(|&j| c[j] == '\'').unwrap_or(c.len());
                blank(&mut out, i, end + 1);
                i = end + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                blank(&mut out, i, i + 3);
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(char),
    PathSep,
}

/// Identifiers, `::` and single punctuation, each with its line (1-based).
fn tokens(code: &[char]) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < code.len() {
        let ch = code[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(code[start..i].iter().collect()), line));
        } else if ch.is_ascii_digit() {
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
        } else if ch == ':' && code.get(i + 1) == Some(&':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// Every top-level module a file refers to, with the line: `crate::x`, `crate::{x, y::z}`,
/// and `super::` chains that climb to the crate root. `file_module` is the file's module path
/// (see [`module_path`]); inline `mod name { … }` blocks are followed.
fn references(src: &str, file_module: &[String]) -> Vec<(String, usize)> {
    let toks = tokens(&code_only(src));
    let mut out = Vec::new();
    // Inline modules: (name, brace depth at which it closes).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let ident = |k: usize| match toks.get(k) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let is = |k: usize, t: &Tok| toks.get(k).map(|(x, _)| x == t).unwrap_or(false);
    let mut k = 0;
    while k < toks.len() {
        let (tok, line) = &toks[k];
        match tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().map(|(_, d)| *d == depth).unwrap_or(false) {
                    inline.pop();
                }
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some(name), true) = (ident(k + 1), is(k + 2, &Tok::Punct('{'))) {
                    inline.push((name.to_string(), depth));
                }
            }
            Tok::Ident(w) if w == "crate" && is(k + 1, &Tok::PathSep) => {
                if let Some(m) = ident(k + 2) {
                    out.push((m.to_string(), *line));
                } else if is(k + 2, &Tok::Punct('{')) {
                    // crate::{a::b, c, …}: the first identifier of each top-level item.
                    let (mut j, mut d, mut first) = (k + 3, 1, true);
                    while j < toks.len() && d > 0 {
                        match &toks[j].0 {
                            Tok::Punct('{') => d += 1,
                            Tok::Punct('}') => d -= 1,
                            Tok::Punct(',') if d == 1 => first = true,
                            Tok::Ident(s) if d == 1 && first => {
                                out.push((s.clone(), toks[j].1));
                                first = false;
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
            }
            Tok::Ident(w)
                if w == "super"
                    && is(k + 1, &Tok::PathSep)
                    && (k == 0 || !is(k - 1, &Tok::PathSep)) =>
            {
                // super::super::x: climb from the current module.
                let mut here: Vec<String> = file_module.to_vec();
                here.extend(inline.iter().map(|(n, _)| n.clone()));
                let mut j = k;
                while ident(j) == Some("super") && is(j + 1, &Tok::PathSep) {
                    here.pop();
                    j += 2;
                }
                if here.is_empty() {
                    if let Some(m) = ident(j) {
                        out.push((m.to_string(), *line));
                    }
                }
                k = j;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    out
}

/// The violations of one file (`rel`: its path under `src/`).
fn check_file(rel: &Path, src: &str) -> Result<Vec<Violation>, String> {
    let module = module_path(rel);
    let Some(top) = module.first() else {
        return Ok(Vec::new()); // lib.rs: the crate root declares the modules
    };
    let shown = format!("src/{}", rel.display());
    let Some(own) = layer_of(top) else {
        return Err(format!(
            "{shown}: module `{top}` has no layer: add it to LAYERS in tests/layering.rs (and to \
             the diagram in docs/ARCHITECTURE.md)"
        ));
    };
    let mut out = Vec::new();
    for (to, line) in references(src, &module) {
        if to == *top {
            continue;
        }
        match layer_of(&to) {
            Some(l) if l > own => out.push(Violation {
                file: shown.clone(),
                line,
                from: top.clone(),
                to,
            }),
            Some(_) => {}
            None if ["self", "super", "crate"].contains(&to.as_str()) => {}
            None => {
                return Err(format!(
                    "{shown}:{line}: imports module `{to}`, which has no layer: add it to \
                     LAYERS in tests/layering.rs"
                ))
            }
        }
    }
    Ok(out)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().map(|x| x == "rs").unwrap_or(false) {
            out.push(p);
        }
    }
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel.starts_with("bin") {
            continue; // the binary sits on top of the library
        }
        let text = std::fs::read_to_string(f).unwrap();
        match check_file(rel, &text) {
            Ok(v) => problems.extend(v.iter().map(|v| v.to_string())),
            Err(e) => problems.push(e),
        }
        if let Some(top) = module_path(rel).first() {
            *seen.entry(top.clone()).or_insert(0) += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "layering (docs/ARCHITECTURE.md, Invariants):\n{}",
        problems.join("\n")
    );
    // The walk did see the tree.
    for m in ["model", "media", "docx", "store", "validate"] {
        assert!(seen.contains_key(m), "{m} not found under src/: {seen:?}");
    }
}

#[test]
fn an_upward_import_fails_naming_file_and_line() {
    // media (2) importing store (4): by `use`, by path, by a `super::` climb, in a group.
    let src = "//! crate::store in a comment is no import\n\
               use crate::model::Case;\n\
               use crate::store::Store;\n\
               fn f() { let s = \"crate::store\"; crate::docx::build_docx(); }\n\
               use super::super::validate::validate;\n\
               use crate::{campaign::Campaign, store::ListQuery};\n";
    let v = check_file(Path::new("media/photo.rs"), src).unwrap();
    let got: Vec<(usize, &str)> = v.iter().map(|v| (v.line, v.to.as_str())).collect();
    assert_eq!(
        got,
        vec![(3, "store"), (4, "docx"), (5, "validate"), (6, "store")],
        "{v:#?}"
    );
    assert_eq!(
        v[0].to_string(),
        "src/media/photo.rs:3: `media` (layer 2) imports `store` (layer 4), a higher layer"
    );
}

#[test]
fn same_and_lower_layers_and_own_submodules_pass() {
    let src = "use super::sniff;\nuse super::MediaError;\nuse crate::model::Attachment;\n\
               use crate::fsx;\nuse crate::media::imaging;\n\
               mod tests { use super::*; use super::super::blobs; }\n";
    assert_eq!(check_file(Path::new("media/photo.rs"), src), Ok(vec![]));
    // From media/mod.rs, `super::` is the crate root.
    let v = check_file(Path::new("media/mod.rs"), "use super::docx;\n").unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    // Inside an inline module of media/mod.rs, `super::` is media again.
    let src = "mod tests {\n use super::*;\n use super::super::model;\n}\n";
    assert_eq!(check_file(Path::new("media/mod.rs"), src), Ok(vec![]));
    // The crate root declares the modules; it is on no layer.
    assert_eq!(
        check_file(Path::new("lib.rs"), "pub mod store;\n"),
        Ok(vec![])
    );
    // A store file may use everything below it.
    let src = "use crate::{docx, media::Library, validate::validate};\n";
    assert_eq!(check_file(Path::new("store/mod.rs"), src), Ok(vec![]));
}

#[test]
fn an_unknown_module_fails_saying_where_to_add_it() {
    let e = check_file(Path::new("newthing/mod.rs"), "").unwrap_err();
    assert!(e.contains("add it to LAYERS in tests/layering.rs"), "{e}");
    let e = check_file(Path::new("media/photo.rs"), "use crate::newthing::X;\n").unwrap_err();
    assert!(
        e.contains("src/media/photo.rs:1") && e.contains("newthing"),
        "{e}"
    );
}
