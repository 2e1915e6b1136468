//! Tests of `--batching`'s values: each form parses and prints back, and every bad value is an
//! error naming the flag and the value.

use std::time::Duration;

use super::Batching;

#[test]
fn every_form_parses_and_prints_back() {
    for text in [
        "adaptive",
        "off",
        "fixed:1:0",
        "fixed:32:50",
        "fixed:1024:1000",
    ] {
        let parsed: Batching = text.parse().unwrap();
        assert_eq!(parsed.to_string(), text);
    }
    assert_eq!(
        "fixed:8:2".parse::<Batching>().unwrap(),
        Batching::Fixed {
            size: 8,
            delay: Duration::from_millis(2)
        }
    );
}

#[test]
fn bad_values_name_the_flag_and_the_value() {
    for (text, says) in [
        ("", "expected `adaptive`"),
        ("Adaptive", "expected `adaptive`"),
        ("fixed", "expected `adaptive`"),
        ("fixed:32", "both the size and the delay"),
        ("fixed:0:5", "SIZE `0`"),
        ("fixed:1025:5", "SIZE `1025`"),
        ("fixed:x:5", "SIZE `x`"),
        ("fixed:8:-1", "DELAY_MS `-1`"),
        ("fixed:8:1001", "DELAY_MS `1001`"),
        ("fixed:8:5:9", "DELAY_MS `5:9`"),
    ] {
        let err = text.parse::<Batching>().unwrap_err();
        assert!(err.starts_with(&format!("--batching {text}: ")), "{err}");
        assert!(err.contains(says), "{text}: {err}");
    }
}
