//! Aligned plain-text tables for the terminal: a header, a rule, then rows, with columns of
//! numbers right-aligned so their digits line up.
//!
//! ```
//! let text = betapool_harness::table::render(
//!     &["pool", "tasks/s"],
//!     &[vec!["static:4".into(), "950".into()], vec!["static:64".into(), "41000".into()]],
//! );
//! assert_eq!(text, "pool       tasks/s\n---------  -------\nstatic:4       950\nstatic:64    41000\n");
//! ```

/// Columns are this many spaces apart: enough to read, narrow enough for 80 columns.
const GAP: &str = "  ";

/// Cells that say "no value" (`-`, `—`, `n/a`, empty) do not decide a column's alignment.
const PLACEHOLDERS: [&str; 4] = ["", "-", "—", "n/a"];

/// `header` and `rows` as text: one line per row, each ending in a newline, with no trailing
/// spaces.
///
/// A column is right-aligned when every cell in it that is not a placeholder (`-`, `—`, `n/a`,
/// empty) is a number, possibly with a unit after it (`12.5`, `-3`, `95%`, `1.2x`, `3.4 ms`);
/// otherwise it is left-aligned. The header follows its column. Widths count characters, so
/// `µs` is two wide. A row shorter than the header is padded with empty cells; a longer one
/// widens the table.
///
/// # Examples
///
/// ```
/// let text = betapool_harness::table::render(&["workload", "p99"], &[vec!["io".into(), "1.2 ms".into()]]);
/// assert_eq!(text, "workload     p99\n--------  ------\nio        1.2 ms\n");
/// ```
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    let header_row: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();

    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .chain([&header_row])
                .map(|row| width(cell(row, i)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let right: Vec<bool> = (0..columns)
        .map(|i| {
            let mut values = rows
                .iter()
                .map(|row| cell(row, i).trim())
                .filter(|c| !PLACEHOLDERS.contains(c))
                .peekable();
            values.peek().is_some() && values.all(is_numeric)
        })
        .collect();

    let mut out = String::new();
    push_line(&mut out, &header_row, &widths, &right);
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    push_line(&mut out, &rule, &widths, &right);
    for row in rows {
        push_line(&mut out, row, &widths, &right);
    }
    out
}

/// Cell `i` of `row`, empty if the row is short.
fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// Appends one line of the table.
fn push_line(out: &mut String, cells: &[String], widths: &[usize], right: &[bool]) {
    let mut line = String::new();
    for (i, (&w, &right)) in widths.iter().zip(right).enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        let text = cell(cells, i);
        let pad = " ".repeat(w.saturating_sub(width(text)));
        if right {
            line.push_str(&pad);
            line.push_str(text);
        } else {
            line.push_str(text);
            line.push_str(&pad);
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Whether a cell reads as a number: an optional sign, then a digit (or a point and a digit).
fn is_numeric(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let digits = unsigned.strip_prefix('.').unwrap_or(unsigned);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// A cell's width on a terminal, counting characters rather than bytes.
fn width(cell: &str) -> usize {
    cell.chars().count()
}

#[cfg(test)]
mod tests;
