//! Findings about a case or a file, shared by every layer that reports them: media checks (a
//! photo too small), validation (a field left blank), later bundles and the 汇总表. A leaf: data
//! only, no I/O.

use serde::{Deserialize, Serialize};

/// How serious an issue is: an `error` blocks "标记为完成" (or makes a file unusable for the
/// submission), a `warning` is something the notice asks for that the clerk should fix if
/// possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The tag printed before a message: "错误" or `warning_word` ("提醒" for a case, "警告" for
    /// a file, as each place has always said).
    pub fn tag(self, warning_word: &'static str) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => warning_word,
        }
    }
}

/// One finding about a case's field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// JSON path of the input ("person.name", "practices.0.text") or a section key ("intro").
    pub field: String,
    pub severity: Severity,
    pub message: String,
}
