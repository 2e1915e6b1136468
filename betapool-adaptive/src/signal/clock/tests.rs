//! Tests of the CPU clocks: the clock-id encoding everywhere, the readings on Linux.
//!
//! No test asserts how long anything took. The threads here do fixed amounts of *CPU*
//! work, and the assertions compare CPU clocks with each other, which holds however
//! loaded the machine is.

use proptest::prelude::*;

use super::*;

#[test]
fn thread_clock_id_matches_the_kernel_encoding() {
    // Worked by hand from MAKE_THREAD_CPUCLOCK: (!tid << 3) | 4 | 2 = -(tid + 1) * 8 + 6.
    assert_eq!(thread_clock_id(1), Some(-10));
    assert_eq!(thread_clock_id(1234), Some(-9874));
    assert_eq!(
        thread_clock_id(PID_MAX_LIMIT),
        Some(-((1 << 22) + 1) * 8 + 6)
    );
}

#[test]
fn thread_clock_id_refuses_ids_that_cannot_be_threads() {
    assert_eq!(thread_clock_id(0), None);
    assert_eq!(thread_clock_id(PID_MAX_LIMIT + 1), None);
    assert_eq!(thread_clock_id(i32::MAX as u64), None);
    assert_eq!(thread_clock_id(u64::MAX), None);
}

proptest! {
    /// The kernel decodes a CPU clock id with `CPUCLOCK_PID(id) = ~(id >> 3)` and the low
    /// three bits; every valid tid must survive that round trip and come out as a
    /// negative id (a positive one would name a fixed clock such as CLOCK_MONOTONIC).
    #[test]
    fn thread_clock_id_decodes_back_to_the_tid(tid in 1..=PID_MAX_LIMIT) {
        let id = thread_clock_id(tid).expect("a valid tid has a clock id");
        prop_assert!(id < 0);
        prop_assert_eq!(u64::try_from(!(id >> 3)).ok(), Some(tid));
        prop_assert_eq!(id & 0b100, CPUCLOCK_PERTHREAD_MASK);
        prop_assert_eq!(id & 0b011, CPUCLOCK_SCHED);
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::hint::black_box;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    use super::super::*;

    /// CPU time each spinning helper burns: far above the clock's resolution (it counts
    /// nanoseconds of run time) and any scheduler tick, yet short enough to keep the test
    /// quick even in a debug build.
    const SPIN: Duration = Duration::from_millis(30);

    /// Burns CPU on the calling thread until its own CPU clock has advanced by `amount`:
    /// a fixed amount of work measured in CPU time, so it means the same on an idle and
    /// on a loaded machine.
    fn burn_cpu(amount: Duration) {
        let tid = current_thread_tid().expect("gettid works on Linux");
        let start = thread_cpu_time(tid).expect("a thread can read its own clock");
        let mut x = 1u64;
        while thread_cpu_time(tid).expect("still alive") - start < amount {
            // A few thousand dependent multiplications between clock reads, so that the
            // clock reads (system calls) are not most of what is measured.
            for _ in 0..4_096 {
                x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
            }
        }
    }

    /// A helper thread that reports its tid, then runs `work` each time it is poked, and
    /// stays alive (blocked on its channel) until dropped, so its clock stays readable.
    struct Helper {
        tid: u64,
        poke: Option<mpsc::Sender<()>>,
        done: mpsc::Receiver<()>,
        handle: Option<thread::JoinHandle<()>>,
    }

    impl Helper {
        fn spawn(work: fn()) -> Helper {
            let (tid_tx, tid_rx) = mpsc::channel();
            let (poke_tx, poke_rx) = mpsc::channel::<()>();
            let (done_tx, done_rx) = mpsc::channel();
            let handle = thread::spawn(move || {
                tid_tx.send(current_thread_tid()).expect("test is waiting");
                // BLOCKED: between pokes the thread sleeps in `recv`, using no CPU.
                while poke_rx.recv().is_ok() {
                    work();
                    if done_tx.send(()).is_err() {
                        break;
                    }
                }
            });
            let tid = tid_rx
                .recv()
                .expect("helper reports its tid")
                .expect("gettid works on Linux");
            Helper {
                tid,
                poke: Some(poke_tx),
                done: done_rx,
                handle: Some(handle),
            }
        }

        /// Runs the helper's work once and waits until it has finished.
        fn run_once(&self) {
            self.poke
                .as_ref()
                .expect("alive")
                .send(())
                .expect("helper alive");
            self.done.recv().expect("helper finished its work");
        }

        fn cpu_time(&self) -> Duration {
            thread_cpu_time(self.tid).expect("a live thread of ours has a readable clock")
        }
    }

    impl Drop for Helper {
        fn drop(&mut self) {
            // Dropping the sender ends the helper's loop; joining keeps threads from
            // outliving the test that made them.
            self.poke.take();
            if let Some(handle) = self.handle.take() {
                handle.join().expect("helper thread did not panic");
            }
        }
    }

    #[test]
    fn current_thread_tid_differs_between_threads() {
        let here = current_thread_tid().expect("gettid works on Linux");
        let there = thread::spawn(current_thread_tid)
            .join()
            .expect("no panic")
            .expect("gettid works on Linux");
        assert_ne!(here, there);
        assert!(thread_clock_id(here).is_some(), "real tids are in range");
    }

    #[test]
    fn a_thread_can_read_its_own_clock() {
        let tid = current_thread_tid().expect("gettid works on Linux");
        let before = thread_cpu_time(tid).expect("own clock is readable");
        burn_cpu(Duration::from_millis(1));
        let after = thread_cpu_time(tid).expect("own clock is readable");
        assert!(after > before);
    }

    #[test]
    fn a_spinning_threads_clock_advances_when_read_from_another_thread() {
        let spinner = Helper::spawn(|| burn_cpu(SPIN));
        let before = spinner.cpu_time();
        spinner.run_once();
        let after = spinner.cpu_time();
        // The helper measured its own SPIN through its own clock; read from here, the same
        // clock must have moved at least that much.
        assert!(
            after - before >= SPIN,
            "spinner's clock moved {:?}, expected at least {SPIN:?}",
            after - before
        );
    }

    #[test]
    fn a_sleeping_threads_clock_barely_moves_next_to_a_spinning_one() {
        let sleeper = Helper::spawn(|| {});
        let spinner = Helper::spawn(|| burn_cpu(SPIN));
        let (sleeper_before, spinner_before) = (sleeper.cpu_time(), spinner.cpu_time());
        spinner.run_once();
        let sleeper_moved = sleeper.cpu_time() - sleeper_before;
        let spinner_moved = spinner.cpu_time() - spinner_before;
        // The sleeper stayed blocked in `recv` the whole time; a tenth of the spinner's
        // time is a very generous bound for whatever bookkeeping the kernel charges it.
        assert!(
            sleeper_moved * 10 < spinner_moved,
            "sleeper used {sleeper_moved:?} while the spinner used {spinner_moved:?}"
        );
    }

    #[test]
    fn bogus_tids_read_as_none() {
        // Refused before any system call.
        assert_eq!(thread_cpu_time(0), None);
        assert_eq!(thread_cpu_time(u64::MAX), None);
        // Encoded and sent to the kernel, which refuses it: pid_max is at most
        // PID_MAX_LIMIT and tids stay below pid_max, so no thread has this id.
        assert_eq!(thread_cpu_time(PID_MAX_LIMIT), None);
        // A thread of another process (init) is refused too: the kernel only serves thread
        // clocks within the caller's own process. Skipped when this test *is* pid 1, as
        // when a container runs the test binary directly.
        if std::process::id() != 1 {
            assert_eq!(thread_cpu_time(1), None);
        }
    }

    #[test]
    fn process_cpu_time_is_monotone() {
        let first = process_cpu_time().expect("the process clock exists on Linux");
        burn_cpu(SPIN);
        let second = process_cpu_time().expect("the process clock exists on Linux");
        burn_cpu(SPIN);
        let third = process_cpu_time().expect("the process clock exists on Linux");
        assert!(first <= second && second <= third);
        // The process clock sums each thread's run time as of that thread's last scheduler
        // update, so a running thread's share lags by up to one tick (ARCHITECTURE.md, "The signal": it
        // "advances in scheduler-tick steps"). Two SPINs span several ticks at any HZ, so
        // it has moved, though by how much is deliberately not asserted.
        assert!(third > first, "{first:?} -> {third:?}");
    }
}
