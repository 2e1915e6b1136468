//! The size rule: no non-test source file is longer than [`MAX_LINES`] lines.

use super::{SourceFile, Violation};

/// The most lines a non-test source file may have. The house rule is one concept per file, and
/// the largest single-concept files of the workspace (the engine's shared state, the controller's
/// config) stay under about 550 lines with their docs; a file past 600 almost always holds
/// two concepts that could be read, and changed, apart.
pub(crate) const MAX_LINES: usize = 600;

/// Every non-test file of `files` longer than [`MAX_LINES`] lines.
pub(crate) fn check(files: &[SourceFile]) -> Vec<Violation> {
    files
        .iter()
        .filter(|f| !is_test(&f.path))
        .filter_map(|f| {
            let lines = f.text.lines().count();
            (lines > MAX_LINES).then(|| {
                Violation::new(
                    &f.path,
                    format!(
                        "{lines} lines, over the {MAX_LINES}-line limit for a non-test source \
                         file (one concept per file: split it)"
                    ),
                )
            })
        })
        .collect()
}

/// Whether `path` is a test or bench file, which may be as long as its cases need: under a
/// `tests/` folder (integration tests, or a crate's `src/tests/`), a `tests.rs` unit-test file,
/// or under `benches/`.
pub(crate) fn is_test(path: &str) -> bool {
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if (!last && (part == "tests" || part == "benches")) || (last && part == "tests.rs") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
