//! Smoke tests: spawning, joining, awaiting, panics, hooks, names, bounded queues, build errors.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use betapool_core::{Builder, JoinHandle, JoinTimeoutError, Pool, RejectionPolicy};

/// A minimal executor: polls a future on this thread, parking between wake-ups. Enough to show
/// that a `JoinHandle` can be awaited without any runtime.
fn block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park();
    }
}

#[test]
fn smoke() {
    let pool = Builder::new().workers(3).build().unwrap();
    assert_eq!(pool.live_workers(), 3);
    let handles: Vec<_> = (0..1_000u64).map(|i| pool.spawn(move || i + 1)).collect();
    let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(sum, 500_500);
    pool.shutdown();
    let c = pool.counters();
    assert_eq!(
        (
            c.submitted,
            c.completed,
            c.panicked,
            c.cancelled,
            c.rejected
        ),
        (1_000, 1_000, 0, 0, 0)
    );
}

#[test]
fn join_handle_can_be_awaited() {
    let pool = Builder::new().workers(2).build().unwrap();
    let (tx, rx) = mpsc::channel::<u32>();
    let handle = pool.spawn(move || rx.recv().unwrap() * 2);
    let sender = thread::spawn(move || {
        thread::sleep(Duration::from_millis(5));
        tx.send(21).unwrap();
    });
    // `.await` goes through `IntoFuture`, which every `Future` has; the async block is the point.
    #[allow(clippy::redundant_async_block)]
    let out = block_on(async { handle.await });
    assert_eq!(out.unwrap(), 42);
    sender.join().unwrap();
    let panicked = block_on(async { pool.spawn(|| panic!("async panic")).await });
    assert!(panicked.unwrap_err().is_panic());
}

#[test]
fn join_timeout_hands_the_handle_back() {
    let pool = Builder::new().workers(1).build().unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    let handle = pool.spawn(move || rx.recv().is_ok());
    let handle = match handle.join_timeout(Duration::from_millis(1)) {
        Err(JoinTimeoutError::Timeout(h)) => h,
        other => panic!("expected a timeout, got {other:?}"),
    };
    assert!(!handle.is_finished());
    tx.send(()).unwrap();
    assert!(handle.join_timeout(Duration::from_secs(60)).unwrap());
    let err = pool
        .spawn(|| panic!("x"))
        .join_timeout(Duration::from_secs(60))
        .unwrap_err();
    assert!(matches!(err, JoinTimeoutError::Join(ref e) if e.is_panic()));
}

#[test]
fn panics_surface_on_join_and_workers_survive() {
    let pool = Builder::new().workers(4).build().unwrap();
    let handles: Vec<_> = (0..10_000u32)
        .map(|i| {
            pool.spawn(move || {
                if i % 10 == 0 {
                    panic!("task {i} fails");
                }
                i
            })
        })
        .collect();
    let mut ok = 0;
    let mut panics = 0;
    for (i, h) in handles.into_iter().enumerate() {
        match h.join() {
            Ok(v) => {
                assert_eq!(v as usize, i);
                ok += 1;
            }
            Err(e) => {
                assert!(e.is_panic());
                assert_eq!(e.panic_message(), Some(format!("task {i} fails").as_str()));
                panics += 1;
            }
        }
    }
    assert_eq!((ok, panics), (9_000, 1_000));
    assert_eq!(pool.live_workers(), 4, "no worker died of a panic");
    let stats = pool.worker_stats();
    assert_eq!(stats.len(), 4);
    assert_eq!(stats.iter().map(|w| w.panics).sum::<u64>(), 1_000);
    assert_eq!(stats.iter().map(|w| w.completions).sum::<u64>(), 10_000);
    let c = pool.counters();
    assert_eq!((c.completed, c.panicked), (9_000, 1_000));
}

#[test]
fn execute_counts_panics_and_hands_back_when_refused() {
    let pool = Builder::new().workers(2).build().unwrap();
    let (tx, rx) = mpsc::channel();
    for i in 0..100 {
        let tx = tx.clone();
        pool.execute(move || {
            tx.send(i).unwrap();
            if i % 4 == 0 {
                panic!("execute panic");
            }
        })
        .unwrap();
    }
    drop(tx);
    assert_eq!(rx.iter().count(), 100);
    pool.shutdown();
    assert_eq!(pool.counters().panicked, 25);
    assert_eq!(pool.counters().completed, 75);
    let refused = pool.execute(|| ()).unwrap_err();
    assert!(refused.is_shutdown());
    assert!(refused.to_string().contains("shut down"));
}

#[test]
fn workers_have_short_names_and_run_hooks() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (s1, s2) = (started.clone(), stopped.clone());
    let pool = Builder::new()
        .name("io")
        .max_workers(100)
        .workers(3)
        .stack_size(256 * 1024)
        .on_thread_start(move || {
            s1.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            s2.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let name = pool
        .spawn(|| thread::current().name().map(str::to_owned))
        .join()
        .unwrap()
        .unwrap();
    assert!(name.starts_with("io-"), "{name}");
    assert!(name.len() <= 15);
    if cfg!(target_os = "linux") {
        // Each worker records its kernel thread id as its first act; wait for all three.
        let mut polls = 0u64;
        while !pool.worker_stats().iter().all(|w| w.os_tid.is_some()) {
            thread::yield_now();
            polls += 1;
            assert!(polls < 10_000_000, "a worker never recorded its thread id");
        }
        let tids: std::collections::HashSet<_> =
            pool.worker_stats().iter().map(|w| w.os_tid).collect();
        assert_eq!(tids.len(), 3);
    }
    pool.shutdown();
    assert_eq!(started.load(Ordering::SeqCst), 3);
    assert_eq!(stopped.load(Ordering::SeqCst), 3);
}

#[test]
fn panicking_hooks_are_counted_not_fatal() {
    let pool = Builder::new()
        .workers(2)
        .on_thread_start(|| panic!("start hook"))
        .on_thread_stop(|| panic!("stop hook"))
        .build()
        .unwrap();
    assert_eq!(pool.spawn(|| 5).join().unwrap(), 5);
    pool.shutdown();
    assert_eq!(pool.counters().hook_panics, 4);
}

#[test]
fn build_errors_name_the_setting() {
    let cases: Vec<(Builder, &str, &str)> = vec![
        (
            Builder::new().min_workers(0),
            "min_workers",
            "min_workers (0) must be at least 1",
        ),
        (
            Builder::new().min_workers(5).max_workers(2),
            "min_workers",
            "greater than max_workers (2)",
        ),
        (
            Builder::new().max_workers(1_000_000),
            "max_workers",
            "must be at most 32768",
        ),
        (Builder::new().name(""), "name", "must be non-empty"),
        (
            Builder::new().name("a-very-long-pool"),
            "name",
            "would exceed 15 bytes",
        ),
        (
            Builder::new().queue_capacity(0),
            "queue_capacity",
            "must be at least 1",
        ),
        (
            Builder::new().max_workers(4).workers(9),
            "workers",
            "must be within min_workers (1) and max_workers (4)",
        ),
        (
            Builder::new().stack_size(0),
            "stack_size",
            "must be positive",
        ),
    ];
    for (builder, key, text) in cases {
        let err = builder.build().unwrap_err();
        assert_eq!(err.key(), Some(key), "{err}");
        assert!(err.to_string().contains(text), "{err:?} lacks {text:?}");
        assert!(!err.is_spawn_failure());
    }
}

#[test]
fn thread_spawn_failure_is_an_error_not_a_panic() {
    // No OS can map a stack of 2^62 bytes, so the first spawn fails.
    let err = Builder::new()
        .workers(2)
        .stack_size(1 << 62)
        .build()
        .unwrap_err();
    assert!(err.is_spawn_failure(), "{err}");
    assert!(
        err.to_string()
            .contains("could not spawn worker thread `bp-"),
        "{err}"
    );
}

/// Occupies a one-worker pool until the returned barrier is waited on, and returns once the
/// worker has taken the blocking task, so the queue is empty and the caller's to fill.
fn hold_the_only_worker(pool: &Pool) -> (Arc<Barrier>, JoinHandle<()>) {
    let gate = Arc::new(Barrier::new(2));
    let g = gate.clone();
    let blocker = pool.spawn(move || {
        g.wait();
    });
    while pool.queued() != 0 {
        thread::yield_now();
    }
    (gate, blocker)
}

#[test]
fn bounded_queue_reject_hands_the_task_back() {
    let pool = Builder::new()
        .workers(1)
        .queue_capacity(2)
        .rejection_policy(RejectionPolicy::Reject)
        .build()
        .unwrap();
    let (gate, blocker) = hold_the_only_worker(&pool);
    let a = pool.try_spawn(|| 1).unwrap();
    let b = pool.try_spawn(|| 2).unwrap();
    let refused = pool.try_spawn(|| 3).unwrap_err();
    assert!(refused.is_full());
    assert!(refused.to_string().contains("full (2 tasks)"), "{refused}");
    assert_eq!(refused.into_inner()(), 3);
    let cancelled = pool.spawn(|| 4).join().unwrap_err();
    assert!(cancelled.is_cancelled());
    gate.wait();
    blocker.join().unwrap();
    assert_eq!(a.join().unwrap() + b.join().unwrap(), 3);
    pool.shutdown();
    let c = pool.counters();
    assert_eq!(c.rejected, 2);
    assert_eq!(
        c.submitted,
        c.completed + c.panicked + c.cancelled + c.rejected
    );
}

#[test]
fn bounded_queue_caller_runs_on_the_submitter() {
    let pool = Builder::new()
        .workers(1)
        .queue_capacity(1)
        .rejection_policy(RejectionPolicy::CallerRuns)
        .build()
        .unwrap();
    let (gate, blocker) = hold_the_only_worker(&pool);
    let queued = pool.spawn(|| thread::current().id());
    let here = pool.spawn(|| thread::current().id()).join().unwrap();
    assert_eq!(
        here,
        thread::current().id(),
        "the caller ran the overflow task"
    );
    gate.wait();
    blocker.join().unwrap();
    assert_ne!(queued.join().unwrap(), thread::current().id());
}

#[test]
fn bounded_queue_block_waits_for_room() {
    let pool = Arc::new(
        Builder::new()
            .workers(2)
            .queue_capacity(4)
            .rejection_policy(RejectionPolicy::Block)
            .build()
            .unwrap(),
    );
    let max_seen = Arc::new(AtomicUsize::new(0));
    let producers: Vec<_> = (0..3)
        .map(|_| {
            let pool = pool.clone();
            let max_seen = max_seen.clone();
            thread::spawn(move || {
                let hs: Vec<_> = (0..2_000)
                    .map(|_| {
                        max_seen.fetch_max(pool.queued(), Ordering::Relaxed);
                        pool.spawn(thread::yield_now)
                    })
                    .collect();
                hs.into_iter()
                    .map(|h| h.join().is_ok())
                    .filter(|ok| *ok)
                    .count()
            })
        })
        .collect();
    let done: usize = producers.into_iter().map(|p| p.join().unwrap()).sum();
    assert_eq!(done, 6_000);
    assert!(max_seen.load(Ordering::Relaxed) <= 4);
    assert_eq!(pool.counters().rejected, 0);
}

#[test]
fn block_policy_from_inside_a_worker_runs_inline_instead_of_deadlocking() {
    let pool = Arc::new(
        Builder::new()
            .workers(1)
            .queue_capacity(1)
            .rejection_policy(RejectionPolicy::Block)
            .build()
            .unwrap(),
    );
    let inner = pool.clone();
    let out = pool
        .spawn(move || {
            // One worker, busy here; the queue takes one task, the next would block forever.
            let a = inner.spawn(|| 1);
            let b = inner.spawn(|| 2).join().unwrap();
            (a, b)
        })
        .join()
        .unwrap();
    assert_eq!(out.1, 2);
    assert_eq!(out.0.join().unwrap(), 1);
}

#[test]
fn resize_grows_at_once_and_shrinks_idle_workers() {
    let pool = Builder::new()
        .min_workers(1)
        .max_workers(16)
        .workers(1)
        .build()
        .unwrap();
    assert_eq!(pool.set_target(16).unwrap(), 16);
    assert_eq!(pool.live_workers(), 16, "growth spawns before returning");
    assert_eq!(pool.set_target(2).unwrap(), 2);
    // Idle surplus workers were woken to retire; wait for them without timing anything.
    let mut spins = 0u64;
    while pool.live_workers() > 2 {
        thread::yield_now();
        spins += 1;
        assert!(spins < 100_000_000, "surplus workers never retired");
    }
    assert_eq!(pool.worker_stats().len(), 2);
    assert_eq!(pool.set_target(0).unwrap(), 1, "clamped to min_workers");
    let results: Vec<_> = (0..100).map(|i| pool.spawn(move || i)).collect();
    assert_eq!(
        results.into_iter().map(|h| h.join().unwrap()).sum::<i32>(),
        4_950
    );
}

#[test]
fn shutdown_timeout_reports_stuck_workers() {
    let pool = Builder::new().workers(2).build().unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    let rx = Arc::new(Mutex::new(rx));
    let stuck = pool.spawn(move || {
        let _ = rx.lock().unwrap().recv();
    });
    while pool.idle_workers() != 1 {
        thread::yield_now();
    }
    let err = pool
        .shutdown_timeout(Duration::from_millis(20))
        .unwrap_err();
    assert_eq!(err.still_running(), 1);
    assert!(pool.spawn(|| ()).join().unwrap_err().is_cancelled());
    drop(tx);
    stuck.join().unwrap();
    pool.shutdown_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(pool.live_workers(), 0);
}

#[test]
fn pool_and_handles_can_be_shared_across_threads() {
    fn is_send_sync<T: Send + Sync>() {}
    fn is_send<T: Send>() {}
    is_send_sync::<Pool>();
    is_send_sync::<JoinHandle<String>>();
    is_send::<betapool_core::SpawnError<fn()>>();
    is_send_sync::<betapool_core::JoinError>();
    is_send_sync::<betapool_core::BuildError>();
}

#[test]
fn a_panic_payload_can_be_resumed() {
    let pool = Builder::new().workers(1).build().unwrap();
    let err = pool
        .spawn(|| std::panic::panic_any(17u8))
        .join()
        .unwrap_err();
    assert_eq!(err.panic_message(), None, "not a string payload");
    assert_eq!(err.to_string(), "the task panicked");
    let payload = err.try_into_panic().unwrap();
    assert_eq!(payload.downcast_ref::<u8>(), Some(&17));
    let resumed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        std::panic::resume_unwind(payload)
    }))
    .unwrap_err();
    assert_eq!(resumed.downcast_ref::<u8>(), Some(&17));
}

#[test]
fn worker_stats_show_the_task_in_progress() {
    let pool = Builder::new().workers(1).build().unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let h = pool.spawn(move || {
        started_tx.send(()).unwrap();
        let _ = rx.recv();
    });
    started_rx.recv().unwrap();
    let stats = pool.worker_stats();
    assert!(
        stats[0].in_task_for.is_some(),
        "the worker is inside a task"
    );
    assert!(stats[0].busy_now() >= stats[0].busy);
    tx.send(()).unwrap();
    h.join().unwrap();
    // After the task the stamp is cleared (the handle resolves after the counters are updated).
    let stats = pool.worker_stats();
    assert_eq!(stats[0].in_task_for, None);
    assert_eq!(stats[0].completions, 1);
}
