//! `cargo xtask tidy`: the house rules no compiler checks, each a pure function over plain inputs.
//!
//! - [`deps`]: every crate's betapool dependencies are exactly the ones its row of the crate table
//!   in `ARCHITECTURE.md` lists, and every arrow points down to a lower layer.
//! - [`doc_line`]: every source file starts with a `//!` line saying what it is for.
//! - [`loom_shim`]: the engine takes its sync primitives only from the crate-private loom shim.
//! - [`file_size`]: no non-test source file is longer than [`file_size::MAX_LINES`] lines.
//!
//! [`run`] gathers the inputs from the disk (the architecture text, `cargo metadata`, the source
//! files), prints every violation as `file: rule` and fails if there is any.

mod deps;
mod doc_line;
mod file_size;
mod loom_shim;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cmd;

/// A broken house rule: the file at fault (relative to the root, with a line when one is to
/// blame) and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) file: String,
    pub(crate) message: String,
}

impl Violation {
    pub(crate) fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// A workspace member as the dependency rule sees it.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) name: String,
    /// Its `Cargo.toml`, relative to the root (`betapool-core/Cargo.toml`).
    pub(crate) manifest: String,
    /// The other members it depends on, of any kind (normal, dev, build).
    pub(crate) internal_deps: BTreeSet<String>,
}

/// A Rust source file: its path relative to the root, with `/` separators, and its text.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub(crate) path: String,
    pub(crate) text: String,
}

pub(crate) fn run(_args: &[String]) -> Result<()> {
    let root = cmd::root();
    let architecture =
        std::fs::read_to_string(root.join("ARCHITECTURE.md")).context("reading ARCHITECTURE.md")?;
    let members = members()?;
    let files = source_files(&root, &members)?;
    let violations = check_all(&architecture, &members, &files);
    for v in &violations {
        eprintln!("{v}");
    }
    if !violations.is_empty() {
        bail!(
            "tidy: {} violation(s) of the house rules ({} crates, {} source files checked)",
            violations.len(),
            members.len(),
            files.len()
        );
    }
    eprintln!(
        "xtask tidy: {} crates and {} source files follow the house rules",
        members.len(),
        files.len()
    );
    Ok(())
}

/// Every rule over the gathered inputs, in a stable order.
pub(crate) fn check_all(
    architecture: &str,
    members: &[Member],
    files: &[SourceFile],
) -> Vec<Violation> {
    let mut violations = deps::check(architecture, members);
    violations.extend(doc_line::check(files));
    violations.extend(loom_shim::check(files));
    violations.extend(file_size::check(files));
    violations
}

/// The workspace members and their internal dependencies, from `cargo metadata`.
fn members() -> Result<Vec<Member>> {
    let output = cmd::cargo(&["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("could not start cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("parsing cargo metadata")?;
    members_from_metadata(&metadata)
}

/// Reads the members out of `cargo metadata --format-version 1 --no-deps` output.
pub(crate) fn members_from_metadata(metadata: &serde_json::Value) -> Result<Vec<Member>> {
    let text = |v: &serde_json::Value, key: &str| -> Result<String> {
        v.get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("cargo metadata: no string `{key}`"))
    };
    let root = text(metadata, "workspace_root")?;
    let ids: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata: no `workspace_members`")?
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let packages: Vec<&serde_json::Value> = metadata["packages"]
        .as_array()
        .context("cargo metadata: no `packages`")?
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| ids.contains(id)))
        .collect();
    let names: BTreeSet<String> = packages
        .iter()
        .map(|p| text(p, "name"))
        .collect::<Result<_>>()?;
    packages
        .iter()
        .map(|p| {
            let manifest = text(p, "manifest_path")?;
            let manifest = Path::new(&manifest)
                .strip_prefix(&root)
                .map_or(manifest.clone(), |m| m.to_string_lossy().replace('\\', "/"));
            let internal_deps = p["dependencies"]
                .as_array()
                .context("cargo metadata: no `dependencies`")?
                .iter()
                .filter_map(|d| d["name"].as_str())
                .filter(|d| names.contains(*d))
                .map(str::to_owned)
                .collect();
            Ok(Member {
                name: text(p, "name")?,
                manifest,
                internal_deps,
            })
        })
        .collect()
}

/// Every `.rs` file under the members' folders (which hold their `src/`, `tests/`, `benches/`,
/// `examples/` and `betapool-group/fuzz/`), without build output (`target/`) or hidden folders.
fn source_files(root: &Path, members: &[Member]) -> Result<Vec<SourceFile>> {
    let mut paths = BTreeSet::new();
    for m in members {
        let dir = Path::new(&m.manifest)
            .parent()
            .map_or_else(|| root.to_path_buf(), |d| root.join(d));
        collect_rs(&dir, &mut paths)?;
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let rel = path.strip_prefix(root).unwrap_or(&path);
            Ok(SourceFile {
                path: rel.to_string_lossy().replace('\\', "/"),
                text,
            })
        })
        .collect()
}

fn collect_rs(dir: &Path, out: &mut BTreeSet<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type()?.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect_rs(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.insert(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
