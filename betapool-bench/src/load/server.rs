//! The service under load as a child process: started with its config on a free loopback
//! port, its address read from its first stdout line, and killed (and waited for) when the
//! guard is dropped, so that no server outlives a run, even one that fails.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a server may take to print its address: a release build binds in milliseconds;
/// 30 s also covers a debug build on a loaded machine.
pub(crate) const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// What the first stdout line starts with; the address follows.
const LISTENING_PREFIX: &str = "listening on http://";

/// How much of the server's stderr is kept, from its end: enough for a config error or a
/// panic with its message, bounded for a server that logs without pause.
const STDERR_TAIL_BYTES: usize = 16 * 1024;

/// How long to wait for a server whose stdout closed to exit, and for the rest of a stopped
/// server's stderr to arrive, before reporting what there is.
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// How often a server that is expected to exit is polled.
const EXIT_POLL: Duration = Duration::from_millis(10);

/// A running server, killed when dropped.
#[derive(Debug)]
pub(crate) struct Server {
    child: Child,
    addr: SocketAddr,
    /// The command line, for messages.
    what: String,
    stderr: StderrTail,
}

impl Server {
    /// Starts `binary --config CONFIG --bind 127.0.0.1:0 ARGS…` and waits for its address.
    pub(crate) fn spawn(binary: &Path, config: &Path, args: &[String]) -> Result<Server> {
        let mut cmd = Command::new(binary);
        cmd.arg("--config")
            .arg(config)
            .args(["--bind", "127.0.0.1:0"])
            .args(args);
        Server::start(cmd, STARTUP_TIMEOUT)
    }

    /// Starts `cmd` and waits up to `timeout` for its first stdout line, which must be
    /// `listening on http://ADDR`. If the process exits first, prints something else or stays
    /// silent, it is killed and the error quotes its stderr.
    ///
    /// Both output pipes are read to their end by threads of their own for as long as the
    /// server runs, so that a server which logs a lot never blocks on a full pipe.
    pub(crate) fn start(mut cmd: Command, timeout: Duration) -> Result<Server> {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let what = format!("{cmd:?}");
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start the server {what}"))?;
        let stderr = StderrTail::drain(child.stderr.take());
        let first_line = first_line(child.stdout.take());
        let mut server = Server {
            child,
            // Replaced below once the server has said where it listens; a server that does
            // not say is killed before this address is ever used.
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            what,
            stderr,
        };
        match first_line.recv_timeout(timeout) {
            Ok(line) => match parse_listening(&line) {
                Some(addr) => {
                    server.addr = addr;
                    Ok(server)
                }
                None => {
                    server.stop();
                    bail!(
                        "the server {} printed `{}` instead of `{LISTENING_PREFIX}ADDR`{}",
                        server.what,
                        line.trim_end(),
                        server.stderr_note()
                    )
                }
            },
            Err(RecvTimeoutError::Timeout) => {
                server.stop();
                bail!(
                    "the server {} did not print its address within {} s{}",
                    server.what,
                    timeout.as_secs_f64(),
                    server.stderr_note()
                )
            }
            // Its stdout closed without a line: the server is exiting.
            Err(RecvTimeoutError::Disconnected) => {
                let status = server.wait_exit(EXIT_WAIT);
                server.stop();
                let status = status.map_or_else(
                    || "still running after closing its stdout".to_string(),
                    |s| s.to_string(),
                );
                bail!(
                    "the server {} exited ({status}) before printing its address{}",
                    server.what,
                    server.stderr_note()
                )
            }
        }
    }

    /// Where the server listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's process id, for `/proc/<pid>`.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails, quoting its stderr, if the server has exited.
    pub(crate) fn check_running(&mut self) -> Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                self.stderr.wait_closed(EXIT_WAIT);
                bail!(
                    "the server {} exited during the load ({status}){}",
                    self.what,
                    self.stderr_note()
                )
            }
            Err(e) => bail!("cannot tell whether the server {} runs: {e}", self.what),
        }
    }

    /// Polls for the exit of a server expected to exit, for at most `wait`.
    fn wait_exit(&mut self, wait: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + wait;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(EXIT_POLL),
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Kills the server and waits for it, then gives its stderr a moment to arrive.
    fn stop(&mut self) {
        // Either call fails only when the process is already gone, which is the goal.
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr.wait_closed(EXIT_WAIT);
    }

    /// The end of the server's stderr, as the tail of an error message.
    fn stderr_note(&self) -> String {
        let text = self.stderr.text();
        let text = text.trim_end();
        if text.is_empty() {
            " (it wrote nothing to stderr)".into()
        } else {
            format!("; its stderr:\n{text}")
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Killing a process that has already exited is harmless; the wait reaps it, so no
        // zombie is left either. The stderr thread ends by itself at the pipe's end.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in a `listening on http://ADDR` line.
fn parse_listening(line: &str) -> Option<SocketAddr> {
    line.trim_end()
        .strip_prefix(LISTENING_PREFIX)?
        .trim_end_matches('/')
        .parse()
        .ok()
}

/// Reads `stdout` on a thread of its own: sends its first line, then reads the rest to the
/// end and drops it. The channel disconnects without a line if stdout closes first.
fn first_line(stdout: Option<ChildStdout>) -> Receiver<String> {
    let (tx, rx): (SyncSender<String>, _) = mpsc::sync_channel(1);
    if let Some(stdout) = stdout {
        // A thread that cannot be started leaves the channel disconnected, which reads as a
        // server that printed nothing; its error names the server.
        let _ = thread::Builder::new()
            .name("load-server-stdout".into())
            .spawn(move || {
                let mut reader = BufReader::new(stdout);
                let mut line = String::new();
                if matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
                    let _ = tx.send(line);
                }
                drop(tx);
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
            });
    }
    rx
}

/// The last [`STDERR_TAIL_BYTES`] of the server's stderr, read by a thread of its own.
#[derive(Debug)]
struct StderrTail {
    text: Arc<Mutex<Vec<u8>>>,
    /// Disconnects when the pipe reaches its end.
    closed: Receiver<()>,
}

impl StderrTail {
    fn drain(stderr: Option<ChildStderr>) -> StderrTail {
        let text = Arc::new(Mutex::new(Vec::new()));
        let (tx, closed) = mpsc::channel::<()>();
        if let Some(mut stderr) = stderr {
            let tail = Arc::clone(&text);
            let _ = thread::Builder::new()
                .name("load-server-stderr".into())
                .spawn(move || {
                    // Dropped at the end of the pipe (or of this thread), which tells
                    // `wait_closed` that everything has been read.
                    let _tx = tx;
                    let mut buf = [0; 4096];
                    while let Ok(n @ 1..) = stderr.read(&mut buf) {
                        let mut t = tail.lock().unwrap_or_else(PoisonError::into_inner);
                        t.extend_from_slice(&buf[..n]);
                        let excess = t.len().saturating_sub(STDERR_TAIL_BYTES);
                        t.drain(..excess);
                    }
                });
        }
        StderrTail { text, closed }
    }

    /// Waits up to `wait` for the pipe's end (a process that has exited may still have bytes
    /// in it), then returns.
    fn wait_closed(&self, wait: Duration) {
        let _ = self.closed.recv_timeout(wait);
    }

    fn text(&self) -> String {
        let t = self.text.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&t).into_owned()
    }
}

#[cfg(test)]
mod tests;
