//! Unit tests of the pieces under the file format: positions, key paths of syntax errors,
//! quoting, and thread-name limits.

use super::keys;
use super::position::{line_column, syntax_key_path};
use super::{PoolConfig, PoolKind};

#[test]
fn line_column_counts_from_one_in_characters() {
    let text = "a = 1\nbé = 2\n";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 6), (2, 1));
    // `=` on line 2 is after two characters and a space, three bytes into `bé `.
    assert_eq!(line_column(text, 10), (2, 4));
    // Past the end: after the last character.
    assert_eq!(line_column(text, 999), (3, 1));
}

#[test]
fn syntax_key_path_reads_header_and_key() {
    let text = "max_total_threads = 1\n[pools.io]\nkind = \n[pools . \"cpu\"]\n";
    let at = |needle: &str| text.find(needle).unwrap();
    assert_eq!(
        syntax_key_path(text, at("max")),
        Some("max_total_threads".into())
    );
    assert_eq!(
        syntax_key_path(text, at("kind")),
        Some("pools.io.kind".into())
    );
    assert_eq!(
        syntax_key_path(text, at("[pools.io]")),
        Some("pools.io".into())
    );
    assert_eq!(
        syntax_key_path(text, at("[pools .")),
        Some("pools.cpu".into())
    );
    assert_eq!(syntax_key_path("= 3\n", 0), None);
}

#[test]
fn quote_leaves_bare_keys_bare() {
    assert_eq!(keys::quote("io-1_b"), "io-1_b");
    assert_eq!(keys::quote(""), "\"\"");
    assert_eq!(keys::quote("a b\"\n"), "\"a b\\\"\\u000A\"");
}

#[test]
fn name_limit_follows_the_longest_thread_name() {
    let cases = [
        (PoolConfig::fixed("x", 1), "x-0", 13),
        (PoolConfig::fixed("x", 10), "x-9", 13),
        (PoolConfig::fixed("x", 11), "x-10", 12),
        (PoolConfig::adaptive("x", 1, 1), "x-ctl", 11),
        (PoolConfig::adaptive("x", 1, 1000), "x-999", 11),
        (PoolConfig::adaptive("x", 1, 1001), "x-1000", 10),
        (PoolConfig::adaptive("x", 1, 32_768), "x-32767", 9),
    ];
    for (pool, longest, limit) in cases {
        assert_eq!(pool.longest_thread_name(), longest);
        assert_eq!(pool.kind.max_name_len(), limit, "{pool:?}");
        let name = "a".repeat(limit);
        let fits = PoolConfig::new(name.clone(), pool.kind.clone());
        assert!(fits.longest_thread_name().len() <= super::THREAD_NAME_LIMIT);
        let over = PoolConfig::new(format!("{name}a"), pool.kind.clone());
        assert!(over.longest_thread_name().len() > super::THREAD_NAME_LIMIT);
    }
    assert!(matches!(
        PoolConfig::fixed("x", 0).kind,
        PoolKind::Static { workers: 0 }
    ));
}
