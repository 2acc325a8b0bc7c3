//! Property: three offices (three stores in temp folders) edit the same cases at random and
//! exchange bundles in random orders. Once every office has seen every office's last bundle
//! (imported in a different order on each office), all hold the same cases and the same open
//! conflicts, and every state any office exported is in every office's history.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tianbao::bundle::{self, ExportOptions};
use tianbao::model::{Case, CaseId};
use tianbao::store::Store;

#[derive(Debug, Clone)]
enum Op {
    /// Office, case (0/1), field, value.
    Edit(usize, usize, usize, usize),
    /// Office moves a case to the 回收站 or back.
    Delete(usize, usize),
    /// Office `from` exports everything; office `to` imports it.
    Send(usize, usize),
}

const VALUES: &[&str] = &["", "甲", "乙乙", "丙丙丙", "很长的一段基本情况介绍"];

fn set(c: &mut Case, field: usize, v: &str) {
    match field {
        0 => c.intro.basics = v.into(),
        1 => c.results = v.into(),
        2 => c.lessons = v.into(),
        3 => c.person.phone = v.into(),
        _ => {
            if c.practices.is_empty() {
                c.practices.push(Default::default());
            }
            c.practices[0].text = v.into()
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..2usize, 0..5usize, 0..VALUES.len()).prop_map(|(o, c, f, v)| Op::Edit(o, c, f, v)),
        1 => (0..3usize, 0..2usize).prop_map(|(o, c)| Op::Delete(o, c)),
        3 => (0..3usize, 0..3usize).prop_map(|(a, b)| Op::Send(a, b)),
    ]
}

fn export(store: &mut Store, dir: &Path) -> PathBuf {
    let p = dir.join(format!("{}.tianbao", uuid::Uuid::new_v4()));
    bundle::export(
        store,
        &ExportOptions {
            ids: ids(store),
            passphrase: None,
        },
        &p,
    )
    .unwrap();
    p
}

/// Every case, live or in the 回收站.
fn ids(store: &Store) -> Vec<CaseId> {
    let mut v: Vec<CaseId> = [false, true]
        .iter()
        .flat_map(|&trash| {
            store
                .list_cases(&tianbao::store::ListQuery {
                    trash,
                    ..Default::default()
                })
                .unwrap()
        })
        .map(|s| s.id)
        .collect();
    v.sort();
    v
}

/// What must agree: each case's content, whether it is in the 回收站, and its open conflicts
/// (field and the set of competing values).
fn state(store: &Store) -> Vec<(Case, bool, Vec<(String, Vec<String>)>)> {
    ids(store)
        .into_iter()
        .map(|id| {
            let head = store.head_of(id).unwrap().unwrap();
            let rev = store.revision(&head).unwrap().unwrap();
            let conflicts = rev
                .conflicts
                .iter()
                .map(|c| {
                    let mut v: Vec<String> =
                        c.choices.iter().map(|ch| ch.value.to_string()).collect();
                    v.sort();
                    (c.field.clone(), v)
                })
                .collect();
            (rev.data, rev.deleted, conflicts)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn offices_that_saw_the_same_bundles_agree(ops in proptest::collection::vec(op(), 1..14)) {
        let out = tempfile::tempdir().unwrap();
        let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let mut stores: Vec<Store> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut s = Store::open(&d.path().join("t.db")).unwrap();
                s.set_office(&format!("单位{i}")).unwrap();
                s
            })
            .collect();
        // Two cases made at office 0, sent to the others.
        let mut cases = Vec::new();
        for name in ["李明", "王芳"] {
            let mut c = Case::new();
            c.person.name = name.into();
            stores[0].save_case(&c).unwrap();
            cases.push(c.id);
        }
        let first = export(&mut stores[0], out.path());
        for s in stores.iter_mut().skip(1) {
            bundle::import(s, &first, None).unwrap();
        }
        // (case, field, value) of every exported state: must stay in every history.
        let mut exported: Vec<(CaseId, Case)> = Vec::new();
        for op in &ops {
            match *op {
                Op::Edit(o, c, f, v) => {
                    let mut case = stores[o].get_case(cases[c]).unwrap();
                    set(&mut case, f, VALUES[v]);
                    stores[o].save_case(&case).unwrap();
                }
                Op::Delete(o, c) => {
                    let s = &mut stores[o];
                    let head = s.head_of(cases[c]).unwrap().unwrap();
                    if s.revision(&head).unwrap().unwrap().deleted {
                        s.restore_case(cases[c]).unwrap();
                    } else {
                        s.delete_case(cases[c]).unwrap();
                    }
                }
                Op::Send(a, b) => {
                    for id in &cases {
                        exported.push((*id, stores[a].get_case(*id).unwrap()));
                    }
                    let p = export(&mut stores[a], out.path());
                    bundle::import(&mut stores[b], &p, None).unwrap();
                }
            }
        }
        // Everyone's last bundle to everyone, in a different order on each office.
        let last: Vec<PathBuf> = (0..3).map(|i| export(&mut stores[i], out.path())).collect();
        for (i, s) in stores.iter_mut().enumerate() {
            for k in 0..3 {
                bundle::import(s, &last[(i + k) % 3], None).unwrap();
            }
        }
        let s0 = state(&stores[0]);
        for s in &stores[1..] {
            prop_assert_eq!(&state(s), &s0);
        }
        // Nothing exported is missing from any history.
        for s in &stores {
            for (id, case) in &exported {
                let revs = s.revisions_of(*id).unwrap();
                prop_assert!(revs.iter().any(|r| r.data == *case), "an exported state is missing");
            }
        }
    }
}
