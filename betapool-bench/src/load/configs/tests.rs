//! Tests of the configurations' order: flags as given, a directory's defaults first, and errors naming the flag.

use std::fs;

use anyhow::Result;

use super::resolve_configs;
use crate::load::testing::{parse, temp_dir};

#[test]
fn configs_resolve_in_order() {
    let dir = temp_dir("configs");
    for name in ["zeta", "named-adaptive", "alpha", "shared-static"] {
        fs::write(dir.join(format!("{name}.toml")), "").unwrap();
    }
    fs::write(dir.join("notes.md"), "").unwrap();
    let dir_s = dir.display().to_string();
    let names = |args: &[&str]| -> Result<Vec<String>> {
        let argv: Vec<&str> = ["--server", "s"].iter().chain(args).copied().collect();
        Ok(resolve_configs(&parse(&argv).unwrap())?
            .into_iter()
            .map(|c| c.name)
            .collect())
    };
    assert_eq!(
        names(&["--configs", &dir_s]).unwrap(),
        ["shared-static", "named-adaptive", "alpha", "zeta"]
    );
    let zeta = format!("z={}/zeta.toml", dir_s);
    let alpha = format!("a={}/alpha.toml", dir_s);
    assert_eq!(
        names(&["--config", &zeta, "--config", &alpha]).unwrap(),
        ["z", "a"]
    );
    let err = names(&["--config", &zeta, "--config", &zeta]).unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
    let err = names(&["--config", "m=/nonexistent.toml"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("--config m=/nonexistent.toml: no such file")
    );
    let empty = temp_dir("configs-empty");
    let err = names(&["--configs", &empty.display().to_string()]).unwrap_err();
    assert!(err.to_string().contains("no .toml file"), "{err}");
    let err = names(&["--configs", "/nonexistent-dir"]).unwrap_err();
    assert!(
        err.to_string().contains("cannot read the directory"),
        "{err}"
    );
    let _ = fs::remove_dir_all(dir);
    let _ = fs::remove_dir_all(empty);
}
