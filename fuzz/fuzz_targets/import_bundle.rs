//! Fuzz target: any bytes as a bundle file, through the whole verifying reader
//! (`tianbao::bundle::read::open`) and, when it passes, the import into an empty store.
//! Nothing may panic; every refusal is a `BundleError`. Run: `scripts/fuzz_bundle.sh`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.tianbao");
    std::fs::write(&path, data).unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    if tianbao::bundle::read::open(&path, Some("口令"), &work, &|_| false).is_ok() {
        let mut store = tianbao::store::Store::open(&dir.path().join("t.db")).unwrap();
        let _ = tianbao::bundle::import(&mut store, &path, Some("口令"));
    }
});
