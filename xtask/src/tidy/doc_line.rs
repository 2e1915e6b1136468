//! The first-line rule: every source file starts with a `//!` line saying what it is for, so a
//! reader (and `cargo doc`, for modules) learns a file's purpose before its code.

use super::{SourceFile, Violation};

/// Every file of `files` whose first line is not a `//!` line (a blank first line counts as one
/// that is not).
pub(crate) fn check(files: &[SourceFile]) -> Vec<Violation> {
    files
        .iter()
        .filter(|f| !f.text.starts_with("//!"))
        .map(|f| {
            Violation::new(
                &f.path,
                "does not start with a //! line saying what the file is for",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
