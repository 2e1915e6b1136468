//! loom models of the engine's reliability promises: concurrent resizes converge, shrinking
//! never strands a task, a `JoinHandle` never loses its waker, a panicking task is counted and
//! leaves its worker alive, a full bounded queue neither deadlocks nor runs a task twice, and
//! the counters balance at quiescence.
//!
//! Like `loom_engine.rs`, each model's doc names the bug it guards against, a lost wake-up
//! shows up as a deadlock, and the models stay within 2-4 threads (worker threads included).

use std::panic::resume_unwind;
use std::pin::Pin;
use std::sync::PoisonError;
use std::task::{Context, Poll, Wake, Waker};

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex};
use crate::loom::thread;
use crate::{Builder, JoinError, JoinHandle, Pool, RejectionPolicy};

fn pool(workers: usize, max: usize) -> Pool {
    Builder::new()
        .min_workers(1)
        .max_workers(max)
        .workers(workers)
        .build()
        .expect("a loom pool builds")
}

/// One worker and a queue of one slot, so a second task finds it full until the worker pops.
fn bounded(policy: RejectionPolicy) -> Pool {
    Builder::new()
        .min_workers(1)
        .max_workers(1)
        .workers(1)
        .queue_capacity(1)
        .rejection_policy(policy)
        .build()
        .expect("a loom pool builds")
}

/// The payload of the models' deliberate panics.
const PANIC_MESSAGE: &str = "deliberate loom panic";

/// Panics without calling the panic hook, so the thousands of iterations loom runs print nothing.
fn boom<T>() -> T {
    resume_unwind(Box::new(PANIC_MESSAGE))
}

/// Asserts that a shut-down pool has converged: every thread joined, every slot given back, no
/// spawn half-recorded.
fn assert_fully_shut_down(pool: &Pool) {
    assert_eq!(pool.live_workers(), 0);
    assert_eq!(pool.spawns_in_progress(), 0, "no spawn left half-recorded");
    assert_eq!(pool.slots_in_use(), 0, "every slot was given back");
    assert_eq!(pool.unjoined_threads(), 0, "every thread was joined");
}

/// Controller vs manual resize, as the adaptive controller does it: the controller thread grows
/// the pool from 1 worker to 2 with `request_target` (which returns once the growth is under
/// way, the new thread possibly still being started by the first worker helping the spawner)
/// while the user shrinks it to 1 with `set_target`. Both calls must return, the pool must hold
/// `target <= live <= 2`, and shutdown must then wait for the background spawn, join every
/// thread and give back every slot. A slot left pending for workers that have already finished
/// helping (nobody would ever start its thread, so shutdown would wait forever) or a slot kept
/// by a worker that retired as it started fails here.
#[test]
fn controller_request_vs_manual_resize_converge() {
    loom::model(|| {
        let pool = Arc::new(pool(1, 2));
        let controller = {
            let pool = pool.clone();
            thread::spawn(move || pool.request_target(2).expect("a loom resize succeeds"))
        };
        assert_eq!(pool.set_target(1).unwrap(), 1);
        assert_eq!(controller.join().unwrap(), 2);
        // Whichever call came last set the target; a retiring worker never takes the pool
        // below it.
        let target = pool.target();
        assert!(target == 1 || target == 2, "target {target}");
        let live = pool.live_workers();
        assert!((target..=2).contains(&live), "live {live}, target {target}");
        pool.shutdown();
        assert_fully_shut_down(&pool);
    });
}

/// Growth vs manual shrink, both with `set_target`: as above, but the growing call must return
/// only once its thread is started and recorded, even when the first worker, helping the
/// spawner as it starts, took the slot. A `finish` that returned while a helper's spawn was
/// still in flight fails here.
#[test]
fn growth_vs_manual_shrink_converge() {
    loom::model(|| {
        let pool = Arc::new(pool(1, 2));
        let controller = {
            let pool = pool.clone();
            thread::spawn(move || pool.set_target(2).expect("a loom resize succeeds"))
        };
        assert_eq!(pool.set_target(1).unwrap(), 1);
        assert_eq!(controller.join().unwrap(), 2);
        let target = pool.target();
        assert!(target == 1 || target == 2, "target {target}");
        let live = pool.live_workers();
        assert!((target..=2).contains(&live), "live {live}, target {target}");
        assert_eq!(pool.spawns_in_progress(), 0, "both calls returned");
        pool.shutdown();
        assert_fully_shut_down(&pool);
    });
}

/// Shutdown vs growth: the controller grows the pool with `request_target` while the user shuts
/// it down. The new thread may start, see the shutdown and exit before its spawner has recorded
/// its handle, leaving no live worker but a spawn still in flight. `shutdown` must wait for that
/// record, so that when it returns every thread is already joined; one that waited only for the
/// live count would return with the new thread unjoined (a leaked thread for a caller that
/// shuts down once and drops the pool).
#[test]
fn shutdown_vs_growth_joins_every_thread() {
    loom::model(|| {
        let pool = Arc::new(pool(1, 2));
        // The shutdown runs on the spawned thread and the growth on this one: so arranged, the
        // failing schedule fits loom's bound of 2 preemptions (the other way round it needs 3).
        let user = {
            let pool = pool.clone();
            thread::spawn(move || {
                pool.shutdown();
                // Checked before the growth is over: `shutdown` alone must have done it all.
                assert_fully_shut_down(&pool);
            })
        };
        match pool.request_target(2) {
            Ok(n) => assert_eq!(n, 2),
            Err(e) => assert!(e.is_shutdown()),
        }
        user.join().unwrap();
        assert_fully_shut_down(&pool);
    });
}

/// Retire vs submit: one thread submits a task while another shrinks the pool from 2 workers to
/// 1, so an idle worker may be woken for the task and retire instead (retirement comes before
/// work in `park`). The task must run exactly once, and `join` must return: a retiring worker
/// that swallowed the only wake-up would strand the task (a deadlock).
#[test]
fn retire_vs_submit_runs_the_task_once() {
    loom::model(|| {
        let pool = Arc::new(pool(2, 2));
        let runs = Arc::new(AtomicUsize::new(0));
        let submitter = {
            let (pool, runs) = (pool.clone(), runs.clone());
            thread::spawn(move || {
                let handle = pool.spawn(move || runs.fetch_add(1, Ordering::SeqCst));
                handle.join().expect("the task runs")
            })
        };
        assert_eq!(pool.set_target(1).unwrap(), 1);
        assert_eq!(submitter.join().unwrap(), 0, "the task ran first and once");
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        pool.shutdown();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(pool.live_workers(), 0);
    });
}

/// A waker that records its wake-up under a loom lock, so that waiting for it is a point loom
/// watches: a wake-up that never comes is a deadlock.
struct Signal {
    woken: Mutex<bool>,
    cv: Condvar,
}

impl Signal {
    fn new() -> std::sync::Arc<Signal> {
        std::sync::Arc::new(Signal {
            woken: Mutex::new(false),
            cv: Condvar::new(),
        })
    }

    /// Blocks until the waker has been woken.
    fn wait(&self) {
        let mut woken = self.woken.lock().unwrap_or_else(PoisonError::into_inner);
        while !*woken {
            woken = self.cv.wait(woken).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Wake for Signal {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        *self.woken.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.cv.notify_all();
    }
}

/// Polls `handle` once, as an executor would, with `signal` as the waker.
fn poll_with<T>(
    handle: &mut JoinHandle<T>,
    signal: &std::sync::Arc<Signal>,
) -> Poll<Result<T, JoinError>> {
    let waker = Waker::from(signal.clone());
    Pin::new(handle).poll(&mut Context::from_waker(&waker))
}

/// Completion vs `.await` (lost waker): the task completes while its handle is polled, first
/// with one waker and then, as an executor that moved the task would, with another. If a poll
/// returns `Pending`, the newest waker must be woken once the result is written; otherwise the
/// awaiting task would sleep forever (a deadlock here). Once woken, a poll must be `Ready`.
#[test]
fn completion_vs_poll_loses_no_waker() {
    loom::model(|| {
        let pool = pool(1, 1);
        let mut handle = pool.spawn(|| 5);
        let first = Signal::new();
        if let Poll::Ready(r) = poll_with(&mut handle, &first) {
            assert_eq!(r.unwrap(), 5);
        } else {
            let second = Signal::new();
            if let Poll::Ready(r) = poll_with(&mut handle, &second) {
                assert_eq!(r.unwrap(), 5);
            } else {
                second.wait();
                match poll_with(&mut handle, &second) {
                    Poll::Ready(r) => assert_eq!(r.unwrap(), 5),
                    Poll::Pending => panic!("the waker was woken, yet the handle is pending"),
                }
            }
        }
        pool.shutdown();
    });
}

/// Panic vs join: a task panics while its handle is being joined. `join` must return the
/// panic (not hang, not report a cancellation), the panic must already be counted when `join`
/// returns (the count comes before the handle resolves), and the worker must survive it: the
/// same single worker runs the next task.
#[test]
fn panic_vs_join_is_reported_counted_and_survived() {
    loom::model(|| {
        let pool = pool(1, 1);
        let err = pool.spawn(boom::<u32>).join().unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.panic_message(), Some(PANIC_MESSAGE));
        assert_eq!(
            pool.counters().panicked,
            1,
            "counted before the handle resolved"
        );
        assert_eq!(pool.live_workers(), 1, "the worker survived");
        assert_eq!(pool.spawn(|| 2).join().unwrap(), 2);
        let stats = pool.worker_stats();
        assert_eq!(stats.len(), 1);
        assert_eq!((stats[0].completions, stats[0].panics), (2, 1));
        pool.shutdown();
        let c = pool.counters();
        assert_eq!((c.completed, c.panicked, c.hook_panics), (1, 1, 0));
    });
}

/// Submits two tasks to a `bounded` pool under `policy` (the second finds the queue full unless
/// the worker has already popped the first), joins both, and returns whether each ran on the
/// submitting thread. Asserts that each ran exactly once and that nothing was lost or refused.
fn full_queue_vs_pop(policy: RejectionPolicy) -> [bool; 2] {
    let pool = bounded(policy);
    let me = thread::current().id();
    let runs = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let handles = [0usize, 1].map(|i| {
        let runs = runs.clone();
        pool.spawn(move || {
            runs[i].fetch_add(1, Ordering::SeqCst);
            thread::current().id() == me
        })
    });
    let on_caller = handles.map(|h| h.join().expect("no task is refused or cancelled"));
    pool.shutdown();
    for run in runs.iter() {
        assert_eq!(run.load(Ordering::SeqCst), 1, "each task runs exactly once");
    }
    let c = pool.counters();
    assert_eq!((c.submitted, c.completed, c.rejected), (2, 2, 0));
    assert_eq!(pool.queued(), 0, "every reserved slot was freed");
    assert!(!on_caller[0], "the first task found room in the queue");
    on_caller
}

/// Full queue vs pop, `RejectionPolicy::Block`: the submitter waits for room while the worker
/// pops. If the pop's check for blocked submitters and the submitter's last look at the queue
/// could miss each other, the submitter would wait forever (a deadlock). Both tasks run once,
/// on the worker.
#[test]
fn full_queue_block_vs_pop_runs_each_task_once() {
    loom::model(|| {
        let on_caller = full_queue_vs_pop(RejectionPolicy::Block);
        assert!(
            !on_caller[1],
            "Block never runs a task on a non-worker caller"
        );
    });
}

/// Full queue vs pop, `RejectionPolicy::CallerRuns`: the second task runs on the submitter if
/// the worker has not popped the first yet, else in the queue. Either way each task runs
/// exactly once, both handles resolve, and the queue's length counter returns to 0 (a
/// reservation lost to the racing pop would leave the queue looking full for ever).
#[test]
fn full_queue_caller_runs_vs_pop_runs_each_task_once() {
    loom::model(|| {
        full_queue_vs_pop(RejectionPolicy::CallerRuns);
    });
}

/// Counters at quiescence: one thread submits a panicking task with `try_spawn` and a plain one
/// with `spawn` to a full-rejecting bounded queue while another calls `shutdown_now`, so each
/// task may run, be cancelled in the queue, or be refused (full queue or closed pool). Once
/// everything has settled the engine guarantees
/// `submitted == completed + panicked + cancelled + rejected`, where a task `spawn` refuses
/// counts as rejected (even though its handle reports it cancelled) and a task run on the
/// caller (`CallerRuns`) as completed or panicked. A path that resolved a handle without
/// counting its task, or counted it twice, breaks the balance.
#[test]
fn counters_balance_at_quiescence() {
    loom::model(|| {
        let pool = Arc::new(bounded(RejectionPolicy::Reject));
        let ran = Arc::new(AtomicUsize::new(0));
        let submitter = {
            let (pool, ran) = (pool.clone(), ran.clone());
            thread::spawn(move || {
                let r = ran.clone();
                let panicking = pool.try_spawn(move || {
                    r.fetch_add(1, Ordering::SeqCst);
                    boom::<()>();
                });
                let plain = pool.spawn(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                });
                // Every handle resolves, whatever happened to its task.
                if let Ok(h) = panicking {
                    let e = h.join().unwrap_err();
                    assert!(e.is_panic() || e.is_cancelled());
                }
                if let Err(e) = plain.join() {
                    assert!(e.is_cancelled());
                }
            })
        };
        pool.shutdown_now();
        submitter.join().unwrap();
        let c = pool.counters();
        assert_eq!(c.submitted, 2);
        assert_eq!(
            c.submitted,
            c.completed + c.panicked + c.cancelled + c.rejected,
            "{c:?}"
        );
        let ran = u64::try_from(ran.load(Ordering::SeqCst)).unwrap();
        assert_eq!(c.completed + c.panicked, ran, "{c:?}");
        assert_eq!(pool.queued(), 0);
        assert_eq!(pool.live_workers(), 0);
    });
}
