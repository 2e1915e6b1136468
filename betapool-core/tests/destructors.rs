//! Destructors: every task closure and every output is dropped exactly once, whatever happens to
//! the task (run, panic, cancel, reject, detached handle).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use betapool_core::Builder;

/// Counts its drops.
struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn destructors() {
    let closures = Arc::new(AtomicUsize::new(0));
    let outputs = Arc::new(AtomicUsize::new(0));
    let pool = Builder::new().workers(3).build().unwrap();
    let n = 4_000;
    let mut kept = Vec::new();
    for i in 0..n {
        let captured = Tracked(closures.clone());
        let out = outputs.clone();
        let h = pool.spawn(move || {
            let _keep = &captured;
            if i % 7 == 0 {
                panic!("drop test");
            }
            Tracked(out)
        });
        // Keep half the handles, detach the other half.
        if i % 2 == 0 {
            kept.push(h);
        }
    }
    for h in kept {
        let _ = h.join();
    }
    pool.shutdown();
    let panicked = (0..n).filter(|i| i % 7 == 0).count();
    assert_eq!(closures.load(Ordering::SeqCst), n);
    assert_eq!(outputs.load(Ordering::SeqCst), n - panicked);
}

#[test]
fn destructors_of_cancelled_and_rejected_tasks() {
    let closures = Arc::new(AtomicUsize::new(0));
    let pool = Builder::new().workers(1).build().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let blocker = pool.spawn(move || {
        let _ = rx.recv();
    });
    let handles: Vec<_> = (0..500)
        .map(|_| {
            let t = Tracked(closures.clone());
            pool.spawn(move || drop(t))
        })
        .collect();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1));
        drop(tx);
    });
    pool.shutdown_now();
    stopper.join().unwrap();
    let _ = blocker.join();
    for h in handles {
        let _ = h.join();
    }
    // Rejected after shutdown: dropped by `spawn`, or handed back by `try_spawn`.
    let t = Tracked(closures.clone());
    drop(pool.spawn(move || drop(t)));
    let t = Tracked(closures.clone());
    let back = pool.try_spawn(move || drop(t)).unwrap_err().into_inner();
    assert_eq!(closures.load(Ordering::SeqCst), 501);
    drop(back);
    assert_eq!(closures.load(Ordering::SeqCst), 502);
}
