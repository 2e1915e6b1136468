//! Thread accounting: after shutdown (or drop) the process's thread count returns to its
//! baseline. One test in this binary, so no other test's threads blur the count.

use std::sync::{Arc, Barrier};
use std::thread;

use betapool_core::Builder;

/// Threads of this process, from `/proc/self/task` (None where there is no procfs).
fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

/// Waits (by yielding, without timing) until the count drops to `n`, giving up after a very
/// large number of polls so that a leak fails the test instead of hanging it.
fn settles_to(n: usize) -> bool {
    for _ in 0..2_000_000 {
        if thread_count() == Some(n) {
            return true;
        }
        thread::yield_now();
    }
    false
}

#[test]
fn threads_return_to_baseline() {
    let Some(baseline) = thread_count() else {
        eprintln!("no /proc/self/task here; nothing to count");
        return;
    };

    // shutdown() joins every worker, including ones retired by resizes.
    let pool = Builder::new().max_workers(64).workers(4).build().unwrap();
    assert_eq!(thread_count(), Some(baseline + 4));
    pool.set_target(32).unwrap();
    pool.set_target(2).unwrap();
    pool.set_target(16).unwrap();
    let hs: Vec<_> = (0..10_000).map(|i| pool.spawn(move || i)).collect();
    hs.into_iter().for_each(|h| drop(h.join()));
    pool.shutdown();
    assert_eq!(
        thread_count(),
        Some(baseline),
        "shutdown joined every thread"
    );

    // shutdown_now likewise.
    let pool = Builder::new().workers(8).build().unwrap();
    let hs: Vec<_> = (0..10_000).map(|i| pool.spawn(move || i)).collect();
    pool.shutdown_now();
    assert_eq!(thread_count(), Some(baseline));
    assert!(hs.into_iter().all(|h| h.is_finished()));

    // Drop with 1 000 queued: every handle resolves and the threads exit (drop does not wait,
    // so the count is polled until it settles).
    let pool = Builder::new().workers(2).build().unwrap();
    let gate = Arc::new(Barrier::new(3));
    let blockers: Vec<_> = (0..2)
        .map(|_| {
            let g = gate.clone();
            pool.spawn(move || {
                g.wait();
            })
        })
        .collect();
    let queued: Vec<_> = (0..1_000).map(|i| pool.spawn(move || i)).collect();
    drop(pool);
    gate.wait();
    assert!(blockers.into_iter().all(|h| h.join().is_ok()));
    assert_eq!(
        queued.into_iter().map(|h| h.join().unwrap()).sum::<i32>(),
        499_500
    );
    assert!(
        settles_to(baseline),
        "threads left after drop: {:?}",
        thread_count()
    );
}
