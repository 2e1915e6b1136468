//! The stats server over real HTTP on 127.0.0.1:0: the three endpoints, 404 and 405, and
//! `/metrics` with the text of an extra source.
#![cfg(feature = "http")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use betapool_group::http::{MetricsSource, route_with_metrics};
use betapool_group::{GroupConfig, PoolConfig, PoolGroup, StatsServer};

/// One request with `Connection: close`; the status, the raw head and the body.
fn request(addr: SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn server() -> (Arc<PoolGroup>, StatsServer) {
    let config = GroupConfig::new(32)
        .pool(PoolConfig::adaptive("io", 2, 8))
        .pool(PoolConfig::fixed("cpu", 2));
    let group = Arc::new(PoolGroup::new(&config).unwrap());
    let server = StatsServer::start(group.clone(), "127.0.0.1:0").unwrap();
    (group, server)
}

#[test]
fn stats_are_json_with_every_pool() {
    let (group, server) = server();
    group.spawn_in("cpu", || 1).unwrap().join().unwrap();
    let (status, head, body) = request(server.local_addr(), "GET", "/stats");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["pools"][0]["name"], "io");
    assert_eq!(json["pools"][1]["max_workers"], 2);
    assert_eq!(json["totals"]["max_workers"], 10);
}

#[test]
fn metrics_are_prometheus_text_with_total_counters() {
    let (group, server) = server();
    for _ in 0..3 {
        group.spawn_in("cpu", || ()).unwrap().join().unwrap();
    }
    let (status, head, body) = request(server.local_addr(), "GET", "/metrics");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    assert!(
        body.contains("betapool_tasks_completed_total{pool=\"cpu\"} 3\n"),
        "{body}"
    );
    assert!(body.contains("betapool_threads{pool=\"io\"}"), "{body}");
    for line in body
        .lines()
        .filter(|l| l.starts_with("# TYPE") && l.ends_with("counter"))
    {
        let name = line.split_whitespace().nth(2).unwrap();
        assert!(name.ends_with("_total"), "counter {name}");
    }
}

#[test]
fn log_status_is_a_post_that_returns_the_table() {
    let (_group, server) = server();
    let (status, _, body) = request(server.local_addr(), "POST", "/log-status");
    assert_eq!(status, 200);
    assert!(body.contains("cpu") && body.contains("total"), "{body}");
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405() {
    let (_group, server) = server();
    let addr = server.local_addr();
    assert_eq!(request(addr, "GET", "/nope").0, 404);
    let (status, head, _) = request(addr, "POST", "/stats");
    assert_eq!(status, 405);
    assert!(head.contains("allow: get"), "{head}");
    assert_eq!(request(addr, "GET", "/log-status").0, 405);
    assert_eq!(request(addr, "DELETE", "/metrics").0, 405);
    assert!(addr.ip().is_loopback());
    server.stop();
    // The listener closes once the server's accept thread has seen the stop.
    let closed = (0..1_000).any(|_| {
        std::thread::sleep(Duration::from_millis(10));
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err()
    });
    assert!(closed, "{addr} still accepts connections 10 s after stop");
}

#[test]
fn a_taken_port_is_an_error_naming_the_address() {
    let (group, server) = server();
    let err = StatsServer::start(group, server.local_addr()).unwrap_err();
    assert!(
        err.to_string().contains(&server.local_addr().to_string()),
        "{err}"
    );
}

#[test]
fn metrics_carry_the_extra_source_after_the_group_on_every_scrape() {
    let config = GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 2));
    let group = Arc::new(PoolGroup::new(&config).unwrap());
    let scrapes = Arc::new(AtomicU64::new(0));
    let extra: MetricsSource = {
        let scrapes = Arc::clone(&scrapes);
        Arc::new(move |out: &mut String| {
            let n = scrapes.fetch_add(1, Ordering::Relaxed) + 1;
            out.push_str("# HELP app_scrapes_total Scrapes seen.\n");
            out.push_str("# TYPE app_scrapes_total counter\n");
            out.push_str(&format!("app_scrapes_total {n}\n"));
        })
    };
    let server = StatsServer::start_with_metrics(group, "127.0.0.1:0", extra).unwrap();
    for n in 1..=2 {
        let (status, head, body) = request(server.local_addr(), "GET", "/metrics");
        assert_eq!(status, 200);
        assert!(
            head.contains("content-type: text/plain; version=0.0.4"),
            "{head}"
        );
        let group_at = body
            .find("betapool_threads{pool=\"cpu\"} 2\n")
            .expect(&body);
        let extra_at = body.find(&format!("app_scrapes_total {n}\n")).expect(&body);
        assert!(
            group_at < extra_at,
            "the group's families come first:\n{body}"
        );
    }
    // Only /metrics calls the source.
    assert_eq!(request(server.local_addr(), "GET", "/stats").0, 200);
    assert_eq!(scrapes.load(Ordering::Relaxed), 2);
}

#[test]
fn a_panicking_source_is_a_500_and_the_server_keeps_serving() {
    let config = GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 2));
    let group = Arc::new(PoolGroup::new(&config).unwrap());
    let extra: MetricsSource = Arc::new(|out: &mut String| {
        out.push_str("half a li");
        panic!("the source broke");
    });
    let server = StatsServer::start_with_metrics(group, "127.0.0.1:0", extra).unwrap();
    let (status, _, body) = request(server.local_addr(), "GET", "/metrics");
    assert_eq!(status, 500);
    assert!(body.contains("the source broke"), "{body}");
    assert!(!body.contains("half a li"), "{body}");
    assert_eq!(request(server.local_addr(), "GET", "/stats").0, 200);
    assert_eq!(request(server.local_addr(), "GET", "/metrics").0, 500);
}

#[test]
fn an_unfinished_last_line_of_the_source_is_ended() {
    let config = GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 2));
    let group = PoolGroup::new(&config).unwrap();
    let reply = route_with_metrics(&group, "GET", "/metrics", &|out: &mut String| {
        out.push_str("app_up 1");
    });
    assert_eq!(reply.status, 200);
    assert!(reply.body.ends_with("\napp_up 1\n"), "{}", reply.body);
    let nothing = route_with_metrics(&group, "GET", "/metrics", &|_: &mut String| {});
    assert_eq!(
        nothing.body,
        betapool_group::http::route(&group, "GET", "/metrics").body
    );
    assert!(nothing.body.ends_with('\n'));
}
