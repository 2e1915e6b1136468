//! `betapool serve`, run as a user would: a bad group file is one line naming the file, line,
//! column and key with exit code 2; a good one serves `/stats` and `/metrics` over real HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("betapool-serve-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("the temp dir is writable");
    path
}

/// `GET path` with `Connection: close`; the whole response.
fn get(addr: &str, path: &str) -> String {
    request(addr, "GET", path)
}

/// `method path` with `Connection: close`; the whole response.
fn request(addr: &str, method: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("a response");
    raw
}

#[test]
fn a_bad_group_file_is_one_line_naming_the_place_and_exit_code_2() {
    let path = temp_file(
        "bad.toml",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 8\nmax_workers = 4\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_betapool"))
        .args(["serve", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:5:15: pools.io.max_workers: min_workers 8 is above max_workers 4",
            path.display()
        )),
        "{stderr}"
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_betapool"))
        .args(["serve", "--config", "/no/such/pools.toml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8(missing.stderr)
            .unwrap()
            .contains("/no/such/pools.toml")
    );
}

#[test]
fn a_good_group_file_serves_stats_and_metrics() {
    let path = temp_file(
        "good.toml",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 2\nmax_workers = 16\n\n[pools.cpu]\nkind = \"static\"\nworkers = 2\n",
    );
    let mut child = serve(&path);
    let addr = address(&mut child);
    let stats = get(&addr, "/stats");
    let metrics = get(&addr, "/metrics");
    let missing = get(&addr, "/missing");
    child.kill().ok();
    child.wait().ok();
    assert!(stats.starts_with("HTTP/1.1 200"), "{stats}");
    assert!(
        stats.contains("\"name\": \"io\"") && stats.contains("\"totals\""),
        "{stats}"
    );
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains("betapool_threads{pool=\"cpu\"} 2"),
        "{metrics}"
    );
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
}

#[test]
fn log_status_is_logged_on_stderr() {
    let path = temp_file(
        "verbose.toml",
        "max_total_threads = 8\nverbose = true\n[pools.db]\nkind = \"static\"\nworkers = 3\n",
    );
    let mut child = serve(&path);
    let addr = address(&mut child);
    let answer = request(&addr, "POST", "/log-status");
    child.kill().ok();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().ok();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(stderr.contains("pool status"), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("db ") && l.contains("static")),
        "the table's row for db: {stderr}"
    );
}

/// `betapool serve` on a free port of 127.0.0.1 for at most 30 s, its output piped.
fn serve(config: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_betapool"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--seconds",
            "30",
            "--config",
        ])
        .arg(config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the betapool binary starts")
}

/// The address in the first line `betapool serve` prints.
fn address(child: &mut std::process::Child) -> String {
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| {
            rest.split(':')
                .take(2)
                .collect::<Vec<_>>()
                .get(..2)
                .map(|p| p.join(":"))
        })
        .expect("the address in the first line");
    assert!(addr.starts_with("127.0.0.1:"), "{first}");
    addr
}
