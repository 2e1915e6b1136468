//! Tests of the soak's flags: bad values are named, good ones and the defaults parse.

use std::path::PathBuf;

use clap::Parser as _;
use clap::error::ErrorKind;

use super::{DEFAULT_MINUTES, SoakArgs};
use crate::{Cli, Command};

fn parse(args: &[&str]) -> Result<SoakArgs, clap::Error> {
    let argv = ["betapool-bench", "soak"].iter().chain(args);
    match Cli::try_parse_from(argv)?.command {
        Command::Soak(a) => Ok(a),
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn minutes_flag_rejects_bad_values_naming_the_flag() {
    for bad in ["0", "-1", "abc", "", "nan", "inf", "1e9", "0.05"] {
        let err = parse(&["--minutes", bad]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ValueValidation, "{bad}: {err}");
        assert!(err.to_string().contains("--minutes"), "{bad}: {err}");
    }
    let err = parse(&["--minutes", "abc"]).unwrap_err().to_string();
    assert!(err.contains("`abc` is not a number of minutes"), "{err}");
    let err = parse(&["--minutes", "0"]).unwrap_err().to_string();
    assert!(
        err.contains("must be a positive number of minutes, got 0"),
        "{err}"
    );
    let err = parse(&["--minutes", "0.05"]).unwrap_err().to_string();
    assert!(err.contains("must be at least 0.1"), "{err}");
    assert!(parse(&["--minutes"]).is_err());
    assert!(
        parse(&["--seed", "x"])
            .unwrap_err()
            .to_string()
            .contains("--seed")
    );
}

#[test]
fn minutes_flag_accepts_fractions_and_has_defaults() {
    let a = parse(&["--minutes", "0.5", "--out", "x", "--seed", "7"]).unwrap();
    assert_eq!((a.minutes, a.out, a.seed), (0.5, PathBuf::from("x"), 7));
    let a = parse(&[]).unwrap();
    assert_eq!(
        (a.minutes, a.out, a.seed),
        (DEFAULT_MINUTES, PathBuf::from("target/soak"), 42)
    );
}
