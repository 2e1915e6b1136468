//! Tests of the server guard: the address parsed, the process killed on drop, failures quoted.

use super::*;

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    cmd
}

fn alive(pid: u32) -> bool {
    // After the guard's wait the process is reaped, so its /proc entry is gone.
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn guard_parses_the_address_and_kills_on_drop() {
    let server = Server::start(
        sh("echo listening on http://127.0.0.1:1; echo more output; exec sleep 30"),
        STARTUP_TIMEOUT,
    )
    .unwrap();
    assert_eq!(server.addr(), "127.0.0.1:1".parse().unwrap());
    let pid = server.pid();
    assert!(alive(pid));
    drop(server);
    assert!(!alive(pid));
}

#[test]
fn a_server_exiting_at_once_reports_its_stderr() {
    let err = Server::start(
        sh("echo 'pools.toml:3:7: unknown key `treads`' >&2; exit 2"),
        STARTUP_TIMEOUT,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("pools.toml:3:7: unknown key `treads`"),
        "{err}"
    );
    assert!(err.contains("exit status: 2"), "{err}");
    assert!(err.contains("before printing its address"), "{err}");
}

#[test]
fn a_server_printing_something_else_is_killed_and_quoted() {
    let err = Server::start(
        sh("echo 'warming up' >&2; echo hello; exec sleep 30"),
        STARTUP_TIMEOUT,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("printed `hello` instead of"), "{err}");
    assert!(err.contains("warming up"), "{err}");
}

#[test]
fn a_silent_server_times_out() {
    let err = Server::start(sh("exec sleep 30"), Duration::from_millis(200))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("did not print its address within 0.2 s"),
        "{err}"
    );
    assert!(err.contains("it wrote nothing to stderr"), "{err}");
}

#[test]
fn a_missing_binary_is_named() {
    let err = Server::spawn(
        Path::new("/nonexistent/inference-server"),
        Path::new("x"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("/nonexistent/inference-server"), "{err}");
}

#[test]
fn an_exit_during_the_load_is_reported() {
    let mut server = Server::start(
        sh("echo listening on http://127.0.0.1:1; echo 'panicked at pool.rs' >&2; exit 101"),
        STARTUP_TIMEOUT,
    )
    .unwrap();
    // The shell exits at once; the bound only keeps a broken guard from hanging the test.
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let err = loop {
        match server.check_running() {
            Ok(()) if Instant::now() < deadline => thread::sleep(EXIT_POLL),
            Ok(()) => panic!("the shell did not exit"),
            Err(e) => break e.to_string(),
        }
    };
    assert!(err.contains("exited during the load"), "{err}");
    assert!(err.contains("101"), "{err}");
    assert!(err.contains("panicked at pool.rs"), "{err}");
}

#[test]
fn listening_lines_are_parsed_strictly() {
    let addr = |s| parse_listening(s);
    assert_eq!(
        addr("listening on http://127.0.0.1:8080\n"),
        Some("127.0.0.1:8080".parse().unwrap())
    );
    assert_eq!(
        addr("listening on http://[::1]:80/"),
        Some("[::1]:80".parse().unwrap())
    );
    assert_eq!(addr("listening on 127.0.0.1:8080"), None);
    assert_eq!(addr("listening on http://localhost:8080"), None);
    assert_eq!(addr(""), None);
}
