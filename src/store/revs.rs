//! The revision graph of the cases: what bundles carry and merges work on.
//!
//! - Every revision has its parents (one for an edit; two or more for a merge), office, device,
//!   time, whether the case was in the 回收站, the conflicts still open at it, and the case.
//! - A case's head is always one revision. Importing another office's head either leaves the
//!   case as it is (the same or an older revision), fast-forwards it (theirs descends from
//!   ours), or merges: the *real* heads (merge revisions are looked through to the edits they
//!   join) are merged field by field against their best common ancestor (`merge::merge`), into a
//!   merge revision whose id and content depend only on those heads. So every office that has
//!   seen the same revisions computes the same case and the same open conflicts, whatever the
//!   order the bundles arrived in.
//! - A revision that left the office (exported) is never rewritten; an unexported one of the
//!   same editing session (same office, device, store session, less than
//!   [`COALESCE_WINDOW`] since) is updated in place, so the history holds one revision per
//!   editing session instead of one per autosave.

use super::{now, parse_case, sql_error, Store, StoreError, Summary};
use crate::merge::{self, Conflict, Side};
use crate::model::{Case, CaseId, Status};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Saves of one session closer than this to the last one update it in place.
pub const COALESCE_WINDOW_SECS: i64 = 30 * 60;

/// One revision as stored and as carried in bundles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub id: String,
    pub case_id: CaseId,
    /// Previous revisions: none when created, one for an edit, two or more for a merge.
    #[serde(default)]
    pub parents: Vec<String>,
    pub office: String,
    pub device: String,
    pub at: String,
    /// The case is in the 回收站 at this revision.
    #[serde(default)]
    pub deleted: bool,
    /// "edit", "merge", "resolve", "delete", "restore", "join" (two ids of one person).
    #[serde(default = "edit")]
    pub kind: String,
    /// Conflicts still open at this revision.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    pub data: Case,
}

fn edit() -> String {
    "edit".into()
}

/// What the history shows of a revision.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub rev_id: String,
    pub parents: Vec<String>,
    pub number: i64,
    pub kind: String,
    /// What the revision was, as the history shows it (新建, 修改, 自动合并 …): [`kind_label`].
    pub kind_label: &'static str,
    /// Office (or "自动合并" for a merge revision).
    pub office: String,
    pub device: String,
    pub at: String,
    /// Labels of the fields changed against the first parent (all filled fields when created).
    pub changed: Vec<String>,
    pub conflicts: usize,
    pub exported: bool,
}

/// One competing value of a conflicting field.
#[derive(Debug, Clone, Serialize)]
pub struct ChoiceView {
    pub value: serde_json::Value,
    /// What a person reads: the text, a file's name, 已删除/保留.
    pub text: String,
    pub words: usize,
    /// The offices whose latest revisions hold it.
    pub offices: Vec<String>,
    pub revs: Vec<String>,
    /// This office's own value.
    pub mine: bool,
}

/// A conflicting field of a case, to decide.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub field: String,
    pub label: String,
    /// The value both started from (empty without a common revision).
    pub base_text: String,
    /// Every value is a text: an edited third text may be taken.
    pub editable: bool,
    pub choices: Vec<ChoiceView>,
}

/// A case with its open conflicts.
#[derive(Debug, Clone, Serialize)]
pub struct CaseConflicts {
    pub id: CaseId,
    pub name: String,
    pub conflicts: Vec<ConflictView>,
}

/// What an import would do to one case (and then did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not here yet.
    New,
    /// Theirs descends from ours: taken as it is.
    FastForward,
    /// The same revision, or an older one: nothing changes.
    Unchanged,
    /// Both changed: merged field by field; `conflicts` fields need a decision.
    Merged { conflicts: usize },
    /// Moved to the 回收站 elsewhere (and not changed here since).
    DeletedElsewhere,
}

impl Outcome {
    /// What an import does to the case, as the preview and the CLI say it.
    pub fn label(&self) -> String {
        match self {
            Outcome::New => "新增".into(),
            Outcome::FastForward => "更新".into(),
            Outcome::Unchanged => "没有变化".into(),
            Outcome::Merged { conflicts: 0 } => "自动合并".into(),
            Outcome::Merged { conflicts } => format!("有冲突（{conflicts} 处）"),
            Outcome::DeletedElsewhere => "已在别处删除".into(),
        }
    }
}

/// What a revision of the given kind was, as the history shows it; the first revision of a
/// case is its creation.
pub fn kind_label(kind: &str, number: usize) -> &'static str {
    match kind {
        "edit" if number == 1 => "新建",
        "edit" => "修改",
        "merge" => "自动合并",
        "resolve" => "处理冲突",
        "delete" => "移到回收站",
        "restore" => "从回收站恢复",
        "join" => "合并同一人",
        _ => "修改",
    }
}

/// The plan for one case: the revisions to add and the head they lead to.
#[derive(Debug, Clone)]
pub struct Plan {
    pub case_id: CaseId,
    pub outcome: Outcome,
    /// Revisions of the bundle not yet stored, in order.
    pub add: Vec<Revision>,
    /// A merge revision to add after them.
    pub merge: Option<Revision>,
    /// The head afterwards.
    pub head: String,
}

struct Node {
    parents: Vec<String>,
    kind: String,
    at: String,
}

/// The revisions of one case: the stored ones plus those about to be added.
struct Graph {
    nodes: HashMap<String, Node>,
}

impl Graph {
    fn ancestors(&self, id: &str) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut stack = vec![id.to_string()];
        while let Some(r) = stack.pop() {
            if seen.insert(r.clone()) {
                if let Some(n) = self.nodes.get(&r) {
                    stack.extend(n.parents.iter().cloned());
                }
            }
        }
        seen
    }

    /// Merge revisions looked through to the revisions they join.
    fn real(&self, id: &str, out: &mut BTreeSet<String>) {
        match self.nodes.get(id) {
            Some(n) if n.kind == "merge" && !n.parents.is_empty() => {
                for p in &n.parents {
                    self.real(p, out);
                }
            }
            _ => {
                out.insert(id.to_string());
            }
        }
    }

    /// The real heads behind `heads`: none an ancestor of another.
    fn frontier(&self, heads: &[&str]) -> Vec<String> {
        let mut all = BTreeSet::new();
        for h in heads {
            self.real(h, &mut all);
        }
        let all: Vec<String> = all.into_iter().collect();
        let anc: Vec<HashSet<String>> = all.iter().map(|r| self.ancestors(r)).collect();
        all.iter()
            .enumerate()
            .filter(|(i, r)| {
                !anc.iter()
                    .enumerate()
                    .any(|(j, a)| j != *i && a.contains(*r))
            })
            .map(|(_, r)| r.clone())
            .collect()
    }

    fn depth(&self, id: &str, memo: &mut HashMap<String, usize>) -> usize {
        if let Some(d) = memo.get(id) {
            return *d;
        }
        // Iterative over the parents to stay safe on long chains.
        let mut order = vec![id.to_string()];
        let mut i = 0;
        while i < order.len() {
            let r = order[i].clone();
            if let Some(n) = self.nodes.get(&r) {
                for p in &n.parents {
                    if !memo.contains_key(p) && !order.contains(p) {
                        order.push(p.clone());
                    }
                }
            }
            i += 1;
        }
        for r in order.iter().rev() {
            let d = self
                .nodes
                .get(r)
                .map(|n| {
                    n.parents
                        .iter()
                        .map(|p| memo.get(p).copied().unwrap_or(0) + 1)
                        .max()
                        .unwrap_or(0)
                })
                .unwrap_or(0);
            memo.insert(r.clone(), d);
        }
        memo[id]
    }

    /// The best common ancestor of `revs`: the deepest one (ties: the smallest id).
    fn base(&self, revs: &[String]) -> Option<String> {
        let mut common: Option<HashSet<String>> = None;
        for r in revs {
            let a = self.ancestors(r);
            common = Some(match common {
                None => a,
                Some(c) => c.intersection(&a).cloned().collect(),
            });
        }
        let mut memo = HashMap::new();
        let mut best: Option<(usize, String)> = None;
        let mut common: Vec<String> = common?.into_iter().collect();
        common.sort();
        for c in common {
            let d = self.depth(&c, &mut memo);
            if best.as_ref().is_none_or(|(bd, _)| d > *bd) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }
}

/// The id of the merge of `frontier` (sorted): the same on every office.
pub fn merge_id(frontier: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(b"tianbao-merge\n");
    for r in frontier {
        h.update(r.as_bytes());
        h.update(b"\n");
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid().to_string()
}

fn row_revision(r: &rusqlite::Row) -> rusqlite::Result<(Revision, Option<String>)> {
    let id: String = r.get(0)?;
    let case_id: String = r.get(1)?;
    let parents: String = r.get(2)?;
    let data: String = r.get(8)?;
    let conflicts: String = r.get(7)?;
    let bad = |e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    };
    Ok((
        Revision {
            case_id: uuid::Uuid::parse_str(&case_id).map_err(|e| bad(e.to_string()))?,
            parents: serde_json::from_str(&parents).map_err(|e| bad(e.to_string()))?,
            office: r.get(3)?,
            device: r.get(4)?,
            at: r.get(5)?,
            deleted: r.get::<_, i64>(6)? != 0,
            conflicts: serde_json::from_str(&conflicts).map_err(|e| bad(e.to_string()))?,
            data: parse_case(&id, &data).map_err(|e| bad(e.to_string()))?,
            kind: r.get(9)?,
            id,
        },
        r.get(10)?,
    ))
}

const REV_COLUMNS: &str =
    "id, case_id, parents, office, device, at, deleted, conflicts, data, kind, exported_at";

impl Store {
    /// One stored revision.
    pub fn revision(&self, rev_id: &str) -> Result<Option<Revision>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {REV_COLUMNS} FROM revisions WHERE id = ?1"),
                [rev_id],
                row_revision,
            )
            .optional()
            .map(|o| o.map(|(r, _)| r))
            .map_err(|e| self.err(e))
    }

    /// The head revision id of a case (live or in the 回收站), `None` if unknown here.
    pub fn head_of(&self, id: CaseId) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT head FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every stored revision of a case, in the order stored (parents before children).
    pub fn revisions_of(&self, id: CaseId) -> Result<Vec<Revision>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {REV_COLUMNS} FROM revisions WHERE case_id = ?1 ORDER BY rowid"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id.to_string()], row_revision)
            .map_err(|e| self.err(e))?;
        rows.map(|r| r.map(|(r, _)| r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))
    }

    /// The revisions a bundle carries for a case: its head's whole ancestry, parents first.
    pub fn revisions_for_export(&self, id: CaseId) -> Result<Vec<Revision>, StoreError> {
        let head = self.head_of(id)?.ok_or(StoreError::NotFound(id))?;
        let all = self.revisions_of(id)?;
        let graph = graph_of(&all, &[]);
        let keep = graph.ancestors(&head);
        Ok(all.into_iter().filter(|r| keep.contains(&r.id)).collect())
    }

    /// Records that these revisions left the office (they are never rewritten from now on).
    pub fn mark_exported(&mut self, rev_ids: &[String]) -> Result<(), StoreError> {
        self.writable()?;
        let (at, _) = now();
        let path = self.path.display().to_string();
        let tx = self.conn.transaction().map_err(|e| sql_error(&path, e))?;
        for r in rev_ids {
            tx.execute(
                "UPDATE revisions SET exported_at = ?2 WHERE id = ?1 AND exported_at IS NULL",
                params![r, at],
            )
            .map_err(|e| sql_error(&path, e))?;
        }
        tx.commit().map_err(|e| sql_error(&path, e))
    }

    /// What importing `incoming` (revisions of one case, parents first) with head `head` would
    /// do. Writes nothing.
    pub fn plan_import(
        &self,
        case_id: CaseId,
        incoming: &[Revision],
        head: &str,
    ) -> Result<Plan, StoreError> {
        let stored = self.revisions_of(case_id)?;
        let known: HashSet<&str> = stored.iter().map(|r| r.id.as_str()).collect();
        let add: Vec<Revision> = incoming
            .iter()
            .filter(|r| !known.contains(r.id.as_str()))
            .cloned()
            .collect();
        let local = self.head_of(case_id)?;
        let Some(local) = local else {
            return Ok(Plan {
                case_id,
                outcome: Outcome::New,
                add,
                merge: None,
                head: head.to_string(),
            });
        };
        let graph = graph_of(&stored, incoming);
        let plan = |outcome, merge, head: &str| Plan {
            case_id,
            outcome,
            add: add.clone(),
            merge,
            head: head.to_string(),
        };
        if local == head || graph.ancestors(&local).contains(head) {
            return Ok(plan(Outcome::Unchanged, None, &local));
        }
        let find = |id: &str| -> Option<&Revision> {
            stored.iter().chain(incoming.iter()).find(|r| r.id == id)
        };
        if graph.ancestors(head).contains(&local) {
            let theirs = find(head).expect("head is in the bundle");
            let mine = find(&local);
            let outcome = if theirs.deleted && mine.is_some_and(|m| !m.deleted) {
                Outcome::DeletedElsewhere
            } else {
                Outcome::FastForward
            };
            return Ok(plan(outcome, None, head));
        }
        let frontier = graph.frontier(&[&local, head]);
        if frontier.len() == 1 {
            // One side only looked different through a merge revision; its real head wins.
            let h = &frontier[0];
            let outcome = if graph.ancestors(h).contains(&local) {
                Outcome::FastForward
            } else {
                Outcome::Unchanged
            };
            return Ok(plan(outcome, None, h));
        }
        let mid = merge_id(&frontier);
        if let Some(m) = find(&mid) {
            let n = m.conflicts.len();
            return Ok(plan(Outcome::Merged { conflicts: n }, None, &mid));
        }
        let base_id = graph.base(&frontier);
        let base = base_id.as_deref().and_then(find);
        let sides_revs: Vec<&Revision> = frontier.iter().filter_map(|r| find(r)).collect();
        let sides: Vec<Side> = sides_revs
            .iter()
            .map(|r| Side {
                rev: &r.id,
                office: &r.office,
                at: &r.at,
                case: &r.data,
                deleted: r.deleted,
                carried: &r.conflicts,
            })
            .collect();
        let merged = merge::merge(base.map(|b| (&b.data, b.deleted)), &sides);
        let at = sides_revs
            .iter()
            .map(|r| r.at.clone())
            .max()
            .unwrap_or_default();
        let n = merged.conflicts.len();
        let rev = Revision {
            id: mid.clone(),
            case_id,
            parents: frontier.clone(),
            office: String::new(),
            device: String::new(),
            at,
            deleted: merged.deleted,
            kind: "merge".into(),
            conflicts: merged.conflicts,
            data: merged.case,
        };
        Ok(plan(Outcome::Merged { conflicts: n }, Some(rev), &mid))
    }

    /// Applies plans (from [`Store::plan_import`]) in one transaction. The attached files they
    /// refer to must already be stored.
    pub fn apply_plans(&mut self, plans: &[Plan]) -> Result<(), StoreError> {
        self.writable()?;
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        for p in plans {
            for r in p.add.iter().chain(p.merge.iter()) {
                insert_revision(&tx, r, "", None).map_err(|e| sql_error(&path, e))?;
            }
            if p.outcome != Outcome::Unchanged || p.add.iter().any(|r| r.id == p.head) {
                set_head(&tx, p.case_id, &p.head, &self.campaign, &self.dicts)
                    .map_err(|e| sql_error(&path, e))?;
            }
        }
        tx.commit().map_err(|e| sql_error(&path, e))
    }

    /// The open conflicts of a case (those of its head revision).
    pub fn conflicts(&self, id: CaseId) -> Result<Vec<Conflict>, StoreError> {
        let head = self.head_of(id)?.ok_or(StoreError::NotFound(id))?;
        Ok(self
            .revision(&head)?
            .map(|r| r.conflicts)
            .unwrap_or_default())
    }

    /// The cases with open conflicts.
    pub fn cases_with_conflicts(&self) -> Result<Vec<(CaseId, String, Vec<Conflict>)>, StoreError> {
        let ids: Vec<(String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, name FROM cases WHERE conflicts > 0 ORDER BY updated_at DESC")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.err(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.err(e))?
        };
        let mut out = Vec::new();
        for (id, name) in ids {
            let id = uuid::Uuid::parse_str(&id).unwrap_or_default();
            out.push((id, name, self.conflicts(id)?));
        }
        Ok(out)
    }

    /// Which choice of a conflict is this office's: the one whose revisions include one made
    /// on this device, else none.
    pub fn my_choice<'a>(&self, c: &'a Conflict) -> Option<usize> {
        c.choices.iter().position(|ch| {
            ch.revs.iter().any(|r| {
                self.revision(r)
                    .ok()
                    .flatten()
                    .is_some_and(|r| r.device == self.identity.device)
            })
        })
    }

    /// A conflict as the app and the CLI show it: each value's text, 字数 and offices, which
    /// one is this office's, and whether the values are texts one can edit into a third.
    pub fn conflict_view(&self, c: &Conflict) -> ConflictView {
        let mine = self.my_choice(c);
        ConflictView {
            field: c.field.clone(),
            label: c.label.clone(),
            base_text: merge::display(&c.field, &c.base),
            editable: c.choices.iter().all(|ch| ch.value.is_string()),
            choices: c
                .choices
                .iter()
                .enumerate()
                .map(|(i, ch)| ChoiceView {
                    value: ch.value.clone(),
                    text: merge::display(&c.field, &ch.value),
                    words: merge::word_count(&ch.value),
                    offices: ch
                        .offices
                        .iter()
                        .filter(|o| !o.trim().is_empty())
                        .cloned()
                        .collect(),
                    revs: ch.revs.clone(),
                    mine: Some(i) == mine,
                })
                .collect(),
        }
    }

    /// Every case with open conflicts, each conflict as [`Store::conflict_view`] shows it.
    pub fn conflict_views(&self) -> Result<Vec<CaseConflicts>, StoreError> {
        Ok(self
            .cases_with_conflicts()?
            .into_iter()
            .map(|(id, name, cs)| CaseConflicts {
                id,
                name,
                conflicts: cs.iter().map(|c| self.conflict_view(c)).collect(),
            })
            .collect())
    }

    /// Resolves one conflicting field of a case with `value` (a choice's value, or an edited
    /// text): a new revision on top of the head, without that conflict.
    pub fn resolve(
        &mut self,
        id: CaseId,
        field: &str,
        value: &serde_json::Value,
    ) -> Result<super::Saved, StoreError> {
        let head = self.head_of(id)?.ok_or(StoreError::NotFound(id))?;
        let rev = self.revision(&head)?.ok_or(StoreError::NotFound(id))?;
        if !rev.conflicts.iter().any(|c| c.field == field) {
            return Err(StoreError::NoConflict {
                field: merge::label(field),
            });
        }
        let mut case = rev.data.clone();
        let mut deleted = rev.deleted;
        merge::set_field(&mut case, &mut deleted, field, value).map_err(StoreError::Merge)?;
        let conflicts: Vec<Conflict> = rev
            .conflicts
            .iter()
            .filter(|c| c.field != field)
            .cloned()
            .collect();
        self.append(id, &head, case, deleted, "resolve", conflicts)
    }

    /// Joins two cases of the same person: `other`'s fields merged into `keep` (a filled field
    /// never lost: where both are filled differently, a conflict to decide), its files united;
    /// `other` goes to the 回收站.
    pub fn join_cases(&mut self, keep: CaseId, other: CaseId) -> Result<super::Saved, StoreError> {
        let kh = self.head_of(keep)?.ok_or(StoreError::NotFound(keep))?;
        let oh = self.head_of(other)?.ok_or(StoreError::NotFound(other))?;
        let k = self.revision(&kh)?.ok_or(StoreError::NotFound(keep))?;
        let o = self.revision(&oh)?.ok_or(StoreError::NotFound(other))?;
        let mut oc = o.data.clone();
        oc.id = keep;
        let sides = [
            Side {
                rev: &k.id,
                office: &k.office,
                at: &k.at,
                case: &k.data,
                deleted: false,
                carried: &k.conflicts,
            },
            Side {
                rev: &o.id,
                office: &o.office,
                at: &o.at,
                case: &oc,
                deleted: false,
                carried: &[],
            },
        ];
        let m = merge::merge(None, &sides);
        let saved = self.append(keep, &kh, m.case, false, "join", m.conflicts)?;
        let mut gone = o.data.clone();
        gone.id = other;
        self.append(other, &oh, gone, true, "delete", o.conflicts.clone())?;
        Ok(saved)
    }

    /// Appends a revision (never coalesced) on top of `parent` and moves the head to it.
    pub(crate) fn append(
        &mut self,
        id: CaseId,
        parent: &str,
        mut case: Case,
        deleted: bool,
        kind: &str,
        conflicts: Vec<Conflict>,
    ) -> Result<super::Saved, StoreError> {
        self.writable()?;
        case.id = id;
        case.scrub();
        if !conflicts.is_empty() {
            case.status = Status::Draft;
        }
        let (at, _) = now();
        let rev = Revision {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: id,
            parents: vec![parent.to_string()],
            office: self.identity.office.clone(),
            device: self.identity.device.clone(),
            at,
            deleted,
            kind: kind.into(),
            conflicts,
            data: case,
        };
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))?;
        let head: Option<String> = tx
            .query_row(
                "SELECT head FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| sql_error(&path, e))?;
        if head.as_deref() != Some(parent) {
            return Err(StoreError::Moved { id });
        }
        insert_revision(&tx, &rev, &self.session, None).map_err(|e| sql_error(&path, e))?;
        set_head(&tx, id, &rev.id, &self.campaign, &self.dicts).map_err(|e| sql_error(&path, e))?;
        tx.commit().map_err(|e| sql_error(&path, e))?;
        let report = self.validate(&rev.data);
        self.saved(id, rev.id, report, Vec::new())
    }

    /// The history of a case, oldest first, with what each revision changed.
    pub fn history_detail(&self, id: CaseId) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {REV_COLUMNS} FROM revisions WHERE case_id = ?1 ORDER BY rowid"
            ))
            .map_err(|e| self.err(e))?;
        let rows: Vec<(Revision, Option<String>)> = stmt
            .query_map([id.to_string()], row_revision)
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        if rows.is_empty() {
            return Err(StoreError::NotFound(id));
        }
        let by_id: HashMap<&str, &Revision> =
            rows.iter().map(|(r, _)| (r.id.as_str(), r)).collect();
        let mut out = Vec::new();
        for (i, (r, exported)) in rows.iter().enumerate() {
            let parent = r.parents.first().and_then(|p| by_id.get(p.as_str()));
            let mut changed: Vec<String> =
                merge::changed_fields(parent.map(|p| (&p.data, p.deleted)), (&r.data, r.deleted))
                    .iter()
                    .map(|f| merge::label(f))
                    .collect();
            changed.dedup();
            out.push(HistoryEntry {
                rev_id: r.id.clone(),
                parents: r.parents.clone(),
                number: i as i64 + 1,
                kind_label: kind_label(&r.kind, i + 1),
                kind: r.kind.clone(),
                office: if r.kind == "merge" {
                    "自动合并".into()
                } else {
                    r.office.clone()
                },
                device: r.device.clone(),
                at: r.at.clone(),
                changed,
                conflicts: r.conflicts.len(),
                exported: exported.is_some(),
            });
        }
        Ok(out)
    }
}

fn graph_of(stored: &[Revision], incoming: &[Revision]) -> Graph {
    let mut nodes = HashMap::new();
    for r in stored.iter().chain(incoming) {
        nodes.entry(r.id.clone()).or_insert_with(|| Node {
            parents: r.parents.clone(),
            kind: r.kind.clone(),
            at: r.at.clone(),
        });
    }
    let _ = nodes.values().map(|n: &Node| &n.at).count();
    Graph { nodes }
}

/// Inserts a revision unless one with its id is stored (revisions never change once shared).
pub(crate) fn insert_revision(
    tx: &Transaction,
    r: &Revision,
    session: &str,
    exported_at: Option<&str>,
) -> rusqlite::Result<()> {
    let data = serde_json::to_string(&r.data)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let parents = serde_json::to_string(&r.parents).unwrap_or_else(|_| "[]".into());
    let conflicts = serde_json::to_string(&r.conflicts).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT OR IGNORE INTO revisions(id, case_id, parent, parents, office, device, at, data,
             deleted, kind, conflicts, session, exported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            r.id,
            r.case_id.to_string(),
            r.parents.first(),
            parents,
            r.office,
            r.device,
            r.at,
            data,
            r.deleted as i64,
            r.kind,
            conflicts,
            session,
            exported_at
        ],
    )?;
    Ok(())
}

/// Moves a case's head to a stored revision and refreshes its list columns.
pub(crate) fn set_head(
    tx: &Transaction,
    id: CaseId,
    head: &str,
    campaign: &crate::campaign::Campaign,
    dicts: &crate::dicts::Dicts,
) -> rusqlite::Result<()> {
    let (data, deleted, conflicts, at): (String, i64, String, String) = tx.query_row(
        "SELECT data, deleted, conflicts, at FROM revisions WHERE id = ?1",
        [head],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let case: Case = serde_json::from_str(&data)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let n_conflicts = serde_json::from_str::<Vec<serde_json::Value>>(&conflicts)
        .map(|v| v.len())
        .unwrap_or(0);
    let report = crate::validate::validate(&case, campaign, dicts);
    let s = Summary::of(&case, &report);
    let (now_at, _) = now();
    tx.execute(
        "INSERT INTO cases(id, head, data, status, name, title, region, account,
         completeness, errors, warnings, created_at, updated_at, deleted_at, conflicts,
         missing, search, person_key, id_scans)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14,
                 ?17, ?18, ?19, ?20)
         ON CONFLICT(id) DO UPDATE SET head = excluded.head, data = excluded.data,
           status = excluded.status, name = excluded.name, title = excluded.title,
           region = excluded.region, account = excluded.account,
           completeness = excluded.completeness, errors = excluded.errors,
           warnings = excluded.warnings, updated_at = excluded.updated_at,
           deleted_at = CASE WHEN ?15 THEN coalesce(cases.deleted_at, ?16) ELSE NULL END,
           conflicts = excluded.conflicts, missing = excluded.missing,
           search = excluded.search, person_key = excluded.person_key,
           id_scans = excluded.id_scans",
        params![
            id.to_string(),
            head,
            data,
            case.status.as_str(),
            s.name,
            s.title,
            s.region,
            s.account,
            report.completeness,
            report.errors as i64,
            report.warnings as i64,
            at,
            if deleted != 0 {
                Some(now_at.clone())
            } else {
                None
            },
            n_conflicts as i64,
            deleted != 0,
            now_at,
            report.missing_materials.join("、"),
            s.search,
            s.person_key,
            s.id_scans
        ],
    )?;
    Ok(())
}
