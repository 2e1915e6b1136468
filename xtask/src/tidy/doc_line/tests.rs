//! Tests of the first-line rule.

use super::*;

fn file(text: &str) -> SourceFile {
    SourceFile {
        path: "betapool-core/src/a.rs".to_owned(),
        text: text.to_owned(),
    }
}

#[test]
fn a_file_that_starts_with_a_doc_line_passes() {
    assert_eq!(check(&[file("//! What it is for.\n\nfn f() {}\n")]), []);
}

#[test]
fn a_file_without_a_doc_line_is_named() {
    let found = check(&[file("use std::fmt;\n//! Too late.\n")]);
    assert_eq!(
        found.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["betapool-core/src/a.rs: does not start with a //! line saying what the file is for"]
    );
}

#[test]
fn a_blank_first_line_or_a_plain_comment_does_not_count() {
    assert_eq!(check(&[file("\n//! What it is for.\n")]).len(), 1);
    assert_eq!(check(&[file("// What it is for.\n")]).len(), 1);
    assert_eq!(check(&[file("")]).len(), 1);
}
