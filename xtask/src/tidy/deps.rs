//! The dependency rule: the crate table of `ARCHITECTURE.md` is the truth about internal
//! dependencies, and every arrow points down.
//!
//! The table under `## Crates and layers` has the columns `layer`, `crate` and `betapool crates`
//! (among others). Each workspace member has exactly one row; each row names a member (a
//! backticked name in the `crate` column, possibly followed by its path); a member's dependencies
//! on other members, of any kind, are exactly the `betapool crates` of its row (`—` for none);
//! and each of them sits on a strictly lower layer, since a sideways or upward arrow ties
//! together crates that the layering promises can change apart.

use std::collections::{BTreeMap, BTreeSet};

use super::{Member, Violation};

/// Where the table lives.
const ARCHITECTURE: &str = "ARCHITECTURE.md";

/// The heading the table sits under.
const SECTION: &str = "## Crates and layers";

/// What the `betapool crates` column holds for a crate with no internal dependency.
const NONE: &str = "—";

/// One row of the crate table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// The row's line in `ARCHITECTURE.md`, from 1.
    pub(crate) line: usize,
    pub(crate) layer: u32,
    pub(crate) name: String,
    pub(crate) deps: BTreeSet<String>,
}

/// Every violation of the dependency rule by `members` against the table in `architecture`.
pub(crate) fn check(architecture: &str, members: &[Member]) -> Vec<Violation> {
    let (rows, mut violations) = parse_table(architecture);
    let mut by_name: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in &rows {
        if by_name.insert(&row.name, row).is_some() {
            violations.push(Violation::new(
                format!("{ARCHITECTURE}:{}", row.line),
                format!("a second row for {} in the crate table", row.name),
            ));
        }
    }
    let member_names: BTreeSet<&str> = members.iter().map(|m| m.name.as_str()).collect();
    for row in &rows {
        if !member_names.contains(row.name.as_str()) {
            violations.push(Violation::new(
                format!("{ARCHITECTURE}:{}", row.line),
                format!(
                    "the crate table has a row for {}, which is not a workspace member",
                    row.name
                ),
            ));
        }
    }
    for m in members {
        let Some(row) = by_name.get(m.name.as_str()) else {
            violations.push(Violation::new(
                &m.manifest,
                format!("{} has no row in the crate table of {ARCHITECTURE}", m.name),
            ));
            continue;
        };
        for dep in m.internal_deps.difference(&row.deps) {
            violations.push(Violation::new(
                &m.manifest,
                format!("depends on {dep}, which its row in {ARCHITECTURE} does not list"),
            ));
        }
        for dep in row.deps.difference(&m.internal_deps) {
            violations.push(Violation::new(
                &m.manifest,
                format!("does not depend on {dep}, which its row in {ARCHITECTURE} lists"),
            ));
        }
        for dep in &m.internal_deps {
            // A dependency with no row has been reported above; its layer is unknown.
            let Some(target) = by_name.get(dep.as_str()) else {
                continue;
            };
            let direction = if target.layer == row.layer {
                "sideways"
            } else if target.layer > row.layer {
                "up"
            } else {
                continue;
            };
            violations.push(Violation::new(
                &m.manifest,
                format!(
                    "depends on {dep} (layer {}) from layer {}: arrows must point down ({direction})",
                    target.layer, row.layer
                ),
            ));
        }
    }
    violations
}

/// The rows of the crate table, and a violation for each row that cannot be read.
pub(crate) fn parse_table(architecture: &str) -> (Vec<Row>, Vec<Violation>) {
    let mut rows = Vec::new();
    let mut violations = Vec::new();
    let missing = || {
        Violation::new(
            ARCHITECTURE,
            format!(
                "no crate table (columns `layer`, `crate`, `betapool crates`) under `{SECTION}`"
            ),
        )
    };
    let mut lines = architecture.lines().enumerate();
    if !lines.any(|(_, l)| l.trim_end() == SECTION) {
        return (rows, vec![missing()]);
    }
    // The first table of the section: its header, then the `|---|` line, then the rows.
    let mut table = lines
        .take_while(|(_, l)| !l.starts_with("## "))
        .skip_while(|(_, l)| !l.trim_start().starts_with('|'))
        .take_while(|(_, l)| l.trim_start().starts_with('|'));
    let Some((_, header)) = table.next() else {
        return (rows, vec![missing()]);
    };
    let header = cells(header);
    let column = |name: &str| header.iter().position(|c| c == name);
    let (Some(layer_col), Some(crate_col), Some(deps_col)) =
        (column("layer"), column("crate"), column("betapool crates"))
    else {
        return (rows, vec![missing()]);
    };
    for (index, line) in table.skip(1) {
        let at = format!("{ARCHITECTURE}:{}", index + 1);
        let cells = cells(line);
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let Some(name) = backticked(cell(crate_col)).into_iter().next() else {
            violations.push(Violation::new(
                at,
                "a row of the crate table names no crate (the crate column needs a backticked name)",
            ));
            continue;
        };
        let Ok(layer) = cell(layer_col).parse::<u32>() else {
            violations.push(Violation::new(
                at,
                format!(
                    "the layer of {name} reads `{}`, not a number",
                    cell(layer_col)
                ),
            ));
            continue;
        };
        let deps_cell = cell(deps_col);
        let deps: BTreeSet<String> = backticked(deps_cell).into_iter().collect();
        if deps.is_empty() && deps_cell != NONE {
            violations.push(Violation::new(
                at,
                format!(
                    "the betapool crates of {name} read `{deps_cell}`: list backticked crate \
                     names, or {NONE} for none"
                ),
            ));
            continue;
        }
        rows.push(Row {
            line: index + 1,
            layer,
            name,
            deps,
        });
    }
    (rows, violations)
}

/// The trimmed cells of a table line, without the empty ones outside the outer pipes.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split('|').map(|c| c.trim().to_owned()).collect()
}

/// The backticked names in a cell that look like crate names (a path such as
/// `` `examples/inference-server/` `` is not one).
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests;
