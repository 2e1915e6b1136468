//! A plain-text table for the terminal: a header, a rule, then rows with aligned columns.

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Text, such as a pool name.
    Left,
    /// Numbers, so that their digits line up.
    Right,
}

/// Columns are this many spaces apart: enough to read, narrow enough for 80 columns.
const GAP: &str = "  ";

/// A table built row by row and rendered once, when every column's width is known.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub(crate) fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            headers: headers
                .iter()
                .map(|(name, align)| ((*name).to_owned(), *align))
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row. A short row is padded with empty cells and cells past the last column are
    /// dropped, so a miscounted row shows up as a visible gap rather than a crash.
    pub(crate) fn push(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// The table as text, one line per row, each ending in a newline, without trailing spaces.
    pub(crate) fn render(&self) -> String {
        let widths: Vec<usize> = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                self.rows
                    .iter()
                    .map(|row| width(&row[i]))
                    .chain([width(name)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let header: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        self.line(&mut out, &header, &widths);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        self.line(
            &mut out,
            &rule.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths,
        );
        for row in &self.rows {
            self.line(
                &mut out,
                &row.iter().map(String::as_str).collect::<Vec<_>>(),
                &widths,
            );
        }
        out
    }

    fn line(&self, out: &mut String, cells: &[&str], widths: &[usize]) {
        let mut line = String::new();
        for (i, ((cell, width), (_, align))) in
            cells.iter().zip(widths).zip(&self.headers).enumerate()
        {
            if i > 0 {
                line.push_str(GAP);
            }
            let pad = " ".repeat(width.saturating_sub(self::width(cell)));
            match align {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The width of a cell on a terminal, counting characters rather than bytes so that `µ` is one.
fn width(cell: &str) -> usize {
    cell.chars().count()
}

#[cfg(test)]
mod tests;
