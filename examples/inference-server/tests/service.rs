//! The service over real HTTP (a raw HTTP/1.1 client on `TcpStream`): every endpoint, the
//! error answers, the shared-pool baseline, routing errors, a keep-alive stress, panicking
//! and refused steps, draining on stop, the shipped configs and the binary.
//!
//! Every step costs a hundredth of the real workload, so the tests are quick; none of them
//! asserts how long anything took.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
use inference_server::{
    Endpoint, OnnxModel, Routes, Service, Step, Work, model_rows, output_digest,
};

/// How long a test waits for something that should happen at once before it fails instead of
/// hanging: an answer, or a counter catching up. Generous, because the machine is shared.
const PATIENCE: Duration = Duration::from_secs(60);

/// How long the pools get to finish when a test shuts its group down.
const SHUTDOWN: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// A raw HTTP/1.1 client.
// ---------------------------------------------------------------------------------------

/// One HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A keep-alive connection: requests go one after another over the same socket.
struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the service");
        // Not a timing assertion: a lost answer fails the test instead of hanging it.
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("set a timeout");
        Client {
            reader: BufReader::new(stream),
        }
    }

    /// Sends `method path` with `body` (which only generate's model rows depend on; it must
    /// not upset the next request on the connection) and reads the answer.
    fn request(&mut self, method: &str, path: &str, body: &str) -> Reply {
        self.try_request(method, path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn try_request(&mut self, method: &str, path: &str, body: &str) -> io::Result<Reply> {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        stream.flush()?;
        self.read_reply()
    }

    fn read_reply(&mut self) -> io::Result<Reply> {
        let status_line = self.line()?;
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("bad status line {status_line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let line = self.line()?;
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| bad(format!("bad header {line:?}")))?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let mut reply = Reply {
            status,
            headers,
            body: String::new(),
        };
        let body = if reply
            .header("Transfer-Encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
        {
            self.chunked()?
        } else {
            let length: usize = reply
                .header("Content-Length")
                .ok_or_else(|| bad("no Content-Length".into()))?
                .parse()
                .map_err(|e| bad(format!("bad Content-Length: {e}")))?;
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body)?;
            body
        };
        reply.body = String::from_utf8(body).map_err(|e| bad(e.to_string()))?;
        Ok(reply)
    }

    fn chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let size_line = self.line()?;
            let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|e| bad(format!("bad chunk size {size_line:?}: {e}")))?;
            if size == 0 {
                // Trailers, then the empty line.
                while !self.line()?.is_empty() {}
                return Ok(body);
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.reader.read_exact(&mut body[start..])?;
            self.line()?;
        }
    }

    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the service closed the connection",
            ));
        }
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn bad(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// One request on a fresh connection.
fn call(addr: SocketAddr, method: &str, path: &str) -> Reply {
    Client::connect(addr).request(method, path, "")
}

// ---------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------

/// A hundredth of the real workload: the same shape, quick to run.
fn tiny() -> Work {
    Work::default().scaled(0.01)
}

/// The five named pools, small and static.
fn five_pools() -> GroupConfig {
    Step::ALL.iter().fold(GroupConfig::new(10), |c, s| {
        c.pool(PoolConfig::fixed(s.pool_name(), 2))
    })
}

/// One static pool that every step shares.
fn one_pool(workers: usize) -> GroupConfig {
    GroupConfig::new(workers).pool(PoolConfig::fixed("shared", workers))
}

fn start(config: &GroupConfig, work: Work) -> (Arc<PoolGroup>, Service) {
    let group = Arc::new(PoolGroup::new(config).expect("the pools start"));
    let service =
        Service::start(Arc::clone(&group), work, "127.0.0.1:0", 2).expect("the service starts");
    (group, service)
}

/// Stops the service (every accepted request answered) and the pools (every task finished).
fn finish(group: &PoolGroup, service: Service) {
    assert_eq!(
        service.stop(PATIENCE).unanswered,
        0,
        "requests left unanswered"
    );
    assert!(group.shutdown(SHUTDOWN).all_finished(), "pools still busy");
}

/// Each pool's tasks completed (returned or panicked) so far.
fn completed(group: &PoolGroup) -> BTreeMap<String, u64> {
    group
        .pool_stats()
        .into_iter()
        .map(|s| (s.name, s.completed))
        .collect()
}

/// Waits until every pool has completed at least the `expected` tasks, then returns the
/// counts. The last step answers the client before its worker counts it as completed, so a
/// client can see its answer a moment before the count does.
fn completed_at_least(
    group: &PoolGroup,
    expected: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let now = completed(group);
        let caught_up = expected
            .iter()
            .all(|(pool, &n)| now.get(pool).copied().unwrap_or(0) >= n);
        if caught_up || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The tasks each pool runs for these requests under five named pools.
fn expected_tasks(requests: &[Endpoint]) -> BTreeMap<String, u64> {
    let mut tasks: BTreeMap<String, u64> = Step::ALL
        .iter()
        .map(|s| (s.pool_name().to_owned(), 0))
        .collect();
    for endpoint in requests {
        for step in endpoint.steps() {
            *tasks.entry(step.pool_name().to_owned()).or_default() += 1;
        }
    }
    tasks
}

/// The answer of `POST /v1/generate` with `body`: the endpoint's JSON and the digest of what
/// the example network gives for the request's one row, computed here without the service.
fn generate_answer(body: &str) -> String {
    static MODEL: OnceLock<OnnxModel> = OnceLock::new();
    let model = MODEL.get_or_init(|| OnnxModel::mlp().expect("the example network loads"));
    let rows = model_rows(
        "POST",
        "/v1/generate",
        body.as_bytes(),
        1,
        model.input_width(),
    );
    let outputs = model.infer_rows(&rows).expect("the example network runs");
    format!(
        r#"{{"tokens":64,"steps":5,"model":{{"rows":1,"digest":"{}"}}}}"#,
        output_digest(&outputs)
    )
}

/// The method, path and answer body of a request to `endpoint` sending `sent` as its body;
/// `n` picks the document.
fn request_for(endpoint: Endpoint, n: usize, sent: &str) -> (&'static str, String, String) {
    match endpoint {
        Endpoint::Generate => ("POST", "/v1/generate".into(), generate_answer(sent)),
        Endpoint::Embed => (
            "POST",
            "/v1/embed".into(),
            r#"{"dimensions":384,"steps":1}"#.into(),
        ),
        Endpoint::Document => (
            "GET",
            format!("/v1/documents/{n}"),
            format!(r#"{{"id":{n},"steps":2}}"#),
        ),
    }
}

fn config_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("configs")
        .join(name)
}

/// A file in the temporary directory, unique to this process and `name`, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "inference-server-test-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, text).expect("write a temporary file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_inference-server"))
}

// ---------------------------------------------------------------------------------------
// Endpoints.
// ---------------------------------------------------------------------------------------

#[test]
fn smoke_every_endpoint_answers() {
    let (group, service) = start(&five_pools(), tiny());
    let addr = service.local_addr();

    for (n, endpoint) in Endpoint::ALL.into_iter().enumerate() {
        let (method, path, body) = request_for(endpoint, n, "");
        let reply = call(addr, method, &path);
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
        assert_eq!(reply.header("Content-Type"), Some("application/json"));
        assert_eq!(reply.body, body);
    }

    let health = call(addr, "GET", "/health");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));

    let status = call(addr, "POST", "/log-status");
    assert_eq!(status.status, 200);
    assert!(status.body.contains("inference"), "{}", status.body);

    finish(&group, service);
}

#[test]
fn smoke_with_the_shipped_adaptive_pools() {
    let config = GroupConfig::load(config_path("named-adaptive.toml")).expect("the config loads");
    let (group, service) = start(&config, tiny());
    let mut client = Client::connect(service.local_addr());
    for (n, endpoint) in Endpoint::ALL.into_iter().enumerate() {
        let (method, path, body) = request_for(endpoint, n, "{}");
        let reply = client.request(method, &path, "{}");
        assert_eq!((reply.status, reply.body), (200, body), "{method} {path}");
    }
    finish(&group, service);
}

#[test]
fn stats_show_the_five_pools() {
    let (group, service) = start(&five_pools(), tiny());
    let reply = call(service.local_addr(), "GET", "/stats");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Content-Type"), Some("application/json"));
    let stats: serde_json::Value = serde_json::from_str(&reply.body).expect("the stats are JSON");
    let names: Vec<&str> = stats["pools"]
        .as_array()
        .expect("a list of pools")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["db", "embedding", "io", "inference", "cpu"]);
    assert_eq!(stats["totals"]["max_total_threads"], 10);
    finish(&group, service);
}

#[test]
fn metrics_are_prometheus_text() {
    let (group, service) = start(&five_pools(), tiny());
    let reply = call(service.local_addr(), "GET", "/metrics");
    assert_eq!(reply.status, 200);
    let content_type = reply.header("Content-Type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    for step in Step::ALL {
        let gauge = format!("betapool_threads{{pool=\"{}\"}} 2", step.pool_name());
        assert!(
            reply.body.contains(&gauge),
            "no `{gauge}` in\n{}",
            reply.body
        );
    }
    finish(&group, service);
}

#[test]
fn unknown_path_is_404() {
    let (group, service) = start(&five_pools(), tiny());
    for path in ["/", "/v1", "/v1/generate/now", "/v1/documents/1/2"] {
        let reply = call(service.local_addr(), "GET", path);
        assert_eq!(reply.status, 404, "GET {path}");
    }
    finish(&group, service);
}

#[test]
fn wrong_method_is_405_with_allow() {
    let (group, service) = start(&five_pools(), tiny());
    let addr = service.local_addr();
    for (method, path, allow) in [
        ("GET", "/v1/generate", "POST"),
        ("PUT", "/v1/embed", "POST"),
        ("POST", "/v1/documents/3", "GET"),
        ("DELETE", "/health", "GET"),
        ("POST", "/stats", "GET"),
        ("GET", "/log-status", "POST"),
    ] {
        let reply = call(addr, method, path);
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.header("Allow"), Some(allow), "{method} {path}");
    }
    finish(&group, service);
}

#[test]
fn bad_document_id_is_400() {
    let (group, service) = start(&five_pools(), tiny());
    for id in ["abc", "-1", "1.5", ""] {
        let reply = call(service.local_addr(), "GET", &format!("/v1/documents/{id}"));
        assert_eq!(reply.status, 400, "id {id:?}");
        assert!(reply.body.contains("not a whole number"), "{}", reply.body);
    }
    // No work was done for them.
    assert!(completed(&group).values().all(|&n| n == 0));
    finish(&group, service);
}

// ---------------------------------------------------------------------------------------
// Routing.
// ---------------------------------------------------------------------------------------

#[test]
fn shared_pool_serves_every_endpoint_and_counts_its_tasks() {
    let (group, service) = start(&one_pool(3), tiny());
    let mut client = Client::connect(service.local_addr());
    for (n, endpoint) in Endpoint::ALL.into_iter().enumerate() {
        let (method, path, body) = request_for(endpoint, n, "");
        let reply = client.request(method, &path, "");
        assert_eq!((reply.status, reply.body), (200, body), "{method} {path}");
    }
    // generate 5 + embed 1 + documents 2, all on the one pool.
    let expected = BTreeMap::from([("shared".to_owned(), 8)]);
    assert_eq!(completed_at_least(&group, &expected), expected);
    let stats = group.pool_stats();
    assert_eq!((stats[0].submitted, stats[0].panicked), (8, 0));
    finish(&group, service);
}

#[test]
fn routes_name_the_missing_pools() {
    let config = GroupConfig::new(4)
        .pool(PoolConfig::fixed("db", 2))
        .pool(PoolConfig::fixed("io", 2));
    let group = Arc::new(PoolGroup::new(&config).expect("the pools start"));

    let err = Routes::for_group(&group).expect_err("three steps have no pool");
    let message = err.to_string();
    for missing in ["`embedding`", "`inference`", "`cpu`"] {
        assert!(
            message.contains(missing),
            "{missing} not named in: {message}"
        );
    }
    assert!(
        message.contains("`db`, `io`"),
        "the pools there are: {message}"
    );
    assert!(!message.contains('\n'), "one line: {message}");

    let err = Service::start(Arc::clone(&group), tiny(), "127.0.0.1:0", 1)
        .expect_err("the service needs every step routed");
    assert_eq!(err.to_string(), message);
    assert!(group.shutdown(SHUTDOWN).all_finished());
}

#[test]
fn routes_prefer_the_named_pool_and_share_a_single_one() {
    let routes = Routes::for_pools(["cpu", "db", "embedding", "inference", "io"]).unwrap();
    for step in Step::ALL {
        assert_eq!(routes.pool(step), step.pool_name());
    }
    let routes = Routes::for_pools(["db"]).unwrap();
    assert!(Step::ALL.iter().all(|&s| routes.pool(s) == "db"));
    assert!(Routes::for_pools([]).is_err());
}

// ---------------------------------------------------------------------------------------
// Concurrency, failures and shutdown.
// ---------------------------------------------------------------------------------------

#[test]
fn stress_keep_alive_no_task_lost_or_run_twice() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 25;
    let (group, service) = start(&five_pools(), tiny());
    let addr = service.local_addr();

    let clients: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                let mut client = Client::connect(addr);
                let mut sent = Vec::with_capacity(PER_THREAD);
                for i in 0..PER_THREAD {
                    let n = t * PER_THREAD + i;
                    let endpoint = Endpoint::ALL[n % Endpoint::ALL.len()];
                    let prompt = r#"{"prompt":"hello"}"#;
                    let (method, path, body) = request_for(endpoint, n, prompt);
                    // A request body must not break the connection, whether a step reads it
                    // (generate's model rows are drawn from it) or not.
                    let reply = client.request(method, &path, prompt);
                    assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
                    assert_eq!(reply.body, body, "{method} {path}");
                    sent.push(endpoint);
                }
                sent
            })
        })
        .collect();
    let sent: Vec<Endpoint> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("a client thread"))
        .collect();
    assert_eq!(sent.len(), THREADS * PER_THREAD);

    let expected = expected_tasks(&sent);
    assert_eq!(completed_at_least(&group, &expected), expected);
    for stats in group.pool_stats() {
        assert_eq!(
            stats.submitted, expected[&stats.name],
            "pool {}",
            stats.name
        );
        assert_eq!(
            (stats.panicked, stats.cancelled),
            (0, 0),
            "pool {}",
            stats.name
        );
    }
    finish(&group, service);
}

#[test]
fn panicking_step_answers_500() {
    let work = Work {
        panic_at: Some(Step::Embedding),
        ..tiny()
    };
    let (group, service) = start(&five_pools(), work);
    let mut client = Client::connect(service.local_addr());

    let reply = client.request("POST", "/v1/generate", "");
    assert_eq!(reply.status, 500);
    assert!(
        reply.body.contains("generate/embedding") && reply.body.contains("panicked"),
        "{}",
        reply.body
    );
    assert_eq!(client.request("POST", "/v1/embed", "").status, 500);
    // The connection and the pools go on: a request that avoids the embedding pool succeeds.
    let reply = client.request("GET", "/v1/documents/9", "");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"id":9,"steps":2}"#)
    );

    // generate ran db, then panicked on embedding (and went no further); embed panicked;
    // the document ran db and io.
    let expected = BTreeMap::from([
        ("db".to_owned(), 2),
        ("embedding".to_owned(), 2),
        ("io".to_owned(), 1),
        ("inference".to_owned(), 0),
        ("cpu".to_owned(), 0),
    ]);
    assert_eq!(completed_at_least(&group, &expected), expected);
    let panicked: u64 = group.pool_stats().iter().map(|s| s.panicked).sum();
    assert_eq!(panicked, 2);
    finish(&group, service);
}

#[test]
fn refused_step_answers_503() {
    let (group, service) = start(&five_pools(), tiny());
    assert!(group.shutdown(SHUTDOWN).all_finished());

    let mut client = Client::connect(service.local_addr());
    let reply = client.request("POST", "/v1/generate", "");
    assert_eq!(reply.status, 503);
    assert!(
        reply.body.contains("pool `db`") && reply.body.contains("generate/db"),
        "{}",
        reply.body
    );
    // The control endpoints need no pool.
    assert_eq!(client.request("GET", "/health", "").status, 200);
    assert_eq!(service.stop(PATIENCE).unanswered, 0);
}

#[test]
fn shutdown_drains_requests_in_flight() {
    // The model call waits long enough for the test to see the request in flight.
    let mut work = tiny();
    work.generate_inference.wait = Duration::from_millis(300);
    let (group, service) = start(&five_pools(), work);
    let addr = service.local_addr();

    let client = std::thread::spawn(move || call(addr, "POST", "/v1/generate"));
    let deadline = Instant::now() + PATIENCE;
    while service.in_flight() == 0 && !client.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Stopping waits for the accepted request to be answered before it returns.
    assert_eq!(service.stop(PATIENCE).unanswered, 0);
    let reply = client.join().expect("the client thread");
    assert_eq!((reply.status, reply.body), (200, generate_answer("")));
    assert!(group.shutdown(SHUTDOWN).all_finished());
}

#[test]
fn zero_http_threads_is_an_error() {
    let group = Arc::new(PoolGroup::new(&one_pool(1)).expect("the pool starts"));
    let err = Service::start(Arc::clone(&group), tiny(), "127.0.0.1:0", 0).unwrap_err();
    assert!(err.to_string().contains("http_threads"), "{err}");
    assert!(group.shutdown(SHUTDOWN).all_finished());
}

// ---------------------------------------------------------------------------------------
// The shipped configs.
// ---------------------------------------------------------------------------------------

#[test]
fn shipped_configs_load_and_route_every_step() {
    let cases = [
        ("shared-static.toml", 10),
        ("shared-static-140.toml", 140),
        ("named-static.toml", 140),
        ("named-adaptive.toml", 512),
    ];
    for (file, threads) in cases {
        let config = GroupConfig::load(config_path(file))
            .unwrap_or_else(|e| panic!("{file} does not load: {e}"));
        let max: usize = config.pools.iter().map(|p| p.kind.max_workers()).sum();
        assert_eq!(max, threads, "{file}: the thread budget");
        let routes = Routes::for_config(&config).unwrap_or_else(|e| panic!("{file}: {e}"));
        for step in Step::ALL {
            let expected = if file.starts_with("shared") {
                "shared"
            } else {
                step.pool_name()
            };
            assert_eq!(routes.pool(step), expected, "{file}: step {step}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The binary.
// ---------------------------------------------------------------------------------------

#[test]
fn binary_bad_config_exits_2_with_file_line_column() {
    let file = TempFile::new(
        "bad.toml",
        "max_total_threads = 8\n\n[pools.db]\nkind = \"static\"\nworkers = \"two\"\n",
    );
    let out = binary()
        .arg("--config")
        .arg(&file.0)
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let prefix = format!(
        "inference-server: {}:5:11: pools.db.workers: ",
        file.0.display()
    );
    assert!(stderr.starts_with(&prefix), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn binary_config_without_the_pools_exits_2() {
    let file = TempFile::new(
        "two-pools.toml",
        "max_total_threads = 4\n[pools.db]\nkind = \"static\"\nworkers = 2\n\
         [pools.gpu]\nkind = \"static\"\nworkers = 2\n",
    );
    let out = binary()
        .arg("--config")
        .arg(&file.0)
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&file.0.display().to_string()), "{stderr}");
    assert!(stderr.contains("`embedding`"), "{stderr}");
}

#[test]
fn binary_bad_flag_exits_2() {
    let config = config_path("shared-static.toml");
    for flags in [
        &["--http-threads", "0"][..],
        &["--seconds", "soon"],
        &["--no-such-flag"],
    ] {
        let out = binary()
            .arg("--config")
            .arg(&config)
            .args(flags)
            .output()
            .expect("run the binary");
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{flags:?}: {stderr}");
    }
    // No --config at all.
    let out = binary().output().expect("run the binary");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn binary_address_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("its address");
    let out = binary()
        .arg("--config")
        .arg(config_path("shared-static.toml"))
        .arg("--bind")
        .arg(addr.to_string())
        .output()
        .expect("run the binary");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("inference-server: could not listen on {addr}")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn binary_runs_for_seconds_and_exits_0() {
    let out = binary()
        .arg("--config")
        .arg(config_path("named-static.toml"))
        .args(["--bind", "127.0.0.1:0", "--seconds", "1"])
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "exactly one line: {stdout}");
    let addr: SocketAddr = stdout
        .trim_end()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("not a listening line: {stdout}"));
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0, "the real port, not the one asked for");
    assert!(
        stderr.contains("db finished"),
        "the shutdown report: {stderr}"
    );
}
