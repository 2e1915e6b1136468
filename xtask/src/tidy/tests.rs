//! Tests of the tidy task's input reading and of the rules run together.

use super::*;

fn member(name: &str, manifest: &str, deps: &[&str]) -> Member {
    Member {
        name: name.to_owned(),
        manifest: manifest.to_owned(),
        internal_deps: deps.iter().map(|d| (*d).to_owned()).collect(),
    }
}

#[test]
fn metadata_gives_members_with_their_internal_deps_of_every_kind() {
    let metadata = serde_json::json!({
        "workspace_root": "/w",
        "workspace_members": ["a-id", "b-id"],
        "packages": [
            {
                "id": "a-id", "name": "a", "manifest_path": "/w/a/Cargo.toml",
                "dependencies": [
                    {"name": "b", "kind": null},
                    {"name": "b", "kind": "dev"},
                    {"name": "serde", "kind": null}
                ]
            },
            {
                "id": "b-id", "name": "b", "manifest_path": "/w/examples/b/Cargo.toml",
                "dependencies": [{"name": "a", "kind": "build"}]
            }
        ]
    });
    let members = members_from_metadata(&metadata).unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].name, "a");
    assert_eq!(members[0].manifest, "a/Cargo.toml");
    assert_eq!(
        members[0].internal_deps.iter().collect::<Vec<_>>(),
        ["b"],
        "dependencies outside the workspace are not internal; kinds are merged"
    );
    assert_eq!(members[1].manifest, "examples/b/Cargo.toml");
    assert!(
        members[1].internal_deps.contains("a"),
        "build dependencies count"
    );
}

#[test]
fn a_workspace_that_follows_every_rule_has_no_violation() {
    let architecture = "## Crates and layers\n\n\
        | layer | crate | holds | betapool crates | other crates |\n\
        |---|---|---|---|---|\n\
        | 0 | `core` | the engine | — | |\n\
        | 1 | `app` (`examples/app/`) | a program | `core` | anyhow |\n";
    let members = [
        member("core", "core/Cargo.toml", &[]),
        member("app", "examples/app/Cargo.toml", &["core"]),
    ];
    let files = [SourceFile {
        path: "core/src/lib.rs".to_owned(),
        text: "//! The engine.\n".to_owned(),
    }];
    assert_eq!(check_all(architecture, &members, &files), []);
}

#[test]
fn every_violation_is_reported_not_only_the_first() {
    let architecture = "## Crates and layers\n\n\
        | layer | crate | holds | betapool crates | other crates |\n\
        |---|---|---|---|---|\n\
        | 0 | `core` | the engine | — | |\n";
    let members = [member("core", "core/Cargo.toml", &[])];
    let files = [
        SourceFile {
            path: "core/src/lib.rs".to_owned(),
            text: "fn main() {}\n".to_owned(),
        },
        SourceFile {
            path: "core/src/big.rs".to_owned(),
            text: format!("//! Big.\n{}", "\n".repeat(700)),
        },
    ];
    let found = check_all(architecture, &members, &files);
    let files: Vec<&str> = found.iter().map(|v| v.file.as_str()).collect();
    assert_eq!(files, ["core/src/lib.rs", "core/src/big.rs"], "{found:?}");
}

#[test]
fn a_violation_reads_file_then_rule() {
    let v = Violation::new("a/Cargo.toml", "depends on b");
    assert_eq!(v.to_string(), "a/Cargo.toml: depends on b");
}
