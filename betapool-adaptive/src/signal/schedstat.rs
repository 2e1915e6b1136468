//! One thread's scheduler statistics from `/proc/self/task/<tid>/schedstat`: its time on
//! a CPU, its time runnable but waiting for one, and how many time slices it ran.
//!
//! The second field, the run-queue delay, is what lets the controller tell a thread
//! blocked on I/O from one waiting for a core (ARCHITECTURE.md, "The signal"): the seed's β
//! counts both as blocking.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::Path;
use std::time::Duration;

/// The three numbers the kernel writes to a thread's `schedstat` file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SchedStat {
    /// Time the thread has spent running on a CPU (the kernel's `sum_exec_runtime`, the
    /// same count the thread's CPU clock reads).
    pub(crate) on_cpu: Duration,
    /// Time the thread has spent runnable, waiting in a run queue for a CPU
    /// (`run_delay`).
    pub(crate) run_delay: Duration,
    /// Time slices the thread has run (`pcount`): how often it was put on a CPU.
    pub(crate) timeslices: u64,
}

/// Bytes read from the file. The kernel writes three `u64`s (at most 20 digits each),
/// two spaces and a newline, 63 bytes at most; 128 leaves room while staying a trivial
/// stack array, and a file that fills it cannot be a schedstat line.
const READ_BUF_LEN: usize = 128;

/// Bytes for the path. `/proc/self/task/` (16) + a `u64` (20 digits at most) +
/// `/schedstat` (10) is 46; 64 is the next round size. The path is built on the stack
/// because `File::open` copies a path this short into a stack `CString` too, so the
/// whole read makes no heap allocation, which matters when it runs per worker per tick.
const PATH_BUF_LEN: usize = 64;

/// Parses the text of a `schedstat` file: exactly three unsigned decimal integers
/// (nanoseconds on a CPU, nanoseconds waiting, time slices) separated by whitespace, with
/// optional whitespace around them. Anything else is `None`, including signs, extra
/// fields and numbers that overflow a `u64`, so a format change in some future kernel is
/// seen as "unavailable" rather than misread.
pub(crate) fn parse(text: &str) -> Option<SchedStat> {
    let mut fields = text.split_ascii_whitespace().map(parse_decimal);
    let on_cpu = fields.next()??;
    let run_delay = fields.next()??;
    let timeslices = fields.next()??;
    if fields.next().is_some() {
        return None;
    }
    Some(SchedStat {
        on_cpu: Duration::from_nanos(on_cpu),
        run_delay: Duration::from_nanos(run_delay),
        timeslices,
    })
}

/// Reads the scheduler statistics of the thread of this process whose kernel thread id
/// (`gettid`) is `tid`.
///
/// It costs about 5 µs (an open, a read and a close of a procfs file) and makes no heap
/// allocation. Returns `None` when the file cannot be opened or read (the thread has
/// exited, `/proc` is not mounted, the kernel was built without scheduler statistics,
/// or this is not Linux) or does not parse.
pub(crate) fn read(tid: u64) -> Option<SchedStat> {
    let mut path_buf = [0u8; PATH_BUF_LEN];
    let path = schedstat_path(tid, &mut path_buf)?;
    let mut file = File::open(path).ok()?;
    let mut buf = [0u8; READ_BUF_LEN];
    let mut len = 0;
    loop {
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                // A full buffer means the file is longer than any schedstat line.
                if len == buf.len() {
                    return None;
                }
            }
            // A signal interrupted the read before it transferred anything; try again.
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    parse(std::str::from_utf8(&buf[..len]).ok()?)
}

/// Writes `/proc/self/task/<tid>/schedstat` into `buf` and returns it as a path.
fn schedstat_path(tid: u64, buf: &mut [u8; PATH_BUF_LEN]) -> Option<&Path> {
    let mut rest: &mut [u8] = buf;
    // Writing to a slice fails only when it is full, which PATH_BUF_LEN rules out.
    write!(rest, "/proc/self/task/{tid}/schedstat").ok()?;
    let len = PATH_BUF_LEN - rest.len();
    std::str::from_utf8(&buf[..len]).ok().map(Path::new)
}

/// Parses one field: ASCII digits only, so the `+` that `u64::from_str` would accept is
/// refused like any other character the kernel never writes.
fn parse_decimal(field: &str) -> Option<u64> {
    if field.bytes().all(|b| b.is_ascii_digit()) {
        field.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
