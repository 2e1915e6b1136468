//! Per-task overhead of the engine on no-op tasks, side by side with the `threadpool` crate.
//!
//! Each sample submits a batch of no-op tasks from one thread and waits until all have run; the
//! same countdown latch signals completion for every pool, so the only difference measured is
//! the pool itself. Reported per task (throughput in elements).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Tasks per measured batch: large enough that the latch wait is amortised.
const BATCH: usize = 10_000;
/// Workers in every pool: the machine's 2 cores.
const WORKERS: usize = 2;

/// Counts finished tasks; the last one wakes the submitter.
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

/// Runs `iters` batches through `submit`, returning the total time.
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

fn no_op_tasks(c: &mut Criterion) {
    let mut group = c.benchmark_group("no_op_task");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(30);

    let pool = betapool_core::Builder::new()
        .min_workers(WORKERS)
        .max_workers(WORKERS)
        .build()
        .unwrap();
    group.bench_function(BenchmarkId::new("betapool_execute", WORKERS), |b| {
        b.iter_custom(|iters| {
            batches(iters, |latch| {
                if pool.execute(move || latch.count_down()).is_err() {
                    unreachable!("the pool is open");
                }
            })
        })
    });
    group.bench_function(BenchmarkId::new("betapool_spawn", WORKERS), |b| {
        b.iter_custom(|iters| {
            batches(iters, |latch| {
                // The handle is dropped: this measures the cost of a joinable task.
                drop(pool.spawn(move || latch.count_down()));
            })
        })
    });
    pool.shutdown();

    let tp = threadpool::ThreadPool::new(WORKERS);
    group.bench_function(BenchmarkId::new("threadpool_execute", WORKERS), |b| {
        b.iter_custom(|iters| batches(iters, |latch| tp.execute(move || latch.count_down())))
    });
    tp.join();
    group.finish();
}

/// Submission contention: 1 vs 16 threads submitting into one pool at once.
fn submit_contention(c: &mut Criterion) {
    let mut group = c.benchmark_group("submitters");
    group.sample_size(20);
    let pool = Arc::new(
        betapool_core::Builder::new()
            .min_workers(WORKERS)
            .max_workers(WORKERS)
            .build()
            .unwrap(),
    );
    for submitters in [1usize, 16] {
        let per = BATCH / submitters;
        group.throughput(Throughput::Elements((per * submitters) as u64));
        group.bench_function(BenchmarkId::new("threads", submitters), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    let latch = Latch::new(per * submitters);
                    std::thread::scope(|s| {
                        for _ in 0..submitters {
                            let (pool, latch) = (pool.clone(), latch.clone());
                            s.spawn(move || {
                                for _ in 0..per {
                                    let l = latch.clone();
                                    if pool.execute(move || l.count_down()).is_err() {
                                        unreachable!("the pool is open");
                                    }
                                }
                            });
                        }
                    });
                    latch.wait();
                }
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, no_op_tasks, submit_contention);
criterion_main!(benches);
