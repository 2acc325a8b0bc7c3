//! tianbao — 案例填报助手, the core library: case model and validation, 字数 counting, SQLite
//! storage, media checks, document generation, bundles and merge. No GUI dependency.

pub mod campaign;
pub mod cli;
pub mod dicts;
pub mod docx;
pub mod media;
pub mod model;
pub mod sections;
pub mod store;
pub mod validate;
pub mod wordcount;
