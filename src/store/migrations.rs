//! Schema migrations by version (`PRAGMA user_version`). Each step runs in its own exclusive
//! transaction;
//! a database is brought from whatever earlier version it has up to `LATEST_VERSION`. Tests open
//! an empty database and a database of every earlier version.

use super::{parse_case, Summary, APPLICATION_ID};
use crate::campaign::Campaign;
use crate::dicts::Dicts;
use crate::validate::{validate, Report};
use rusqlite::{params, Connection, TransactionBehavior};

pub const LATEST_VERSION: i64 = 5;

/// Version 1: settings, cases with their head JSON, and the append-only revision log.
pub(crate) const V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE cases (
    id         TEXT PRIMARY KEY,          -- stable case id (UUID)
    head       TEXT NOT NULL,             -- revisions.id of the current content
    data       TEXT NOT NULL,             -- JSON of the case at head
    status     TEXT NOT NULL,             -- draft | ready
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    account    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE revisions (
    id      TEXT PRIMARY KEY,             -- UUID v7: unique across devices
    case_id TEXT NOT NULL,
    parent  TEXT,                         -- previous revision of the case, NULL when created
    office  TEXT NOT NULL,                -- who: the office …
    device  TEXT NOT NULL,                -- … and the device
    at      TEXT NOT NULL,                -- when (RFC 3339)
    data    TEXT NOT NULL                 -- JSON of the case as saved
);
CREATE INDEX revisions_case ON revisions(case_id);
";

/// Version 2: the 回收站 (deleted_at), and the list columns (case name, completeness, counts of
/// errors and warnings) so the case list shows without reading every case.
const V2: &str = "
ALTER TABLE cases ADD COLUMN deleted_at TEXT;
ALTER TABLE cases ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN completeness INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_updated ON cases(updated_at);
";

/// Version 4: the revision graph for bundles and merges — every parent (a merge has two or
/// more), the 回收站 flag, the kind of change, the conflicts open at a revision, the store
/// session that made it (saves of one session coalesce), when it was exported (then it is
/// never rewritten); the count of open conflicts per case for the list.
const V4: &str = "
ALTER TABLE revisions ADD COLUMN parents TEXT NOT NULL DEFAULT '[]';
ALTER TABLE revisions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE revisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'edit';
ALTER TABLE revisions ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE revisions ADD COLUMN session TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN exported_at TEXT;
ALTER TABLE cases ADD COLUMN conflicts INTEGER NOT NULL DEFAULT 0;
UPDATE revisions SET parents = json_array(parent) WHERE parent IS NOT NULL;
UPDATE revisions SET deleted = 1
  WHERE id IN (SELECT head FROM cases WHERE deleted_at IS NOT NULL);
";

/// Version 5: what the list shows beside each case — the materials still missing (材料未齐), keys
/// that find two cases of one person (姓名 + 出生年月, the ID-scan files), more text to search
/// (推荐单位, phones, 直播领域) — and which revision its 推荐表 was last generated from.
const V5: &str = "
ALTER TABLE cases ADD COLUMN missing TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN search TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN person_key TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN id_scans TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN printed_rev TEXT;
ALTER TABLE cases ADD COLUMN printed_at TEXT;
";

pub(crate) fn migrate(
    conn: &mut Connection,
    campaign: &Campaign,
    dicts: &Dicts,
) -> rusqlite::Result<()> {
    migrate_to(conn, LATEST_VERSION, campaign, dicts)
}

/// Applies the migrations after the database's version up to and including `target` (tests
/// use it to build databases of every earlier version). Each step runs in its own
/// `BEGIN EXCLUSIVE` transaction that reads the version again inside it, so two processes
/// opening a new database at once never apply a step twice (the writer lock already keeps
/// them apart; this holds without it).
pub fn migrate_to(
    conn: &mut Connection,
    target: i64,
    campaign: &Campaign,
    dicts: &Dicts,
) -> rusqlite::Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let next = version + 1;
        if next > target.min(LATEST_VERSION) {
            return Ok(()); // dropping `tx` ends it
        }
        match next {
            1 => tx.execute_batch(V1)?,
            2 => {
                tx.execute_batch(V2)?;
                backfill_v2(&tx, campaign, dicts)?;
            }
            // The provincial desk: 案例库 list, 省级意见, order, overrides (store/province.rs).
            3 => tx.execute_batch(super::province::V3)?,
            4 => {
                tx.execute_batch(V4)?;
                // The list columns again, now with the conflict count beside them.
                backfill_v2(&tx, campaign, dicts)?;
            }
            5 => {
                tx.execute_batch(V5)?;
                backfill_v5(&tx, campaign, dicts)?;
            }
            _ => unreachable!("every version up to LATEST_VERSION has a step"),
        }
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {next};"
        ))?;
        tx.commit()?;
    }
}

/// Every list column again, from the case (also those of version 2).
fn backfill_v5(
    tx: &rusqlite::Transaction,
    campaign: &Campaign,
    dicts: &Dicts,
) -> rusqlite::Result<()> {
    backfill(tx, campaign, dicts, |tx, id, s, report| {
        tx.execute(
            "UPDATE cases SET title = ?2, completeness = ?3, errors = ?4, warnings = ?5,
               missing = ?6, search = ?7, person_key = ?8, id_scans = ?9
             WHERE id = ?1",
            params![
                id,
                s.title,
                report.completeness,
                report.errors as i64,
                report.warnings as i64,
                report.missing_materials.join("、"),
                s.search,
                s.person_key,
                s.id_scans
            ],
        )
        .map(|_| ())
    })
}

fn backfill_v2(
    tx: &rusqlite::Transaction,
    campaign: &Campaign,
    dicts: &Dicts,
) -> rusqlite::Result<()> {
    backfill(tx, campaign, dicts, |tx, id, s, report| {
        tx.execute(
            "UPDATE cases SET title = ?2, completeness = ?3, errors = ?4, warnings = ?5
             WHERE id = ?1",
            params![
                id,
                s.title,
                report.completeness,
                report.errors as i64,
                report.warnings as i64
            ],
        )
        .map(|_| ())
    })
}

/// Fills list columns added by a version from each case (`update` writes them).
fn backfill(
    tx: &rusqlite::Transaction,
    campaign: &Campaign,
    dicts: &Dicts,
    update: impl Fn(&rusqlite::Transaction, &str, &Summary, &Report) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let rows: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, data FROM cases")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, data) in rows {
        // A row that cannot be read keeps its defaults; the case still opens as an error later.
        let Ok(case) = parse_case(&id, &data) else {
            continue;
        };
        let report = validate(&case, campaign, dicts);
        update(tx, &id, &Summary::of(&case, &report), &report)?;
    }
    Ok(())
}
