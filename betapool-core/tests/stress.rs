//! Stress: resize chaos. Tasks race a thread that changes the target every millisecond; every
//! task must run exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::thread;
use std::time::Duration;

use betapool_core::Builder;

/// A small deterministic generator (xorshift64), so the test needs no `rand`.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn stress_resize_chaos_loses_and_duplicates_nothing() {
    const TASKS: usize = 200_000;
    let pool = Arc::new(
        Builder::new()
            .min_workers(1)
            .max_workers(64)
            .workers(8)
            .build()
            .unwrap(),
    );
    let seen: Arc<Vec<AtomicU8>> = Arc::new((0..TASKS).map(|_| AtomicU8::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));

    let resizer = {
        let (pool, stop) = (pool.clone(), stop.clone());
        thread::spawn(move || {
            let mut rng = 0x9E37_79B9_7F4A_7C15u64;
            let mut resizes = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let target = 1 + (next(&mut rng) % 64) as usize;
                pool.set_target(target).unwrap();
                resizes += 1;
                thread::sleep(Duration::from_millis(1));
            }
            resizes
        })
    };

    let handles: Vec<_> = (0..TASKS)
        .map(|i| {
            let seen = seen.clone();
            pool.spawn(move || {
                seen[i].fetch_add(1, Ordering::Relaxed);
                // A little variety in service time: every 1000th task yields.
                if i % 1_000 == 0 {
                    thread::yield_now();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let resizes = resizer.join().unwrap();
    pool.shutdown();

    let lost = seen
        .iter()
        .filter(|s| s.load(Ordering::Relaxed) == 0)
        .count();
    let twice = seen
        .iter()
        .filter(|s| s.load(Ordering::Relaxed) > 1)
        .count();
    assert_eq!((lost, twice), (0, 0), "after {resizes} resizes");
    assert!(resizes > 0);
    let c = pool.counters();
    assert_eq!(c.completed, TASKS as u64);
}
