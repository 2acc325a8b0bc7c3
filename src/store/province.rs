//! The provincial desk's data: the submitting unit (one of the 37), the 案例库 list (replaced as
//! a whole on every import), and per case the 省级意见 (同意 / 不同意), its place in the order of
//! the submission (序号) and an override of a 案例库 flag with its reason.
//!
//! These are the province's decisions about the cases, not the cases' content: they are not
//! revisions of a case and do not travel in bundles. [`Store::desk`] puts everything together
//! for the provincial view: every case with its region, status, completeness, 案例库 matches and
//! whether it lies outside the unit.

use super::{sql_error, Store, StoreError};
use crate::dicts::Dicts;
use crate::library::{self, Imported, LibraryEntry, LibraryMatch};
use crate::model::{Case, CaseId, Status};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Version 3 of the schema: the 案例库 list and the province's decisions per case.
pub(crate) const V3: &str = "
CREATE TABLE library_entries (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    region TEXT NOT NULL,
    phone  TEXT NOT NULL,
    year   TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE TABLE desk (
    case_id         TEXT PRIMARY KEY,     -- cases.id
    opinion         TEXT,                 -- 同意 | 不同意 | NULL (not decided)
    position        INTEGER,              -- 序号 in the submission (1-based), NULL = after the ordered ones
    override_reason TEXT NOT NULL DEFAULT '', -- why a 案例库 match does not keep the case out
    updated_at      TEXT NOT NULL
);
";

/// 省级意见 on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Opinion {
    #[serde(rename = "同意")]
    Agree,
    #[serde(rename = "不同意")]
    Disagree,
}

impl Opinion {
    pub fn as_str(self) -> &'static str {
        match self {
            Opinion::Agree => "同意",
            Opinion::Disagree => "不同意",
        }
    }

    /// 同意 / 不同意 (also "agree"/"disagree", "是"/"否", "yes"/"no").
    pub fn parse(s: &str) -> Option<Opinion> {
        match s.trim() {
            "同意" | "是" | "agree" | "yes" => Some(Opinion::Agree),
            "不同意" | "否" | "disagree" | "no" => Some(Opinion::Disagree),
            _ => None,
        }
    }
}

/// The 案例库 list as stored: where it came from and how many people it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LibraryInfo {
    pub file: String,
    pub format: String,
    pub sheet: String,
    pub imported_at: String,
    pub count: usize,
    /// How many the list held before this import (re-import replaces it).
    pub previous: usize,
}

/// One case as the provincial view shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DeskCase {
    pub id: CaseId,
    pub name: String,
    pub region: String,
    pub province: String,
    pub county: String,
    pub field: String,
    pub status: Status,
    pub completeness: u8,
    pub errors: usize,
    pub warnings: usize,
    pub opinion: Option<Opinion>,
    /// 1-based place in the order of the submission (every live case has one).
    pub position: usize,
    pub override_reason: String,
    /// Matches in the 案例库 list (near misses included).
    pub library: Vec<LibraryMatch>,
    /// A match that keeps the case out of the quota (not overridden).
    pub library_flag: bool,
    /// The case's 所在地区 lies outside the submitting unit (text says why).
    pub outside_unit: Option<String>,
}

impl DeskCase {
    /// 同意, and not kept out by a 案例库 match.
    pub fn counts(&self) -> bool {
        self.opinion == Some(Opinion::Agree) && !self.library_flag
    }
}

/// The provincial view: the unit, the quota, the counter, every case in order.
#[derive(Debug, Clone, Serialize)]
pub struct Desk {
    pub unit: String,
    pub quota: usize,
    /// Cases marked 同意 (the counter "同意 14 / 20").
    pub agreed: usize,
    pub library: Option<LibraryInfo>,
    pub cases: Vec<DeskCase>,
}

impl Desk {
    /// The 同意 cases in order.
    pub fn agreed_cases(&self) -> impl Iterator<Item = &DeskCase> {
        self.cases
            .iter()
            .filter(|c| c.opinion == Some(Opinion::Agree))
    }
}

/// Whether a case's region lies outside `unit`; `Some(reason)` when it does. A case without a
/// province is not judged here (its missing 所在地区 is a validation error).
pub fn outside_unit(case: &Case, unit: &str, dicts: &Dicts) -> Option<String> {
    let unit = unit.trim();
    let province = case.region.province.trim();
    if unit.is_empty() || province.is_empty() {
        return None;
    }
    let core = library::place_core;
    let in_province = |p: &str| core(province) == core(p);
    if dicts.provinces.iter().any(|p| p == unit) {
        if !in_province(unit) {
            return Some(format!("所在地区为{province}，不属于{unit}"));
        }
        // A 计划单列市 in this province submits on its own.
        let city = core(&case.region.city);
        for c in &dicts.separately_planned_cities {
            if dicts.unit_provinces.get(c).is_some_and(|p| p == unit) && city == core(c) {
                return Some(format!("{c}是计划单列市，由其单独报送"));
            }
        }
        return None;
    }
    let home = dicts.unit_provinces.get(unit)?;
    if !in_province(home) {
        return Some(format!("所在地区为{province}，不属于{unit}"));
    }
    if dicts.separately_planned_cities.iter().any(|c| c == unit)
        && core(&case.region.city) != core(unit)
    {
        let city = case.region.city.trim();
        return Some(format!(
            "所在地区为{province}{city}，不属于{unit}",
            city = if city.is_empty() {
                "（未填市）"
            } else {
                city
            }
        ));
    }
    None
}

impl Store {
    /// The submitting unit (one of the 37), empty when not set.
    pub fn unit(&self) -> Result<String, StoreError> {
        Ok(self.meta("unit")?.unwrap_or_default())
    }

    /// Sets the submitting unit; it must be one of the 37 (a unique abbreviation such as 贵州
    /// is accepted and written in full).
    pub fn set_unit(&mut self, name: &str) -> Result<String, StoreError> {
        self.writable()?;
        let units = self.dicts.submitting_units();
        let n = name.trim();
        let found: Vec<&String> = if let Some(u) = units.iter().find(|u| *u == n) {
            vec![u]
        } else if let Some(u) = units.iter().find(|u| library::place_core(u) == n) {
            vec![u]
        } else {
            units
                .iter()
                .filter(|u| !n.is_empty() && (u.starts_with(n) || library::place_core(u) == n))
                .collect()
        };
        let [unit] = found.as_slice() else {
            return Err(StoreError::UnknownUnit {
                name: n.to_string(),
            });
        };
        let unit = unit.to_string();
        self.set_meta("unit", &unit)?;
        Ok(unit)
    }

    /// Replaces the 案例库 list with `imported` (one transaction).
    pub fn import_library(&mut self, imported: &Imported) -> Result<LibraryInfo, StoreError> {
        self.writable()?;
        let previous = self.library_count()?;
        let (at, _) = super::now();
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        let e = |e| sql_error(&path, e);
        tx.execute("DELETE FROM library_entries", []).map_err(e)?;
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO library_entries(name, region, phone, year, source)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(e)?;
            for en in &imported.entries {
                stmt.execute(params![en.name, en.region, en.phone, en.year, en.source])
                    .map_err(e)?;
            }
        }
        let info = LibraryInfo {
            file: imported.file.clone(),
            format: imported.format.clone(),
            sheet: imported.sheet.clone(),
            imported_at: at,
            count: imported.entries.len(),
            previous,
        };
        let json = serde_json::to_string(&info).map_err(|e| StoreError::Sqlite(e.to_string()))?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES('library', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [json],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(info)
    }

    fn library_count(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM library_entries", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.max(0) as usize)
            .map_err(|e| self.err(e))
    }

    /// The stored 案例库 list's origin, None before the first import.
    pub fn library_info(&self) -> Result<Option<LibraryInfo>, StoreError> {
        let Some(json) = self.meta("library")? else {
            return Ok(None);
        };
        let mut info: LibraryInfo = serde_json::from_str(&json).unwrap_or_default();
        info.count = self.library_count()?;
        Ok(Some(info))
    }

    /// The stored 案例库 list.
    pub fn library_entries(&self) -> Result<Vec<LibraryEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT name, region, phone, year, source FROM library_entries ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LibraryEntry {
                    name: r.get(0)?,
                    region: r.get(1)?,
                    phone: r.get(2)?,
                    year: r.get(3)?,
                    source: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Sets (or with None clears) the 省级意见 on a case.
    pub fn set_opinion(&mut self, id: CaseId, opinion: Option<Opinion>) -> Result<(), StoreError> {
        self.writable()?;
        self.live(id)?;
        let (at, _) = super::now();
        self.conn
            .execute(
                "INSERT INTO desk(case_id, opinion, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(case_id) DO UPDATE SET opinion = excluded.opinion,
                   updated_at = excluded.updated_at",
                params![id.to_string(), opinion.map(|o| o.as_str()), at],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Lets a case matched in the 案例库 count toward the quota, for a reason (required); None
    /// takes the override back.
    pub fn set_library_override(
        &mut self,
        id: CaseId,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.writable()?;
        self.live(id)?;
        let reason = match reason.map(str::trim) {
            Some("") => return Err(StoreError::OverrideReason),
            Some(r) => r,
            None => "",
        };
        let (at, _) = super::now();
        self.conn
            .execute(
                "INSERT INTO desk(case_id, override_reason, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(case_id) DO UPDATE SET override_reason = excluded.override_reason,
                   updated_at = excluded.updated_at",
                params![id.to_string(), reason, at],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Puts `ids` first, in this order (序号 1, 2, …); the other cases keep their order after
    /// them.
    pub fn set_order(&mut self, ids: &[CaseId]) -> Result<(), StoreError> {
        self.writable()?;
        for &id in ids {
            self.live(id)?;
        }
        let current: Vec<CaseId> = self.ordered_ids()?;
        let mut order: Vec<CaseId> = Vec::new();
        for id in ids.iter().chain(current.iter()) {
            if !order.contains(id) {
                order.push(*id);
            }
        }
        let (at, _) = super::now();
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        for (i, id) in order.iter().enumerate() {
            tx.execute(
                "INSERT INTO desk(case_id, position, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(case_id) DO UPDATE SET position = excluded.position,
                   updated_at = excluded.updated_at",
                params![id.to_string(), (i + 1) as i64, at],
            )
            .map_err(|e| sql_error(&path, e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, e))
    }

    /// Live cases in the submission's order: those with a position first, then the others as
    /// they were created.
    fn ordered_ids(&self) -> Result<Vec<CaseId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.id FROM cases c LEFT JOIN desk d ON d.case_id = c.id
                 WHERE c.deleted_at IS NULL
                 ORDER BY d.position IS NULL, d.position, c.created_at, c.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let s = r.map_err(|e| self.err(e))?;
            out.push(Uuid::parse_str(&s).unwrap_or_default());
        }
        Ok(out)
    }

    fn live(&self, id: CaseId) -> Result<(), StoreError> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM cases WHERE id = ?1 AND deleted_at IS NULL",
                [id.to_string()],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// The provincial view: every live case in the submission's order with its decisions,
    /// 案例库 matches and unit check.
    pub fn desk(&self) -> Result<Desk, StoreError> {
        let unit = self.unit()?;
        let entries = self.library_entries()?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.data, c.completeness, c.errors, c.warnings, d.opinion,
                        COALESCE(d.override_reason, '')
                 FROM cases c LEFT JOIN desk d ON d.case_id = c.id
                 WHERE c.deleted_at IS NULL
                 ORDER BY d.position IS NULL, d.position, c.created_at, c.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut cases = Vec::new();
        for (i, row) in rows.enumerate() {
            let (id, data, completeness, errors, warnings, opinion, override_reason) =
                row.map_err(|e| self.err(e))?;
            let case = super::parse_case(&id, &data)?;
            let library = library::match_case(&case, &entries);
            let library_flag =
                override_reason.trim().is_empty() && library.iter().any(|m| m.kind.flags());
            cases.push(DeskCase {
                id: case.id,
                name: case.person.name.trim().to_string(),
                region: case.region.one_line(),
                province: case.region.province.trim().to_string(),
                county: case.region.county.trim().to_string(),
                field: case.business.field.trim().to_string(),
                status: case.status,
                completeness: completeness.clamp(0, 100) as u8,
                errors: errors.max(0) as usize,
                warnings: warnings.max(0) as usize,
                opinion: opinion.as_deref().and_then(Opinion::parse),
                position: i + 1,
                override_reason,
                library,
                library_flag,
                outside_unit: outside_unit(&case, &unit, &self.dicts),
            });
        }
        Ok(Desk {
            agreed: cases
                .iter()
                .filter(|c| c.opinion == Some(Opinion::Agree))
                .count(),
            unit,
            quota: self.campaign.quota_per_unit as usize,
            library: self.library_info()?,
            cases,
        })
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub(crate) fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.writable()?;
        self.conn
            .execute(
                "INSERT INTO meta(key, value) VALUES(?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
