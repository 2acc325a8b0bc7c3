//! tianbao — 案例填报助手, the core library: the case model and validation, 字数 counting, media
//! checks and the attached files, the Word 推荐表, SQLite storage. No GUI dependency; the
//! command line (`src/bin/tianbao/`) and the Tauri shell (`src-tauri/`) are thin users of it.
//! Layers and the rule that keeps them apart: `docs/ARCHITECTURE.md`.

pub mod bundle;
pub mod campaign;
pub mod dicts;
pub mod docx;
pub mod fsx;
pub mod issue;
pub mod library;
pub mod media;
pub mod merge;
pub mod model;
pub mod package;
pub mod sections;
pub mod store;
pub mod summary;
pub mod validate;
pub mod wordcount;
