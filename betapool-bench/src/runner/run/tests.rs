//! Tests of `betapool-bench run`'s pool argument: the `cold:` prefix and its errors.

use super::{PoolArg, build_pool};

#[test]
fn cold_prefix_marks_the_pool_cold() {
    assert_eq!(
        PoolArg::parse("cold:static:64").unwrap(),
        PoolArg {
            spec: "static:64",
            cold: true
        }
    );
    assert_eq!(
        PoolArg::parse("adaptive").unwrap(),
        PoolArg {
            spec: "adaptive",
            cold: false
        }
    );
}

#[test]
fn bad_cold_specs_are_errors_naming_the_flag() {
    for bad in ["cold:", "cold: ", "", "cold:cold:static:4"] {
        let err = PoolArg::parse(bad).unwrap_err().to_string();
        assert!(err.starts_with("--pool `"), "{bad}: {err}");
    }
    let arg = PoolArg::parse("cold:elastic:8").unwrap();
    let err = format!(
        "{:#}",
        build_pool(arg.spec, "cold:elastic:8").err().unwrap()
    );
    assert!(err.starts_with("--pool `cold:elastic:8`"), "{err}");
    assert!(err.contains("unknown pool spec"), "{err}");
}
