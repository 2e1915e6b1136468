//! The model runtime behind the inference step, over real HTTP: answers carry the example
//! network's output digest, `--batching` chooses how rows are batched (and a bad value is one
//! error line naming the flag), `GET /runtime` shows the runtime, and a stopped runtime answers
//! 503 instead of hanging.
//!
//! Every step costs a hundredth of the real workload; no test asserts how long anything took.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
use inference_server::{Batching, OnnxModel, Service, Work, model_rows, output_digest};

/// How long a test waits for an answer before it fails instead of hanging. Generous, because
/// the machine is shared.
const PATIENCE: Duration = Duration::from_secs(60);

/// One answer: status and body.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: String,
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the whole answer.
fn call(addr: SocketAddr, method: &str, path: &str, body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to the service");
    // Not a timing assertion: a lost answer fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("set a timeout");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    stream.write_all(body.as_bytes()).expect("send the body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Reply {
        status,
        body: body.to_owned(),
    }
}

/// A hundredth of the real workload, with `rows` model rows per inference step.
fn tiny(rows: usize) -> Work {
    Work {
        inference_rows: rows,
        ..Work::default().scaled(0.01)
    }
}

/// A service on one small shared pool, with `batching`.
fn start(work: Work, batching: Batching) -> (Arc<PoolGroup>, Service) {
    let group = Arc::new(
        PoolGroup::new(&GroupConfig::new(4).pool(PoolConfig::fixed("shared", 4)))
            .expect("the pool starts"),
    );
    let service = Service::start_with(Arc::clone(&group), work, batching, "127.0.0.1:0", 2)
        .expect("the service starts");
    (group, service)
}

/// Stops the service and its pool; every request answered, every row run.
fn finish(group: &PoolGroup, service: Service) {
    let report = service.stop(PATIENCE);
    assert_eq!(report.unanswered, 0, "requests left unanswered");
    assert!(report.model.drained, "rows left in the model runtime");
    assert!(
        group.shutdown(PATIENCE).all_finished(),
        "the pool is still busy"
    );
}

/// The digest the example network gives for `POST /v1/generate` with `body`, `rows` rows,
/// computed without the service.
fn digest_of(body: &str, rows: usize) -> String {
    let model = OnnxModel::mlp().expect("the example network loads");
    let input = model_rows(
        "POST",
        "/v1/generate",
        body.as_bytes(),
        rows,
        model.input_width(),
    );
    output_digest(&model.infer_rows(&input).expect("the example network runs"))
}

#[test]
fn smoke_generate_answers_with_the_models_digest() {
    let (group, service) = start(tiny(1), Batching::Adaptive);
    let addr = service.local_addr();
    for prompt in [r#"{"prompt":"hello"}"#, r#"{"prompt":"bye"}"#, ""] {
        let reply = call(addr, "POST", "/v1/generate", prompt);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.body,
            format!(
                r#"{{"tokens":64,"steps":5,"model":{{"rows":1,"digest":"{}"}}}}"#,
                digest_of(prompt, 1)
            )
        );
    }
    // Only generate has an inference step: the other endpoints never reach the model.
    assert_eq!(call(addr, "POST", "/v1/embed", "").status, 200);
    assert_eq!(call(addr, "GET", "/v1/documents/3", "").status, 200);
    let stats = service.model().stats();
    assert_eq!((stats.accepted, stats.completed), (3, 3));
    finish(&group, service);
}

#[test]
fn several_rows_per_request_run_through_the_runtime_together() {
    const ROWS: usize = 4;
    // A batch of exactly one request's rows: it fills at once, so the delay never runs out.
    let batching = Batching::Fixed {
        size: ROWS,
        delay: Duration::from_secs(1),
    };
    let (group, service) = start(tiny(ROWS), batching);
    let addr = service.local_addr();
    for prompt in ["a", "b", "c"] {
        let reply = call(addr, "POST", "/v1/generate", prompt);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(
            reply.body.ends_with(&format!(
                r#""model":{{"rows":{ROWS},"digest":"{}"}}}}"#,
                digest_of(prompt, ROWS)
            )),
            "{}",
            reply.body
        );
    }
    let stats = service.model().stats();
    assert_eq!(stats.policy, "fixed");
    assert_eq!((stats.batches, stats.items), (3, 3 * ROWS as u64));
    finish(&group, service);
}

#[test]
fn batching_off_runs_every_row_alone() {
    let (group, service) = start(tiny(3), Batching::Off);
    let addr = service.local_addr();
    let clients: Vec<_> = (0..4)
        .map(|i| std::thread::spawn(move || call(addr, "POST", "/v1/generate", &i.to_string())))
        .collect();
    for client in clients {
        let reply = client.join().expect("a client thread");
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let stats = service.model().stats();
    assert_eq!(stats.policy, "fixed");
    assert_eq!((stats.batches, stats.items), (12, 12));
    finish(&group, service);
}

#[test]
fn runtime_endpoint_shows_health_metrics_and_batching() {
    let (group, service) = start(tiny(2), Batching::Adaptive);
    let addr = service.local_addr();
    assert_eq!(call(addr, "POST", "/v1/generate", "").status, 200);
    let reply = call(addr, "GET", "/runtime", "");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(json["name"], "mlp");
    assert_eq!(json["health"]["status"], "healthy");
    assert_eq!(json["health"]["execution_path"], "cpu");
    assert_eq!(json["metrics"]["total_requests"], 2);
    assert_eq!(json["metrics"]["gpu_worker"]["total_inferences"], 2);
    assert_eq!(json["batching"]["policy"], "adaptive");
    assert_eq!(json["batching"]["completed"], 2);
    assert_eq!(call(addr, "POST", "/runtime", "").status, 405);
    finish(&group, service);
}

#[test]
fn metrics_carry_the_pools_and_the_model_runtime() {
    let (group, service) = start(tiny(1), Batching::Adaptive);
    let addr = service.local_addr();
    assert_eq!(call(addr, "POST", "/v1/generate", "").status, 200);
    let body = call(addr, "GET", "/metrics", "").body;
    assert!(body.contains("betapool_threads{pool="), "{body}");
    // Other tests of this binary may run a runtime of the same name at once (then shown as
    // `mlp#2`), so the name is matched as a prefix.
    assert!(
        body.contains("betapool_batch_batches_total{runtime=\"mlp"),
        "{body}"
    );
    assert!(
        body.contains("betapool_batch_size_bucket{runtime=\"mlp"),
        "{body}"
    );
    finish(&group, service);
}

#[test]
fn a_stopped_runtime_answers_503_not_a_hang() {
    let (group, service) = start(tiny(1), Batching::Adaptive);
    let addr = service.local_addr();
    assert!(service.model().stop(Duration::ZERO).drained);

    let reply = call(addr, "POST", "/v1/generate", "");
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert!(
        reply.body.contains("generate/inference") && reply.body.contains("stopped"),
        "{}",
        reply.body
    );
    // The steps without the model still work, and the runtime says why it is unhealthy.
    assert_eq!(call(addr, "POST", "/v1/embed", "").status, 200);
    let runtime: serde_json::Value =
        serde_json::from_str(&call(addr, "GET", "/runtime", "").body).expect("JSON");
    assert_eq!(runtime["health"]["status"], "unhealthy");
    assert_eq!(service.stop(PATIENCE).unanswered, 0);
    assert!(group.shutdown(PATIENCE).all_finished());
}

// ---------------------------------------------------------------------------------------
// The binary's --batching flag.
// ---------------------------------------------------------------------------------------

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_inference-server"))
}

fn config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("configs/shared-static.toml")
}

#[test]
fn binary_batching_off_and_fixed_run() {
    for mode in ["off", "fixed:8:2"] {
        let out = binary()
            .arg("--config")
            .arg(config())
            .args([
                "--bind",
                "127.0.0.1:0",
                "--seconds",
                "1",
                "--batching",
                mode,
            ])
            .output()
            .expect("run the binary");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "--batching {mode}: {stderr}");
        assert!(stderr.contains("model runtime drained"), "{stderr}");
    }
}

#[test]
fn binary_bad_batching_is_one_line_naming_the_flag_and_exit_2() {
    for (mode, says) in [
        (
            "sometimes",
            "expected `adaptive`, `off` or `fixed:SIZE:DELAY_MS`",
        ),
        ("fixed:0:5", "SIZE `0`"),
        ("fixed:8", "both the size and the delay"),
    ] {
        let out = binary()
            .arg("--config")
            .arg(config())
            .args(["--batching", mode])
            .output()
            .expect("run the binary");
        assert_eq!(out.status.code(), Some(2), "--batching {mode}");
        assert!(out.stdout.is_empty(), "--batching {mode}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("inference-server: --batching {mode}: ")),
            "{stderr}"
        );
        assert!(stderr.contains(says), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let out = binary()
        .arg("--config")
        .arg(config())
        .args(["--inference-rows", "0"])
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--inference-rows"));
}
