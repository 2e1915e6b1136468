//! The loom rule: the engine (`betapool-core/src/engine/`) takes its sync primitives only from
//! the crate-private shim `crate::loom`, so that `cargo xtask loom` explores every interleaving of
//! them. A primitive taken from std directly is invisible to loom: a race on it is never modelled.
//!
//! The rule reads paths, not file names: in the code of every engine file (comments, doc examples
//! and string literals are skipped), each path rooted at `std`, `core` or `alloc`, with `use`
//! groups expanded, is checked against [`forbidden`]. A bare `thread_local!` is checked too.

use super::{SourceFile, Violation};

/// The folder whose files the rule covers.
const ENGINE: &str = "betapool-core/src/engine/";

/// Items of `std::sync` the engine may name although the shim re-exports the module: loom's
/// locks return std's poison types (loom has none of its own), and they carry no shared state.
const ALLOWED_SYNC: &[&str] = &["PoisonError", "LockResult", "TryLockError", "TryLockResult"];

/// Items of `std::sync::atomic` the engine may name: `Ordering` is a plain enum that loom itself
/// re-exports from std, not a primitive.
const ALLOWED_ATOMIC: &[&str] = &["Ordering"];

/// Items of `std::thread` the engine may name: `available_parallelism` reads the process's
/// affinity mask and CPU quota once, at build time; it shares nothing between threads, so loom
/// has nothing to model and no counterpart for it.
const ALLOWED_THREAD: &[&str] = &["available_parallelism"];

/// Every use of a sync primitive from outside the shim in the engine's files.
pub(crate) fn check(files: &[SourceFile]) -> Vec<Violation> {
    let mut violations = Vec::new();
    for f in files.iter().filter(|f| f.path.starts_with(ENGINE)) {
        let code = blank_comments_and_strings(&f.text);
        for (offset, path) in rooted_paths(&code) {
            if forbidden(&path) {
                violations.push(violation(f, &code, offset, &item(&path).join("::")));
            }
        }
        for (offset, _) in code.match_indices("thread_local!") {
            let before = &code[..offset];
            let bare = !before.ends_with("::")
                && !before
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if bare {
                violations.push(violation(f, &code, offset, "thread_local!"));
            }
        }
    }
    violations
}

fn violation(f: &SourceFile, code: &str, offset: usize, what: &str) -> Violation {
    let line = code[..offset].matches('\n').count() + 1;
    Violation::new(
        format!("{}:{line}", f.path),
        format!(
            "uses {what}: the engine takes its sync primitives only from crate::loom (the loom \
             shim), so loom can model every race"
        ),
    )
}

/// Whether the path `segments` (rooted at `std`, `core` or `alloc`) names a sync primitive, or a
/// module of them, that the engine must take from the shim.
pub(crate) fn forbidden(segments: &[String]) -> bool {
    let seg = |i: usize| segments.get(i).map(String::as_str);
    match (seg(1), seg(2), seg(3)) {
        (Some("sync"), Some("atomic"), Some(item)) => !ALLOWED_ATOMIC.contains(&item),
        (Some("sync"), Some(item), _) if item != "atomic" => !ALLOWED_SYNC.contains(&item),
        // `std::sync` or `std::sync::atomic` themselves: everything in them becomes reachable.
        (Some("sync"), ..) => true,
        (Some("thread"), Some(item), _) => !ALLOWED_THREAD.contains(&item),
        (Some("thread" | "thread_local"), ..) => true,
        (Some("cell"), Some(item), _) => item == "UnsafeCell" || item == "*",
        _ => false,
    }
}

/// The part of a path the rule judges: `std::sync::Arc::new` is a use of `std::sync::Arc`,
/// `std::sync::atomic::AtomicUsize::new` of `std::sync::atomic::AtomicUsize`.
fn item(segments: &[String]) -> &[String] {
    let len = if segments.get(2).is_some_and(|s| s == "atomic") {
        4
    } else {
        3
    };
    &segments[..len.min(segments.len())]
}

/// The paths in `code` rooted at `std`, `core` or `alloc` (also behind a leading `::`), each with
/// the byte offset of its root; a `use` group (`std::sync::{Arc, Mutex}`) gives one path per item
/// and a glob ends in `*`.
pub(crate) fn rooted_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    for root in ["std", "core", "alloc"] {
        for (offset, _) in code.match_indices(root) {
            let before = &code[..offset];
            let inside_ident = before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            // `foo::std::…` is an item of `foo`; `::std::…` (nothing before the `::`) is std.
            let inside_path = before
                .strip_suffix("::")
                .and_then(|b| b.chars().next_back())
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '>');
            let mut pos = offset + root.len();
            if inside_ident || inside_path || !code[pos..].starts_with("::") {
                continue;
            }
            pos += 2;
            let mut paths = Vec::new();
            expand(bytes, &mut pos, vec![root.to_owned()], &mut paths);
            out.extend(paths.into_iter().map(|p| (offset, p)));
        }
    }
    out.sort();
    out
}

/// Reads a path or `use` tree from `bytes[*pos..]` (just after a `::`), pushing the full path of
/// every leaf onto `out`.
fn expand(bytes: &[u8], pos: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let skip_space = |pos: &mut usize| {
        while bytes.get(*pos).is_some_and(u8::is_ascii_whitespace) {
            *pos += 1;
        }
    };
    let ident = |pos: &mut usize| {
        let start = *pos;
        while bytes
            .get(*pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            *pos += 1;
        }
        String::from_utf8_lossy(&bytes[start..*pos]).into_owned()
    };
    loop {
        skip_space(pos);
        match bytes.get(*pos) {
            Some(b'{') => {
                *pos += 1;
                loop {
                    skip_space(pos);
                    match bytes.get(*pos) {
                        None => return,
                        Some(b'}') => {
                            *pos += 1;
                            return;
                        }
                        Some(b',') => *pos += 1,
                        Some(_) => {
                            let before = *pos;
                            expand(bytes, pos, prefix.clone(), out);
                            if *pos == before {
                                // Not a path: step over it rather than loop forever.
                                *pos += 1;
                            }
                        }
                    }
                }
            }
            Some(b'*') => {
                *pos += 1;
                prefix.push("*".to_owned());
                out.push(prefix);
                return;
            }
            _ => {}
        }
        let segment = ident(pos);
        if segment.is_empty() {
            out.push(prefix);
            return;
        }
        prefix.push(segment);
        if bytes[*pos..].starts_with(b"::") {
            *pos += 2;
            continue;
        }
        // `use std::sync::Arc as StdArc`: the rename names nothing new.
        let mut after = *pos;
        skip_space(&mut after);
        if bytes[after..].starts_with(b"as ") {
            after += 3;
            skip_space(&mut after);
            ident(&mut after);
            *pos = after;
        }
        out.push(prefix);
        return;
    }
}

/// `text` with comments and the insides of string and char literals replaced by spaces (line
/// breaks kept), so that only code is searched and byte offsets still give line numbers.
pub(crate) fn blank_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            // A raw string: `r"…"` or `r#"…"#`, ended by a quote and as many hashes.
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for k in 0..skip {
                    if let Some(&ch) = chars.get(i + k) {
                        out.push(blank(ch));
                    }
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                out.extend(std::iter::repeat_n(' ', skip));
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Whether the `'` at `i` opens a char literal (`'a'`, `'\n'`, `'\''`) rather than a lifetime.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

#[cfg(test)]
mod tests;
