//! Tests of a client's log: outcomes counted by phase, and logs merged.

use std::collections::BTreeMap;
use std::io;
use std::time::{Duration, Instant};

use super::ClientLog;
use crate::load::client::Response;
use crate::load::latency::Endpoint;
use crate::load::testing::window_at;

#[test]
fn outcomes_are_recorded_by_phase() {
    let t0 = Instant::now();
    let window = window_at(t0 + Duration::from_secs(1), 10);
    let at = |ms| t0 + Duration::from_millis(ms);
    let ok = || -> io::Result<Response> {
        Ok(Response {
            status: 200,
            body: Vec::new(),
        })
    };
    let status = |s| -> io::Result<Response> {
        Ok(Response {
            status: s,
            body: Vec::new(),
        })
    };
    let refused = || -> io::Result<Response> {
        Err(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"))
    };
    let mut log = ClientLog::default();
    log.record(Endpoint::Embed, &ok(), at(0), at(5), window); // warm-up
    log.record(Endpoint::Embed, &status(503), at(10), at(12), window); // warm-up error
    log.record(Endpoint::Generate, &ok(), at(1000), at(1030), window);
    log.record(Endpoint::Embed, &status(500), at(1100), at(1101), window);
    log.record(Endpoint::Embed, &status(500), at(1200), at(1201), window);
    log.record(Endpoint::Documents, &refused(), at(1300), at(1300), window);
    // Sent before the end, answered after it.
    log.record(Endpoint::Generate, &ok(), at(10_990), at(11_020), window);
    assert_eq!(log.answers.len(), 2);
    assert_eq!(log.answers[0].latency_us, 30_000);
    assert!(log.answers[0].in_window && !log.answers[1].in_window);
    assert_eq!(log.errors.total, 3);
    assert_eq!(log.errors.warmup, 1);
    assert_eq!(log.errors.by_status, BTreeMap::from([(500, 2)]));
    assert_eq!(
        log.errors.by_io_kind,
        BTreeMap::from([("refused".into(), 1)])
    );
    assert_eq!(log.errors.first_io_error.as_deref(), Some("refused"));

    let merged = ClientLog::merge(vec![
        log,
        ClientLog {
            connections: 2,
            ..ClientLog::default()
        },
    ]);
    assert_eq!(
        (
            merged.answers.len(),
            merged.errors.total,
            merged.connections
        ),
        (2, 3, 2)
    );
}
