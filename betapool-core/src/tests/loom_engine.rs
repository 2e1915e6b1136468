//! loom models of the engine's races. Each model's doc names the bug it guards against; a lost
//! wake-up shows up as a deadlock, which loom reports.
//!
//! Models stay within 3 threads where they can (loom's state space grows steeply), and are run
//! with `LOOM_MAX_PREEMPTIONS=2` in release mode by `cargo xtask loom`.

use crate::loom::sync::Arc;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::thread;
use crate::{Builder, Pool};

fn pool(workers: usize, max: usize) -> Pool {
    Builder::new()
        .min_workers(1)
        .max_workers(max)
        .workers(workers)
        .build()
        .expect("a loom pool builds")
}

/// Submit vs park (lost wake-up): the only worker is parking while a task is pushed. If the
/// worker's last look at the queue and the submitter's look at the idle count could both miss
/// each other, `join` would wait forever and loom would report a deadlock.
#[test]
fn submit_vs_park_has_no_lost_wakeup() {
    loom::model(|| {
        let pool = pool(1, 1);
        let h = pool.spawn(|| 7);
        assert_eq!(h.join().unwrap(), 7);
        pool.shutdown();
    });
}

/// Submit vs shutdown: a task submitted while the pool shuts down is either accepted and then
/// run exactly once, or rejected and handed back unrun. Never stranded, never run twice.
#[test]
fn submit_vs_shutdown_runs_accepted_tasks_exactly_once() {
    loom::model(|| {
        let pool = Arc::new(pool(1, 1));
        let runs = Arc::new(AtomicUsize::new(0));
        let submitter = {
            let (pool, runs) = (pool.clone(), runs.clone());
            thread::spawn(move || {
                let r = runs.clone();
                match pool.try_spawn(move || {
                    r.fetch_add(1, Ordering::SeqCst);
                }) {
                    Ok(h) => {
                        h.join()
                            .expect("an accepted task runs under a graceful shutdown");
                        true
                    }
                    Err(e) => {
                        assert!(e.is_shutdown());
                        assert_eq!(runs.load(Ordering::SeqCst), 0, "a rejected task never ran");
                        (e.into_inner())();
                        false
                    }
                }
            })
        };
        pool.shutdown();
        let accepted = submitter.join().unwrap();
        // Accepted: it ran once on the pool. Rejected: it ran once, by hand, above.
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let c = pool.counters();
        assert_eq!(c.completed + c.rejected, 1);
        assert_eq!(c.completed == 1, accepted);
    });
}

/// shutdown_now vs a running worker: every handle resolves, as output or as cancelled, and the
/// counts add up; no handle is left waiting on a task that was dropped silently.
#[test]
fn shutdown_now_resolves_every_handle() {
    loom::model(|| {
        let pool = pool(1, 1);
        let a = pool.spawn(|| 1);
        let b = pool.spawn(|| 2);
        pool.shutdown_now();
        let mut ran = 0;
        let mut cancelled = 0;
        for h in [a, b] {
            match h.join() {
                Ok(_) => ran += 1,
                Err(e) => {
                    assert!(e.is_cancelled());
                    cancelled += 1;
                }
            }
        }
        assert_eq!(ran + cancelled, 2);
        let c = pool.counters();
        assert_eq!((c.completed, c.cancelled), (ran, cancelled));
    });
}

/// Shrink with work queued: a worker retiring because the target dropped must not strand a task
/// it was woken for. If it did, `join` would deadlock.
#[test]
fn shrink_with_work_queued_strands_nothing() {
    loom::model(|| {
        let pool = pool(2, 2);
        let h = pool.spawn(|| 3);
        pool.set_target(1).unwrap();
        assert_eq!(h.join().unwrap(), 3);
        pool.shutdown();
        assert_eq!(pool.live_workers(), 0);
    });
}

/// Grow vs shutdown: a worker spawned by a resize racing shutdown still ends, and shutdown waits
/// for it, so the live count reaches 0 and no thread is left behind.
#[test]
fn grow_vs_shutdown_reaches_zero_live() {
    loom::model(|| {
        let pool = Arc::new(pool(1, 2));
        let grower = {
            let pool = pool.clone();
            thread::spawn(move || match pool.set_target(2) {
                Ok(n) => assert_eq!(n, 2),
                Err(e) => assert!(e.is_shutdown()),
            })
        };
        pool.shutdown();
        grower.join().unwrap();
        // The grower may have spawned after `shutdown` returned; a second shutdown waits for it.
        pool.shutdown();
        assert_eq!(pool.live_workers(), 0);
    });
}

/// Handle drop vs completion: whether the handle is dropped before, during or after the task
/// completes, the output is dropped exactly once (no leak, no double drop).
#[test]
fn handle_drop_vs_completion_drops_output_once() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = pool(1, 1);
        let d = drops.clone();
        let h = pool.spawn(move || Counted(d));
        drop(h);
        pool.shutdown();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

/// Growth with a helping spawner: `set_target` leaves two slots, starts one itself, and the
/// new worker may start the other before its first task. `set_target` must return only once
/// both threads are started (none left pending or half-recorded), and shutdown must then join
/// all three.
#[test]
fn growth_with_a_helping_worker_starts_every_thread() {
    loom::model(|| {
        let pool = pool(1, 3);
        assert_eq!(pool.set_target(3).unwrap(), 3);
        assert_eq!(pool.live_workers(), 3);
        assert_eq!(pool.spawns_in_progress(), 0, "every slot has its thread");
        pool.shutdown();
        assert_eq!(pool.live_workers(), 0);
    });
}

/// Background growth racing shutdown: `request_target` returns once the first new thread is
/// started and leaves the rest to the new workers. A shutdown that follows at once must still
/// wait for every slot's thread and join it; a slot left pending with nobody to start it would
/// make shutdown wait forever.
#[test]
fn background_growth_then_shutdown_joins_every_thread() {
    loom::model(|| {
        let pool = pool(1, 3);
        assert_eq!(pool.request_target(3).unwrap(), 3);
        pool.shutdown();
        assert_eq!(pool.live_workers(), 0);
        assert_eq!(pool.spawns_in_progress(), 0);
    });
}
