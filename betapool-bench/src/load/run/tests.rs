//! End-to-end tests of the command against fake services: every configuration runs, its server is killed, and failures are reported without stopping the others.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::Result;

use super::{JSON_FILE, MD_FILE, SVG_FILE, run, run_with};
use crate::load::LoadArgs;
use crate::load::fake::{FakeServer, ok};
use crate::load::results::ConfigEntry;
use crate::load::server::{STARTUP_TIMEOUT, Server};
use crate::load::testing::{parse, temp_dir};

#[test]
fn a_missing_server_binary_is_named() {
    let a = parse(&["--server", "/nonexistent/inference-server"]).unwrap();
    let err = run(&a).unwrap_err().to_string();
    assert!(
        err.contains("--server /nonexistent/inference-server: no such file"),
        "{err}"
    );
}

/// A fake service: the endpoints of the real one, answered at once (generate after a
/// millisecond), with `embed_status` for embed.
fn fake_service(embed_status: u16) -> FakeServer {
    FakeServer::start(move |req| match req.path.as_str() {
        "/v1/generate" => {
            thread::sleep(Duration::from_millis(1));
            ok(r#"{"text":"hi"}"#)
        }
        "/v1/embed" if embed_status != 200 => {
            format!("HTTP/1.1 {embed_status} Oops\r\nContent-Length: 4\r\n\r\noops")
        }
        "/v1/embed" => ok("[0.5]"),
        "/health" => ok("ok"),
        "/stats" => ok(r#"{"totals":{"live_threads":3},"pools":{}}"#),
        "/metrics" => ok("betapool_live_threads 3\n"),
        p if p.starts_with("/v1/documents/") => ok("doc"),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
    })
}

/// A "server" process that says it listens at `addr` (where a fake service really does)
/// and then sleeps, so the guard has a process to sample and kill.
fn pretend(addr: SocketAddr, pids: &Mutex<Vec<u32>>) -> Result<Server> {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        &format!("echo listening on http://{addr}; exec sleep 60"),
    ]);
    let server = Server::start(cmd, STARTUP_TIMEOUT)?;
    pids.lock().unwrap().push(server.pid());
    Ok(server)
}

fn args(out: &Path) -> LoadArgs {
    LoadArgs {
        server: PathBuf::from("fake"),
        configs: None,
        config: Vec::new(),
        seconds: 0.4,
        warmup_s: 0.0,
        connections: 3,
        repeats: 1,
        seed: 42,
        out: out.to_path_buf(),
    }
}

fn entry(name: &str) -> ConfigEntry {
    ConfigEntry {
        name: name.into(),
        path: format!("{name}.toml"),
        args: Vec::new(),
    }
}

#[test]
fn load_runs_each_config_against_a_fake_service() {
    let out = temp_dir("e2e");
    let good = fake_service(200);
    let failing = fake_service(500);
    let pids = Mutex::new(Vec::new());
    let started = AtomicUsize::new(0);
    let configs = [entry("shared-static"), entry("named-adaptive")];
    run_with(&args(&out), &configs, &|c| {
        started.fetch_add(1, Ordering::SeqCst);
        let addr = if c.name == "shared-static" {
            failing.addr
        } else {
            good.addr
        };
        pretend(addr, &pids)
    })
    .unwrap();
    assert_eq!(started.load(Ordering::SeqCst), 2);
    for pid in pids.lock().unwrap().iter() {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "server {pid} outlived the run"
        );
    }

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["name"], "shared-static");
    // Every embed request got a 500, counted as an error and never as a latency.
    let embeds = failing
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/embed")
        .count() as u64;
    assert!(embeds > 0);
    assert_eq!(results[0]["errors"]["by_status"]["500"], embeds);
    assert_eq!(results[0]["errors"]["total"], embeds);
    assert_eq!(results[0]["endpoints"][1]["latency"]["requests"], 0);
    assert!(
        results[0]["endpoints"][0]["latency"]["requests"]
            .as_u64()
            .unwrap()
            > 0
    );
    let good_result = &results[1];
    assert_eq!(good_result["errors"]["total"], 0);
    assert!(good_result["requests"].as_u64().unwrap() > 0);
    // Three clients, each on one kept-alive connection.
    assert_eq!(good_result["connections_opened"], 3);
    assert!(
        good_result["server"]["peak_threads"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );
    assert!(good_result["samples"].as_array().unwrap().len() >= 2);
    assert_eq!(json["params"]["connections"], 3);
    assert!(json["failures"].as_array().unwrap().is_empty());

    assert_eq!(
        fs::read_to_string(out.join("named-adaptive.stats.json")).unwrap(),
        r#"{"totals":{"live_threads":3},"pools":{}}"#
    );
    assert_eq!(
        fs::read_to_string(out.join("named-adaptive.metrics.txt")).unwrap(),
        "betapool_live_threads 3\n"
    );
    let md = fs::read_to_string(out.join(MD_FILE)).unwrap();
    assert!(
        md.contains("| shared-static ") && md.contains("| named-adaptive "),
        "{md}"
    );
    assert!(md.contains("named-adaptive vs shared-static"), "{md}");
    let svg = fs::read_to_string(out.join(SVG_FILE)).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("named-adaptive"));
    let _ = fs::remove_dir_all(out);
}

#[test]
fn a_failing_config_is_reported_and_the_others_still_run() {
    let out = temp_dir("failing");
    let good = fake_service(200);
    let pids = Mutex::new(Vec::new());
    let configs = [entry("broken"), entry("fine")];
    let err = run_with(&args(&out), &configs, &|c| {
        if c.name == "broken" {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", "echo 'broken.toml:1:1: expected a table' >&2; exit 2"]);
            Server::start(cmd, STARTUP_TIMEOUT)
        } else {
            pretend(good.addr, &pids)
        }
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("1 of 2 run(s) failed: broken"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
    assert_eq!(json["results"][0]["name"], "fine");
    assert_eq!(json["failures"][0]["name"], "broken");
    let why = json["failures"][0]["error"].as_str().unwrap();
    assert!(why.contains("broken.toml:1:1: expected a table"), "{why}");
    let _ = fs::remove_dir_all(out);
}

#[test]
fn a_server_that_dies_during_the_load_fails_its_config() {
    let out = temp_dir("dies");
    // It says it listens where a fake service answers, and exits while the load runs:
    // the answers still come, but the run fails because the server process is gone.
    let fake = fake_service(200);
    let addr = fake.addr;
    let err = run_with(&args(&out), &[entry("dies")], &|_| {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            &format!(
                "echo listening on http://{addr}; sleep 0.1; echo 'out of memory' >&2; exit 137"
            ),
        ]);
        Server::start(cmd, STARTUP_TIMEOUT)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("failed: dies"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
    let why = json["failures"][0]["error"].as_str().unwrap();
    assert!(
        why.contains("exited during the load") && why.contains("out of memory"),
        "{why}"
    );
    let _ = fs::remove_dir_all(out);
}

#[test]
fn a_connection_not_answered_before_the_load_fails_its_config() {
    let out = temp_dir("ramp");
    // No `/health`: the first answer of connection 0 is a 404, so the load never starts.
    let no_health = FakeServer::start(|_| ok("nothing here").replace("200 OK", "404 Not Found"));
    let pids = Mutex::new(Vec::new());
    let err = run_with(&args(&out), &[entry("ramp")], &|_| {
        pretend(no_health.addr, &pids)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("failed: ramp"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
    let why = json["failures"][0]["error"].as_str().unwrap();
    assert!(
        why.contains("connection 0: GET /health: status 404"),
        "{why}"
    );
    let _ = fs::remove_dir_all(out);
}
