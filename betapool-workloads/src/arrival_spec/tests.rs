//! Unit tests of the arrival spec's text form.

use std::time::Duration;

use super::*;

fn parse(s: &str) -> Result<ArrivalSpec, String> {
    s.parse::<ArrivalSpec>().map_err(|e| e.to_string())
}

#[test]
fn good_specs_parse() {
    assert_eq!(
        parse("poisson:200"),
        Ok(ArrivalSpec::Poisson { rate: 200.0 })
    );
    assert_eq!(
        parse(" Poisson : 2.5e3 "),
        Ok(ArrivalSpec::Poisson { rate: 2500.0 })
    );
    assert_eq!(
        parse("burst:20000,500,0.2,0.3"),
        Ok(ArrivalSpec::Burst(BurstSpec {
            burst_rate: 20_000.0,
            quiet_rate: 500.0,
            burst_duration: Duration::from_millis(200),
            quiet_duration: Duration::from_millis(300),
        }))
    );
    assert!(parse("burst:100, 0, 1, 0").is_ok());
}

#[test]
fn display_round_trips() {
    for text in [
        "poisson:200",
        "poisson:0.5",
        "burst:20000,500,0.2,0.3",
        "burst:60000,1000,0.25,0.25",
    ] {
        let spec = parse(text).unwrap();
        assert_eq!(spec.to_string(), text);
        assert_eq!(parse(&spec.to_string()), Ok(spec));
    }
}

#[test]
fn bad_specs_name_the_bad_part() {
    let cases = [
        ("poisson", "expected `poisson:RATE`"),
        ("uniform:3", "unknown kind `uniform`"),
        ("poisson:abc", "RATE `abc` is not a number"),
        ("poisson:0", "rate must be positive and finite, got 0"),
        ("burst:1,2,3", "burst takes 4 comma-separated values"),
        ("burst:x,500,0.2,0.3", "BURST_RATE `x` is not a number"),
        (
            "burst:10,500,-1,0.3",
            "BURST_S `-1` is not a non-negative number",
        ),
        ("burst:10,500,0.2,zz", "QUIET_S `zz` is not a number"),
        ("burst:10,500,0,0.3", "burst_duration must be positive"),
        ("burst:10,-5,1,1", "quiet_rate must be zero or positive"),
    ];
    for (spec, needle) in cases {
        let err = parse(spec).unwrap_err();
        assert!(
            err.starts_with(&format!("invalid arrival spec `{spec}`: ")),
            "{err}"
        );
        assert!(err.contains(needle), "{spec}: {err}");
    }
}

#[test]
fn build_checks_and_replays() {
    let spec = parse("burst:20000,500,0.2,0.3").unwrap();
    let mut a = spec.build(3).unwrap();
    let mut b = spec.build(3).unwrap();
    let mut t = Duration::ZERO;
    for _ in 0..100 {
        let gap = a.inter_arrival_time(t);
        assert_eq!(gap, b.inter_arrival_time(t));
        t += gap;
    }
    assert!(ArrivalSpec::Poisson { rate: 0.0 }.build(0).is_err());
}

#[test]
fn serde_round_trip() {
    let spec = parse("burst:20000,500,0.2,0.3").unwrap();
    let json = serde_json::to_string(&spec).unwrap();
    assert_eq!(serde_json::from_str::<ArrivalSpec>(&json).unwrap(), spec);
}
