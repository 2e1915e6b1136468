//! Tests of a configuration's result: the window's answers, the endpoints and the server's usage.

use std::time::{Duration, Instant};

use super::summarize;
use crate::load::client::Response;
use crate::load::latency::Endpoint;
use crate::load::log::ClientLog;
use crate::load::proc;
use crate::load::results::{ConfigEntry, Snapshot};
use crate::load::testing::window_at;

#[test]
fn summary_counts_the_window_and_the_server() {
    let t0 = Instant::now();
    let window = window_at(t0, 2);
    let mut log = ClientLog::default();
    for i in 0..100u64 {
        let sent = t0 + Duration::from_millis(i * 20);
        let endpoint = if i % 2 == 0 {
            Endpoint::Generate
        } else {
            Endpoint::Embed
        };
        log.record(
            endpoint,
            &Ok(Response {
                status: 200,
                body: Vec::new(),
            }),
            sent,
            sent + Duration::from_millis(i + 1),
            window,
        );
    }
    let reading = |threads, rss_mib: u64, cpu_ms| proc::Reading {
        threads: Some(threads),
        rss_bytes: Some(rss_mib << 20),
        cpu: Some(Duration::from_millis(cpu_ms)),
    };
    let samples = [
        (0.0, reading(10, 5, 1000)),
        (1.0, reading(30, 9, 1500)),
        (2.0, reading(20, 7, 2000)),
    ];
    let config = ConfigEntry {
        name: "c".into(),
        path: "c.toml".into(),
        args: Vec::new(),
    };
    let r = summarize(
        &config,
        "127.0.0.1:9".parse().unwrap(),
        log,
        &samples,
        Snapshot::default(),
        2.0,
    );
    assert_eq!(r.requests, 100);
    // Request 99 is sent at 1.98 s and answered 100 ms later, after the window.
    let late = (0..100u64).filter(|i| i * 20 + i + 1 > 2000).count();
    assert_eq!(r.completed_in_window, 100 - late);
    assert_eq!(r.req_per_s, (100 - late) as f64 / 2.0);
    assert_eq!(r.latency.max_ms, Some(100.0));
    assert_eq!(r.endpoints[0].latency.requests, 50);
    assert_eq!(r.endpoints[0].latency.max_ms, Some(99.0));
    assert_eq!(r.endpoints[2].latency.requests, 0);
    assert_eq!(r.server.peak_threads, Some(30));
    assert_eq!(r.server.mean_threads, Some(20.0));
    assert_eq!(r.server.cpu_s, Some(1.0));
    assert_eq!(
        r.server.cpu_ms_per_request,
        Some(1000.0 / r.completed_in_window as f64)
    );
    assert_eq!(r.server.peak_rss_mib, Some(9.0));
    assert_eq!(r.samples.len(), 3);
    assert!(!r.curve.is_empty());
}
