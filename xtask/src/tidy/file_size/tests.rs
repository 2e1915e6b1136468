//! Tests of the size rule and of what counts as a test file.

use super::*;

fn file(path: &str, lines: usize) -> SourceFile {
    SourceFile {
        path: path.to_owned(),
        text: "//! A line.\n".repeat(lines),
    }
}

#[test]
fn an_oversized_file_is_named_with_its_length() {
    let found = check(&[file("betapool-bench/src/soak.rs", MAX_LINES + 1)]);
    assert_eq!(
        found.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "betapool-bench/src/soak.rs: 601 lines, over the 600-line limit for a non-test source \
          file (one concept per file: split it)"
        ]
    );
}

#[test]
fn a_file_at_the_limit_passes() {
    assert_eq!(check(&[file("betapool-core/src/lib.rs", MAX_LINES)]), []);
}

#[test]
fn test_and_bench_files_may_be_longer() {
    let long = MAX_LINES * 2;
    let files = [
        file("betapool-core/tests/failure_modes.rs", long),
        file("betapool-core/src/tests/loom_engine.rs", long),
        file("betapool-core/src/controller/tests.rs", long),
        file("betapool-core/benches/pool.rs", long),
    ];
    assert_eq!(check(&files), []);
}

#[test]
fn only_test_folders_and_tests_rs_are_test_files() {
    assert!(is_test("examples/inference-server/tests/service.rs"));
    assert!(is_test("a/src/tests/helpers/mod.rs"));
    assert!(!is_test("a/src/tests_helper.rs"));
    assert!(!is_test("a/src/testing.rs"));
    assert!(!is_test("a/src/benches.rs"));
    assert!(!is_test("tests"));
}
