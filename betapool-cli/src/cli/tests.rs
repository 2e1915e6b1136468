//! Unit tests of flag parsing: defaults, and every bad value rejected with its flag named.

use clap::{CommandFactory, Parser};

use super::{Cli, Command, MAX_POOL_SIZE, Sizes, parse_sizes};

fn demo(args: &[&str]) -> Result<super::DemoArgs, String> {
    let argv = ["betapool", "demo"].iter().chain(args);
    match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Command::Demo(d),
        }) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn smoke_defaults() {
    let d = demo(&[]).unwrap();
    assert_eq!(d.tasks, 4000);
    assert_eq!(d.sizes, Sizes(vec![2, 8, 32, 128]));
    assert_eq!((d.sleep_ms, d.spin_us, d.json), (1, 50, false));
}

#[test]
fn sizes_accept_spaces_and_bounds() {
    assert_eq!(parse_sizes(" 1, 4096 "), Ok(Sizes(vec![1, MAX_POOL_SIZE])));
}

#[test]
fn bad_values_name_their_flag() {
    for (args, flag) in [
        (&["--tasks", "0"][..], "--tasks"),
        (&["--tasks", "100001"], "--tasks"),
        (&["--tasks", "-3"], "--tasks"),
        (&["--sizes", ""], "--sizes"),
        (&["--sizes", "0"], "--sizes"),
        (&["--sizes", "2,x"], "--sizes"),
        (&["--sizes", "2,,8"], "--sizes"),
        (&["--sizes", "4097"], "--sizes"),
        (&["--sleep-ms", "1001"], "--sleep-ms"),
        (&["--spin-us", "1000000"], "--spin-us"),
        (&["--bogus"], "--bogus"),
    ] {
        let err = demo(args).expect_err(&format!("{args:?} should be rejected"));
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}

#[test]
fn too_many_sizes_are_rejected() {
    let list = (1..=33)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let err = parse_sizes(&list).unwrap_err();
    assert!(err.contains("at most 32"), "{err}");
}
