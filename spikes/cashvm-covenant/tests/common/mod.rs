//! Reads the public 2026 VMB vectors straight from `../shared/vectors/vmb-2026.tar.zst`
//! (override with `HEGEMON_VMB_ARCHIVE`); they are never unpacked into the repository.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

fn archive_path() -> PathBuf {
    std::env::var_os("HEGEMON_VMB_ARCHIVE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // The runtime value: a test binary reused from another checkout (a shared target
            // directory) must look beside this one.
            let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
                .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
            manifest.join("../../../shared/vectors/vmb-2026.tar.zst")
        })
}

/// Every file in the archive whose name ends with one of `suffixes`, keyed by
/// `suite/name` (e.g. `bch_2026_standard/core.hashing.vmb_tests.json`).
pub fn files(suffixes: &[&str]) -> BTreeMap<String, String> {
    let path = archive_path();
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!("{}: {e}. The VMB vectors live in shared/vectors beside the clone; set HEGEMON_VMB_ARCHIVE", path.display())
    });
    let decoder = ruzstd::decoding::StreamingDecoder::new(file).expect("zstd archive");
    let mut archive = tar::Archive::new(decoder);
    let mut files = BTreeMap::new();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        if !suffixes.iter().any(|s| name.ends_with(s)) {
            continue;
        }
        let key = name.trim_start_matches("./").to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8 text");
        files.insert(key, text);
    }
    files
}

/// The suite folder of a key (`bch_2026_standard`, `bch_2026_nonstandard`, `bch_2026_invalid`).
pub fn suite(key: &str) -> &str {
    key.split('/').next().unwrap_or("?")
}
