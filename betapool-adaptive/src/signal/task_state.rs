//! Whether a thread is asleep in the kernel (blocked in a call) or runnable, from
//! `/proc/self/task/<tid>/stat`.
//!
//! A worker whose CPU clock has not moved for a while is either blocked (asleep: `S` or `D`)
//! or waiting for a core (runnable: `R`). On an oversubscribed pool a CPU-bound worker can wait
//! hundreds of milliseconds for its turn, so the clock alone cannot tell the two apart; the
//! scheduler's state can.

/// The scheduler state of one thread, as far as the controller cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// Running or waiting for a core (`R`).
    Runnable,
    /// Asleep in the kernel: waiting on I/O, a lock, a sleep (`S`, `D`, `I`).
    Asleep,
    /// Anything else (stopped, traced, exiting).
    Other,
}

/// Parses the state out of a `stat` line: the first character after the `)` that closes the
/// command name (which may itself contain spaces or parentheses).
pub(crate) fn parse(text: &str) -> Option<TaskState> {
    let rest = &text[text.rfind(')')? + 1..];
    Some(match rest.trim_start().chars().next()? {
        'R' => TaskState::Runnable,
        'S' | 'D' | 'I' => TaskState::Asleep,
        _ => TaskState::Other,
    })
}

/// Reads the state of thread `tid` of this process; `None` where there is no procfs or the
/// thread is gone.
pub(crate) fn read(tid: u64) -> Option<TaskState> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_states_after_the_command_name() {
        assert_eq!(parse("123 (bpa-1) S 1 2 3"), Some(TaskState::Asleep));
        assert_eq!(parse("123 (a) b) R 1"), Some(TaskState::Runnable));
        assert_eq!(parse("123 (x) D 1"), Some(TaskState::Asleep));
        assert_eq!(parse("123 (x) T 1"), Some(TaskState::Other));
        assert_eq!(parse("garbage"), None);
        assert_eq!(parse("1 (x)"), None);
    }

    #[test]
    fn a_sleeping_thread_reads_as_asleep() {
        if !std::path::Path::new("/proc/self/task").exists() {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            tid_tx
                .send(crate::signal::clock::current_thread_tid())
                .unwrap();
            let _ = rx.recv();
        });
        let tid = tid_rx.recv().unwrap().expect("tid on Linux");
        // Blocked in `recv` until we send: asleep, whatever else the machine does. Poll a few
        // times in case the thread has not reached `recv` yet.
        let mut state = None;
        for _ in 0..1_000 {
            state = read(tid);
            if state == Some(TaskState::Asleep) {
                break;
            }
            std::thread::yield_now();
        }
        assert_eq!(state, Some(TaskState::Asleep));
        tx.send(()).unwrap();
        t.join().unwrap();
    }
}
