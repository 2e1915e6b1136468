//! Unit tests of flag parsing: each subcommand's flags, and every bad value rejected with its
//! flag named.

use clap::{CommandFactory, Parser};

use super::{Cli, Command, Sizes, parse_sizes};
use crate::settings::MAX_SIZES;

fn parse(args: &[&str]) -> Result<Command, String> {
    let argv = ["betapool"].iter().chain(args);
    Cli::try_parse_from(argv)
        .map(|cli| cli.command)
        .map_err(|e| e.to_string())
}

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn smoke_run_flags() {
    let Ok(Command::Run(run)) = parse(&[
        "run",
        "--pool",
        "static:32",
        "--workload",
        "mixed",
        "--tasks",
        "20000",
        "--arrival",
        "poisson:200",
        "--seed",
        "7",
        "--time-cap-s",
        "1.5",
        "--json",
    ]) else {
        panic!("run did not parse");
    };
    assert_eq!(run.pool.as_deref(), Some("static:32"));
    assert_eq!(run.workload.as_deref(), Some("mixed"));
    assert_eq!(run.tasks, Some(20_000));
    assert_eq!(
        run.arrival.map(|a| a.to_string()).as_deref(),
        Some("poisson:200")
    );
    assert_eq!(
        (run.common.seed, run.time_cap_s, run.common.json),
        (Some(7), Some(1.5), true)
    );
}

#[test]
fn unset_flags_stay_unset_for_the_config_file() {
    let Ok(Command::Compare(c)) = parse(&["compare"]) else {
        panic!("compare did not parse");
    };
    assert!(c.workload.is_none() && c.sizes.is_none() && c.pools.is_none());
    assert!(c.tasks.is_none() && c.time_cap_s.is_none() && c.out.is_none());
    assert!(!c.common.json && c.common.seed.is_none() && c.common.config.is_none());
}

#[test]
fn pools_split_on_commas() {
    let Ok(Command::Demo(d)) = parse(&["demo", "--pools", "static:3,static:5", "--scale", "0.5"])
    else {
        panic!("demo did not parse");
    };
    assert_eq!(
        d.pools,
        Some(vec!["static:3".to_owned(), "static:5".to_owned()])
    );
    assert_eq!(d.scale, Some(0.5));
}

#[test]
fn sizes_accept_spaces_and_bounds() {
    assert_eq!(parse_sizes(" 1, 4096 "), Ok(Sizes(vec![1, 4096])));
}

#[test]
fn too_many_sizes_are_rejected() {
    let list = (1..=MAX_SIZES + 1)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let err = parse_sizes(&list).unwrap_err();
    assert!(err.contains(&format!("at most {MAX_SIZES}")), "{err}");
}

#[test]
fn bad_values_name_their_flag() {
    for (args, flag) in [
        (&["run", "--tasks", "0"][..], "--tasks"),
        (&["run", "--tasks", "-3"], "--tasks"),
        (&["run", "--tasks", "many"], "--tasks"),
        (&["run", "--workload", "disk"], "--workload"),
        (&["run", "--arrival", "poisson:x"], "--arrival"),
        (&["run", "--arrival", "steady"], "--arrival"),
        (&["run", "--time-cap-s", "-1"], "--time-cap-s"),
        (&["run", "--time-cap-s", "0"], "--time-cap-s"),
        (&["run", "--seed", "-1"], "--seed"),
        (&["compare", "--sizes", ""], "--sizes"),
        (&["compare", "--sizes", "0"], "--sizes"),
        (&["compare", "--sizes", "2,x"], "--sizes"),
        (&["compare", "--sizes", "2,,8"], "--sizes"),
        (&["compare", "--sizes", "4097"], "--sizes"),
        (&["demo", "--scale", "0"], "--scale"),
        (&["demo", "--scale", "11"], "--scale"),
        (&["demo", "--bogus"], "--bogus"),
    ] {
        let err = parse(args).expect_err(&format!("{args:?} should be rejected"));
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}

#[test]
fn documented_defaults_match_the_constants() {
    let help = |name: &str| {
        Cli::command()
            .find_subcommand_mut(name)
            .expect("the subcommand exists")
            .render_long_help()
            .to_string()
    };
    let sizes = crate::compare::DEFAULT_SIZES
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",");
    assert!(help("compare").contains(&format!("[default: {sizes}]")));
    for (name, cap) in [
        ("run", crate::run::DEFAULT_TIME_CAP_S),
        ("compare", crate::compare::DEFAULT_TIME_CAP_S),
        ("demo", crate::demo::DEFAULT_TIME_CAP_S),
    ] {
        let text = help(name);
        assert!(
            text.contains(&format!("[default: {cap}]")),
            "{name}: {text}"
        );
    }
    assert!(help("compare").contains(crate::compare::OUT_DIR));
    assert!(help("demo").contains(crate::demo::DEFAULT_OUT));
}
