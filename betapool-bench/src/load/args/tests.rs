//! Tests of the load's flags: the defaults, and bad values rejected naming the flag.

use std::path::PathBuf;

use clap::error::ErrorKind;

use crate::load::results::ConfigEntry;
use crate::load::testing::parse;

#[test]
fn flags_have_defaults() {
    let a = parse(&["--server", "s"]).unwrap();
    assert_eq!(a.server, PathBuf::from("s"));
    assert_eq!(
        (a.seconds, a.warmup_s, a.connections, a.seed),
        (10.0, 2.0, 64, 42)
    );
    assert_eq!(a.out, PathBuf::from("target/load"));
    assert!(a.configs.is_none() && a.config.is_empty());
    let a = parse(&[
        "--server",
        "s",
        "--seconds",
        "0.5",
        "--warmup-s",
        "0",
        "--connections",
        "3",
        "--config",
        "a=x.toml",
        "--config",
        "b.2=y.toml",
        "--out",
        "o",
        "--seed",
        "7",
    ])
    .unwrap();
    assert_eq!(
        (a.seconds, a.warmup_s, a.connections, a.seed),
        (0.5, 0.0, 3, 7)
    );
    assert_eq!(
        a.config[1],
        ConfigEntry {
            name: "b.2".into(),
            path: "y.toml".into(),
            args: Vec::new(),
        }
    );
}

#[test]
fn bad_flags_are_rejected_naming_the_flag() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["--seconds", "0"],
            "--seconds",
            "must be a positive number",
        ),
        (
            &["--seconds", "-1"],
            "--seconds",
            "must be a positive number",
        ),
        (
            &["--seconds", "abc"],
            "--seconds",
            "is not a number of seconds",
        ),
        (
            &["--seconds", "nan"],
            "--seconds",
            "is not a number of seconds",
        ),
        (&["--seconds", "601"], "--seconds", "at most 600"),
        (&["--warmup-s", "-0.5"], "--warmup-s", "zero or a positive"),
        (&["--connections", "0"], "--connections", "from 1 to 512"),
        (&["--connections", "513"], "--connections", "from 1 to 512"),
        (&["--repeats", "0"], "--repeats", "from 1 to 50"),
        (&["--repeats", "two"], "--repeats", "not a whole number"),
        (&["--config", "noequals"], "--config", "is not NAME=PATH"),
        (&["--config", "=x.toml"], "--config", "the name ``"),
        (&["--config", "a/b=x.toml"], "--config", "letters, digits"),
        (&["--config", "a="], "--config", "no path"),
        (&["--seed", "x"], "--seed", ""),
    ];
    for (args, flag, message) in cases {
        let argv: Vec<&str> = ["--server", "s"].iter().chain(*args).copied().collect();
        let err = parse(&argv).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ValueValidation, "{args:?}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(flag) && text.contains(message),
            "{args:?}: {text}"
        );
    }
    assert!(parse(&[]).is_err(), "--server is required");
    let err = parse(&["--server", "s", "--configs", "d", "--config", "a=b"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ArgumentConflict);
}
