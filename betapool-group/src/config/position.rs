//! Places in a config file: byte offsets to 1-based lines and columns, where each key path
//! was found, and a best guess at the key path of a syntax error.

use std::collections::HashMap;

/// The 1-based line and column (in characters) of byte `offset` of `text`. An offset past
/// the end (toml points one past the last byte for "unexpected end of file") is placed
/// after the last character.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(text, offset);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `offset`, clamped to `text` and moved back to a character boundary. A span always
/// starts on one; this only guards against a bad span.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where each key path of a file was found, so that a fault found later by validation (which
/// knows only key paths) can be placed in the file.
#[derive(Debug, Default)]
pub(super) struct Positions {
    /// Key path to the byte offset of its value (of its name, for a pool's path).
    keys: HashMap<String, usize>,
    /// Table path to the byte offset of its header (or of its first key, for a table only
    /// implied by dotted keys).
    tables: HashMap<String, usize>,
}

impl Positions {
    /// Records that `path` is at byte `offset`.
    pub(super) fn key(&mut self, path: String, offset: usize) {
        self.keys.insert(path, offset);
    }

    /// Records that the table `path` starts at byte `offset`.
    pub(super) fn table(&mut self, path: String, offset: usize) {
        self.tables.insert(path, offset);
    }

    /// Whether the file wrote `path` itself.
    pub(super) fn has_key(&self, path: &str) -> bool {
        self.keys.contains_key(path)
    }

    /// The offset of `path`; for a key the file left out (a default), that of the nearest
    /// table around it; failing all, the start of the file.
    pub(super) fn locate(&self, path: &str) -> usize {
        if let Some(&offset) = self.keys.get(path) {
            return offset;
        }
        let mut path = path;
        loop {
            if let Some(&offset) = self.tables.get(path) {
                return offset;
            }
            match path.rsplit_once('.') {
                Some((parent, _)) => path = parent,
                None => return 0,
            }
        }
    }
}

/// The key path of a syntax error at byte `offset`, read from the text around it since the
/// parser gives none: a header line's table (`[pools.io]` gives `pools.io`), or the last
/// header above joined with the key before `=` on the error's line. Quotes around key parts
/// are dropped. `None` when neither can be found.
pub(super) fn syntax_key_path(text: &str, offset: usize) -> Option<String> {
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    if line.starts_with('[') {
        return header(line);
    }
    let table = text[..line_start].lines().rev().find_map(|l| {
        let l = l.trim();
        if l.starts_with('[') { header(l) } else { None }
    });
    let key = line
        .split_once('=')
        .and_then(|(key, _)| dotted(key))
        .filter(|_| !line.starts_with('#'));
    match (table, key) {
        (Some(table), Some(key)) => Some(format!("{table}.{key}")),
        (table, key) => key.or(table),
    }
}

/// The table a `[a.b]` or `[[a.b]]` header line names.
fn header(line: &str) -> Option<String> {
    let inner = line.trim_start_matches('[').split(']').next()?;
    dotted(inner)
}

/// A dotted key with its parts trimmed and unquoted (`pools . "io"` gives `pools.io`);
/// `None` if a part is empty or has characters no key has.
fn dotted(key: &str) -> Option<String> {
    let parts: Vec<&str> = key
        .split('.')
        .map(|part| part.trim().trim_matches(|c| c == '"' || c == '\''))
        .collect();
    let keylike = |part: &&str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
    };
    parts.iter().all(keylike).then(|| parts.join("."))
}
