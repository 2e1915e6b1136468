//! Tests of the dependency rule: the table is read as written, and each kind of difference
//! between it and the manifests is named with the file and the rule.

use std::collections::BTreeSet;

use super::*;

/// A table in the shape of `ARCHITECTURE.md`'s, with a crate at a path and a layer of two.
const ARCHITECTURE: &str = "# Architecture\n\
\n\
## Crates and layers\n\
\n\
Each crate sits on a layer.\n\
\n\
| layer | crate | holds | betapool crates | other crates |\n\
|---|---|---|---|---|\n\
| 0 | `betapool-core` | the engine | — | crossbeam-deque |\n\
| 0 | `betapool-metrics` | samples | — | serde |\n\
| 1 | `betapool-instrumented` | the engine plus metrics | `betapool-core`, `betapool-metrics` | libc |\n\
| 2 | `betapool-static` | a fixed size | `betapool-instrumented`, `betapool-core` | serde |\n\
| 2 | `betapool-adaptive` | a controller | `betapool-instrumented`, `betapool-core` | libc |\n\
| 3 | `inference-server` (`examples/inference-server/`) | an example | `betapool-static` | tiny_http |\n\
\n\
## Invariants\n\
\n\
| not | the | table |\n";

fn member(name: &str, deps: &[&str]) -> Member {
    let dir = if name == "inference-server" {
        "examples/inference-server".to_owned()
    } else {
        name.to_owned()
    };
    Member {
        name: name.to_owned(),
        manifest: format!("{dir}/Cargo.toml"),
        internal_deps: deps.iter().map(|d| (*d).to_owned()).collect(),
    }
}

/// The workspace the table above describes, exactly.
fn workspace() -> Vec<Member> {
    vec![
        member("betapool-core", &[]),
        member("betapool-metrics", &[]),
        member(
            "betapool-instrumented",
            &["betapool-core", "betapool-metrics"],
        ),
        member(
            "betapool-static",
            &["betapool-instrumented", "betapool-core"],
        ),
        member(
            "betapool-adaptive",
            &["betapool-instrumented", "betapool-core"],
        ),
        member("inference-server", &["betapool-static"]),
    ]
}

fn messages(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

#[test]
fn the_table_is_read_with_layers_deps_and_crates_at_a_path() {
    let (rows, violations) = parse_table(ARCHITECTURE);
    assert_eq!(violations, []);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "betapool-core",
            "betapool-metrics",
            "betapool-instrumented",
            "betapool-static",
            "betapool-adaptive",
            "inference-server"
        ],
        "the table after the next heading is not read"
    );
    assert_eq!(rows[0].deps, BTreeSet::new(), "— means none");
    assert_eq!(rows[2].layer, 1);
    assert_eq!(rows[2].line, 11);
    assert_eq!(
        rows[5].deps,
        BTreeSet::from(["betapool-static".to_owned()]),
        "a path in the crate column is not a dependency"
    );
}

#[test]
fn a_workspace_that_matches_its_table_passes() {
    assert_eq!(messages(&check(ARCHITECTURE, &workspace())), [""; 0]);
}

#[test]
fn a_planted_sideways_dependency_names_the_file_and_the_rule_even_when_listed() {
    // betapool-adaptive depends on betapool-static, both on layer 2, and its row says so.
    let architecture = ARCHITECTURE.replace(
        "| a controller | `betapool-instrumented`, `betapool-core` |",
        "| a controller | `betapool-instrumented`, `betapool-core`, `betapool-static` |",
    );
    let mut members = workspace();
    members[4]
        .internal_deps
        .insert("betapool-static".to_owned());
    assert_eq!(
        messages(&check(&architecture, &members)),
        [
            "betapool-adaptive/Cargo.toml: depends on betapool-static (layer 2) from layer 2: \
          arrows must point down (sideways)"
        ]
    );
}

#[test]
fn an_upward_dependency_is_named_up() {
    let architecture =
        ARCHITECTURE.replace("| samples | — |", "| samples | `betapool-instrumented` |");
    let mut members = workspace();
    members[1]
        .internal_deps
        .insert("betapool-instrumented".to_owned());
    assert_eq!(
        messages(&check(&architecture, &members)),
        [
            "betapool-metrics/Cargo.toml: depends on betapool-instrumented (layer 1) from layer 0: \
          arrows must point down (up)"
        ]
    );
}

#[test]
fn a_dependency_missing_from_the_table_is_named() {
    let mut members = workspace();
    members[5].internal_deps.insert("betapool-core".to_owned());
    assert_eq!(
        messages(&check(ARCHITECTURE, &members)),
        [
            "examples/inference-server/Cargo.toml: depends on betapool-core, which its row in \
          ARCHITECTURE.md does not list"
        ]
    );
}

#[test]
fn a_listed_dependency_the_manifest_lacks_is_named() {
    let mut members = workspace();
    members[3].internal_deps.remove("betapool-core");
    assert_eq!(
        messages(&check(ARCHITECTURE, &members)),
        [
            "betapool-static/Cargo.toml: does not depend on betapool-core, which its row in \
          ARCHITECTURE.md lists"
        ]
    );
}

#[test]
fn a_row_with_no_crate_is_named_with_its_line() {
    let architecture = ARCHITECTURE.replace("| 0 | `betapool-metrics` |", "| 0 | metrics |");
    let mut members = workspace();
    members.remove(1);
    for m in &mut members {
        m.internal_deps.remove("betapool-metrics");
    }
    let found = messages(&check(&architecture, &members));
    assert!(
        found.contains(
            &"ARCHITECTURE.md:10: a row of the crate table names no crate (the crate column \
              needs a backticked name)"
                .to_owned()
        ),
        "{found:?}"
    );
}

#[test]
fn a_row_for_a_crate_that_is_not_a_member_is_named() {
    let mut members = workspace();
    members.remove(2);
    for m in &mut members {
        m.internal_deps.remove("betapool-instrumented");
    }
    let found = messages(&check(ARCHITECTURE, &members));
    assert!(
        found.contains(
            &"ARCHITECTURE.md:11: the crate table has a row for betapool-instrumented, which is \
              not a workspace member"
                .to_owned()
        ),
        "{found:?}"
    );
}

#[test]
fn a_member_with_no_row_is_named_by_its_manifest() {
    let mut members = workspace();
    members.push(member("xtask", &[]));
    assert_eq!(
        messages(&check(ARCHITECTURE, &members)),
        ["xtask/Cargo.toml: xtask has no row in the crate table of ARCHITECTURE.md"]
    );
}

#[test]
fn an_unreadable_cell_is_named_not_taken_as_none() {
    let architecture = ARCHITECTURE.replace("| samples | — |", "| samples | core |");
    let (_, violations) = parse_table(&architecture);
    assert_eq!(
        messages(&violations),
        [
            "ARCHITECTURE.md:10: the betapool crates of betapool-metrics read `core`: list \
          backticked crate names, or — for none"
        ]
    );
}

#[test]
fn a_document_without_the_table_is_one_violation() {
    let found = messages(&check("# Architecture\n\nNo table.\n", &workspace()));
    assert_eq!(
        found[0],
        "ARCHITECTURE.md: no crate table (columns `layer`, `crate`, `betapool crates`) under \
         `## Crates and layers`"
    );
}

#[test]
fn the_real_table_reads_without_errors() {
    let text = std::fs::read_to_string(crate::cmd::root().join("ARCHITECTURE.md")).unwrap();
    let (rows, violations) = parse_table(&text);
    assert_eq!(violations, []);
    assert!(
        rows.iter()
            .any(|r| r.name == "betapool-core" && r.deps.is_empty())
    );
    assert!(rows.iter().any(|r| r.name == "inference-server"));
    assert!(rows.iter().any(|r| r.name == "xtask"));
}
