//! Shutdown: refusing late tasks, draining, cancelling, dropping (also from inside a worker).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use betapool_core::{Builder, Pool};

/// Blocks the pool's `n` workers until the returned barrier is waited on, so that whatever is
/// spawned next stays queued.
fn occupy(pool: &Pool, n: usize) -> (Arc<Barrier>, Vec<betapool_core::JoinHandle<()>>) {
    let started = Arc::new(Barrier::new(n + 1));
    let release = Arc::new(Barrier::new(n + 1));
    let handles = (0..n)
        .map(|_| {
            let (s, r) = (started.clone(), release.clone());
            pool.spawn(move || {
                s.wait();
                r.wait();
            })
        })
        .collect();
    started.wait();
    (release, handles)
}

#[test]
fn submit_after_shutdown_is_rejected_with_the_closure_handed_back() {
    let pool = Builder::new().workers(2).build().unwrap();
    pool.shutdown();
    assert!(pool.is_shutdown());
    let err = pool.try_spawn(|| 41 + 1).unwrap_err();
    assert!(err.is_shutdown());
    assert_eq!(
        err.to_string(),
        "pool `bp` is shut down; the task was not accepted"
    );
    assert_eq!((err.into_inner())(), 42);
    let handle = pool.spawn(|| 1);
    assert!(handle.is_finished());
    assert!(handle.join().unwrap_err().is_cancelled());
    assert!(pool.set_target(4).unwrap_err().is_shutdown());
    let c = pool.counters();
    assert_eq!((c.submitted, c.rejected), (2, 2));
}

#[test]
fn shutdown_drains_every_queued_task() {
    let pool = Builder::new().workers(2).build().unwrap();
    let (release, blockers) = occupy(&pool, 2);
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..1_000)
        .map(|_| {
            let ran = ran.clone();
            pool.spawn(move || ran.fetch_add(1, Ordering::SeqCst))
        })
        .collect();
    let releaser = thread::spawn(move || release.wait());
    pool.shutdown();
    releaser.join().unwrap();
    assert_eq!(ran.load(Ordering::SeqCst), 1_000);
    assert!(handles.into_iter().all(|h| h.join().is_ok()));
    assert!(blockers.into_iter().all(|h| h.join().is_ok()));
    assert_eq!(pool.live_workers(), 0);
}

#[test]
fn shutdown_now_cancels_the_queue_and_resolves_every_handle() {
    let pool = Builder::new().workers(2).build().unwrap();
    let (release, blockers) = occupy(&pool, 2);
    let ran = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..10_000)
        .map(|_| {
            let ran = ran.clone();
            pool.spawn(move || {
                ran.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    let releaser = thread::spawn(move || release.wait());
    pool.shutdown_now();
    releaser.join().unwrap();
    let (mut ok, mut cancelled) = (0, 0);
    for h in handles {
        match h.join() {
            Ok(()) => ok += 1,
            Err(e) if e.is_cancelled() => cancelled += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok + cancelled, 10_000);
    assert_eq!(ok, ran.load(Ordering::SeqCst));
    assert!(blockers.into_iter().all(|h| h.join().is_ok()));
    let c = pool.counters();
    assert_eq!(c.cancelled, cancelled as u64);
    assert_eq!(
        c.submitted,
        c.completed + c.panicked + c.cancelled + c.rejected
    );
}

#[test]
fn shutdown_from_inside_a_worker_does_not_deadlock() {
    let pool = Arc::new(Builder::new().workers(3).build().unwrap());
    let inner = pool.clone();
    let h = pool.spawn(move || {
        inner.shutdown();
        inner.is_shutdown()
    });
    assert!(h.join().unwrap());
    pool.shutdown(); // idempotent, and joins the worker that ran the task
    assert_eq!(pool.live_workers(), 0);
}

#[test]
fn drop_from_inside_a_worker_does_not_deadlock() {
    let pool = Arc::new(Builder::new().workers(2).build().unwrap());
    let inner = pool.clone();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let h = pool.spawn(move || {
        rx.recv().unwrap();
        // By now the test has dropped its reference: this is the last one.
        drop(inner);
        "dropped inside"
    });
    drop(pool);
    tx.send(()).unwrap();
    assert_eq!(h.join().unwrap(), "dropped inside");
}
