//! Unit tests of pool specs.

use super::*;

#[test]
fn good_specs_build() {
    for (spec, name) in [
        ("static:1", "static:1"),
        ("static:16", "static:16"),
        (" Static : 2 ", "static:2"),
    ] {
        let pool = pool_from_spec(spec).unwrap();
        assert_eq!(pool.name(), name);
        pool.shutdown();
    }
}

#[test]
fn bad_sizes_name_the_spec_and_the_range() {
    for (spec, value) in [
        ("static:0", "0"),
        ("static:4097", "4097"),
        ("static:-1", "-1"),
        ("static:lots", "lots"),
        ("static:", ""),
    ] {
        let err = pool_from_spec(spec).unwrap_err();
        assert!(err.is_pool_spec());
        assert_eq!(
            err.to_string(),
            format!("pool spec `{spec}`: N must be an integer in 1..=4096, got `{value}`")
        );
    }
}

#[test]
fn missing_size_shows_an_example() {
    let err = pool_from_spec("static").unwrap_err().to_string();
    assert_eq!(
        err,
        "pool spec `static`: N must be an integer in 1..=4096, as in `static:32`"
    );
}

#[test]
fn unknown_kinds_list_the_known_ones() {
    for spec in ["elastic", "tokio:4", ""] {
        let err = pool_from_spec(spec).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("unknown pool spec `{spec}`")),
            "{err}"
        );
        assert!(
            err.ends_with(
                "known kinds: static:N (N in 1..=4096), adaptive[:MIN-MAX] (default 4-512), \
                 adaptive-seed[:MIN-MAX] (the seeds' algorithm)"
            ),
            "{err}"
        );
    }
}

#[test]
fn the_table_is_consistent() {
    for kind in POOL_KINDS {
        assert!(kind.usage.starts_with(kind.name));
    }
}

#[test]
fn adaptive_specs_take_optional_bounds() {
    let pool = pool_from_spec("adaptive").unwrap();
    assert_eq!(pool.name(), "adaptive");
    pool.shutdown();
    let pool = pool_from_spec("adaptive-seed:2-8").unwrap();
    assert_eq!(pool.name(), "adaptive-seed");
    pool.shutdown();
    for bad in [
        "adaptive:8-2",
        "adaptive:0-4",
        "adaptive:x",
        "adaptive:4-99999",
    ] {
        let err = pool_from_spec(bad).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("pool spec `{bad}`: expected MIN-MAX")),
            "{err}"
        );
    }
}
