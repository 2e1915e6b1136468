//! The controller's cost per task: no-op tasks on the adaptive executor next to the same
//! `InstrumentedPool` held at one size (what the static executor is).
//!
//! Both are the same `InstrumentedPool` underneath (engine plus per-task metrics), so
//! the difference is what the controller thread costs: its ticks and its reads of the workers'
//! clocks. Each sample submits a batch of no-op tasks and waits for all of them (one countdown
//! latch for both pools). Both run 4 workers: the adaptive pool is held at 4 (min = max), so the
//! controller runs and samples exactly as usual but any size it picked cannot be the difference.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_instrumented::InstrumentedPool;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Tasks per measured batch, as in betapool-core's overhead bench.
const BATCH: usize = 10_000;
/// Workers in both pools.
const WORKERS: usize = 4;

struct Latch {
    left: AtomicUsize,
    done: Mutex<bool>,
    cv: Condvar,
}

impl Latch {
    fn new(n: usize) -> Arc<Latch> {
        Arc::new(Latch {
            left: AtomicUsize::new(n),
            done: Mutex::new(false),
            cv: Condvar::new(),
        })
    }

    fn count_down(&self) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            *self.done.lock().unwrap() = true;
            self.cv.notify_all();
        }
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap();
        while !*done {
            done = self.cv.wait(done).unwrap();
        }
    }
}

fn batches(iters: u64, mut submit: impl FnMut(Arc<Latch>)) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let latch = Latch::new(BATCH);
        for _ in 0..BATCH {
            submit(latch.clone());
        }
        latch.wait();
    }
    start.elapsed()
}

fn controller_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("controller_cost");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(30);

    let fixed = InstrumentedPool::builder()
        .fixed_size(WORKERS)
        .build()
        .unwrap();
    group.bench_function(BenchmarkId::new("static", WORKERS), |b| {
        b.iter_custom(|iters| {
            batches(iters, |latch| {
                if fixed.execute(move || latch.count_down()).is_err() {
                    unreachable!("the pool is open");
                }
            })
        })
    });
    fixed.shutdown();

    let adaptive = AdaptiveThreadPoolExecutor::new(WORKERS, WORKERS).unwrap();
    group.bench_function(BenchmarkId::new("adaptive", WORKERS), |b| {
        b.iter_custom(|iters| {
            batches(iters, |latch| {
                if adaptive.execute(move || latch.count_down()).is_err() {
                    unreachable!("the pool is open");
                }
            })
        })
    });
    adaptive.shutdown();
    group.finish();
}

criterion_group!(benches, controller_cost);
criterion_main!(benches);
