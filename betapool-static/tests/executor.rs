//! Behaviour of `StaticThreadPoolExecutor`: submission, ordered map, metrics, experiment log,
//! errors and shutdown. No assertion here depends on how fast the machine is.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use betapool_metrics::{TaskRecord, write_csv, write_json};
use betapool_static::StaticThreadPoolExecutor;

#[test]
fn smoke() {
    let executor = StaticThreadPoolExecutor::new(2).unwrap();
    assert_eq!(executor.submit(|| 40 + 2).join().unwrap(), 42);
    assert_eq!(executor.spawn(|| "alias").join().unwrap(), "alias");
    let handle = executor.try_submit(|| vec![1, 2]).unwrap();
    assert_eq!(handle.join().unwrap(), [1, 2]);
    let (tx, rx) = mpsc::channel();
    executor.execute(move || tx.send(5).unwrap()).unwrap();
    assert_eq!(rx.recv().unwrap(), 5);
    executor.shutdown();
    assert_eq!(executor.metrics().total_tasks, 4);
}

#[test]
fn map_keeps_input_order_when_later_items_finish_first() {
    let executor = StaticThreadPoolExecutor::new(4).unwrap();
    // Later items sleep less, so with four workers they tend to finish before earlier ones.
    let results: Vec<u64> = executor
        .map(
            |i: u64| {
                thread::sleep(Duration::from_millis(16 - i));
                i * 10
            },
            0..16,
        )
        .map(Result::unwrap)
        .collect();
    assert_eq!(results, (0..16).map(|i| i * 10).collect::<Vec<_>>());
}

/// Counts finished tasks so one task can wait until all the others are done.
#[derive(Default)]
struct Latch {
    done: Mutex<usize>,
    changed: Condvar,
}

#[test]
fn map_keeps_input_order_when_the_first_item_finishes_last() {
    const ITEMS: usize = 4;
    let executor = StaticThreadPoolExecutor::new(ITEMS).unwrap();
    let latch = Arc::new(Latch::default());
    let finish_order = Arc::new(Mutex::new(Vec::new()));
    let (l, order) = (Arc::clone(&latch), Arc::clone(&finish_order));
    // Item 0 waits until every other item has finished, so it certainly finishes last; the
    // window (2 × 4 workers) holds all four items at once, so this cannot deadlock.
    let results: Vec<usize> = executor
        .map(
            move |i: usize| {
                let mut done = l.done.lock().unwrap();
                if i == 0 {
                    while *done < ITEMS - 1 {
                        done = l.changed.wait(done).unwrap();
                    }
                } else {
                    *done += 1;
                    l.changed.notify_all();
                }
                order.lock().unwrap().push(i);
                i + 100
            },
            0..ITEMS,
        )
        .map(Result::unwrap)
        .collect();
    assert_eq!(results, [100, 101, 102, 103]);
    assert_eq!(finish_order.lock().unwrap().last(), Some(&0));
}

#[test]
fn map_with_window_of_one_runs_one_task_at_a_time_and_pulls_lazily() {
    let executor = StaticThreadPoolExecutor::new(4).unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let pulled = Arc::new(AtomicUsize::new(0));
    let (r, m) = (Arc::clone(&running), Arc::clone(&most));
    let p = Arc::clone(&pulled);
    let input = (0..20u32).inspect(move |_| {
        p.fetch_add(1, Ordering::SeqCst);
    });
    let mut results = executor.map_with_window(
        move |x: u32| {
            let now = r.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(1));
            r.fetch_sub(1, Ordering::SeqCst);
            x * 2
        },
        input,
        1,
    );
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "nothing is pulled before `next`"
    );
    assert_eq!(results.next().unwrap().unwrap(), 0);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        1,
        "a window of 1 pulls one item"
    );
    let rest: Vec<u32> = results.map(Result::unwrap).collect();
    assert_eq!(rest, (1..20).map(|x| x * 2).collect::<Vec<_>>());
    assert_eq!(most.load(Ordering::SeqCst), 1);
}

#[test]
fn map_turns_a_panic_into_an_error_for_that_item_only() {
    let executor = StaticThreadPoolExecutor::new(3).unwrap();
    let results: Vec<_> = executor
        .map(
            |x: i32| {
                if x == 5 {
                    panic!("item five is bad");
                }
                x
            },
            0..10,
        )
        .collect();
    assert_eq!(results.len(), 10);
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(v) => assert_eq!(*v as usize, i),
            Err(e) => {
                assert_eq!(i, 5);
                assert!(e.is_panic());
                assert_eq!(e.panic_message(), Some("item five is bad"));
            }
        }
    }
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
}

#[test]
fn metrics_count_tasks_and_panics() {
    const TASKS: u64 = 40;
    let executor = StaticThreadPoolExecutor::new(4).unwrap();
    let handles: Vec<_> = (0..TASKS)
        .map(|i| {
            executor.submit(move || {
                if i % 8 == 3 {
                    panic!("task {i} failed");
                }
                i
            })
        })
        .collect();
    for (i, handle) in (0..TASKS).zip(handles) {
        match handle.join() {
            Ok(v) => assert_eq!(v, i),
            Err(e) => {
                assert_eq!(i % 8, 3);
                assert!(e.is_panic(), "the panic still surfaces on join");
            }
        }
    }
    let m = executor.metrics();
    assert_eq!(m.total_tasks, TASKS);
    assert_eq!((m.completed, m.panicked), (35, 5));
    assert_eq!(
        (m.submitted, m.cancelled, m.rejected, m.queued),
        (TASKS, 0, 0, 0)
    );
    assert_eq!((m.current_threads, m.min_workers, m.max_workers), (4, 4, 4));
    assert_eq!((m.scale_up_count, m.scale_down_count), (0, 0));
    assert_eq!(m.avg_blocking_ratio, None);
    let (p50, p95, p99) = (
        m.p50_latency.unwrap(),
        m.p95_latency.unwrap(),
        m.p99_latency.unwrap(),
    );
    assert!(p50 <= p95 && p95 <= p99);
    assert!(m.throughput.is_finite() && m.throughput >= 0.0);

    let log = executor.experiment_log();
    let mut failures: Vec<&TaskRecord> = log.iter().filter(|r| !r.success).collect();
    failures.sort_by_key(|r| r.task_id);
    let messages: Vec<&str> = failures
        .iter()
        .map(|r| r.error_message.as_deref().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "task 3 failed",
            "task 11 failed",
            "task 19 failed",
            "task 27 failed",
            "task 35 failed"
        ]
    );
    // Ids follow submission order, so a failure's id is its task's index.
    let ids: Vec<u64> = failures.iter().map(|r| r.task_id).collect();
    assert_eq!(ids, [3, 11, 19, 27, 35]);

    let stats = executor.pool_stats();
    assert_eq!(
        (stats.completed, stats.panicked, stats.submitted),
        (TASKS, 5, TASKS)
    );
}

#[test]
fn experiment_log_exports_csv_and_json_that_parse_back() {
    let executor = StaticThreadPoolExecutor::builder(2)
        .window_size(5)
        .max_history(30)
        .build()
        .unwrap();
    for i in 0..12 {
        let _ = executor
            .submit(move || {
                if i == 7 {
                    panic!("seven, with a comma");
                }
            })
            .join();
    }
    let log = executor.experiment_log();
    assert_eq!(log.len(), 12);
    assert!(
        log.iter()
            .all(|r| r.cpu_time_s.is_none() && r.blocking_ratio.is_none())
    );
    assert!(
        log.iter()
            .all(|r| r.wall_time_s >= 0.0 && r.timestamp_s >= 0.0)
    );

    let mut json = Vec::new();
    write_json(&mut json, &log).unwrap();
    let back: Vec<TaskRecord> = serde_json::from_slice(&json).unwrap();
    assert_eq!(back, log);

    let mut csv = Vec::new();
    write_csv(&mut csv, &log).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(
        lines[0],
        "task_id,wall_time_s,cpu_time_s,blocking_ratio,timestamp_s,success,error_message"
    );
    let failed = lines
        .iter()
        .find(|l| l.ends_with("false,\"seven, with a comma\""));
    assert!(failed.is_some(), "the failure row is quoted: {csv}");
}

#[test]
fn experiment_log_keeps_at_most_max_history() {
    let executor = StaticThreadPoolExecutor::builder(2)
        .window_size(4)
        .max_history(10)
        .build()
        .unwrap();
    for _ in 0..25 {
        executor.submit(|| ()).join().unwrap();
    }
    assert_eq!(executor.experiment_log().len(), 10);
    assert_eq!(executor.metrics().total_tasks, 25);
}

#[test]
fn zero_workers_is_an_error_naming_the_setting() {
    let err = StaticThreadPoolExecutor::new(0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid pool `bps`: workers (0) must be at least 1"
    );
    assert_eq!(err.key(), Some("workers"));
}

#[test]
fn bad_settings_are_errors_naming_the_setting() {
    let err = StaticThreadPoolExecutor::builder(1_000_000)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("workers"));
    assert!(
        err.to_string()
            .contains("workers (1000000) must be at most")
    );

    let err = StaticThreadPoolExecutor::builder(4)
        .name("a-name-far-too-long")
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("name"));

    let err = StaticThreadPoolExecutor::builder(4)
        .window_size(0)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid pool `bps`: window_size must be at least 1, got 0"
    );

    let err = StaticThreadPoolExecutor::builder(4)
        .stack_size(0)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("stack_size"));
}

#[test]
fn shutdown_then_submit_is_rejected() {
    let executor = StaticThreadPoolExecutor::new(2).unwrap();
    executor.shutdown();
    assert!(executor.is_shutdown());

    let err = executor.submit(|| 1).join().unwrap_err();
    assert!(err.is_cancelled());

    let refused = executor.try_submit(|| 2).unwrap_err();
    assert!(refused.is_shutdown() && !refused.is_full());
    assert_eq!((refused.into_inner())(), 2, "the closure comes back unrun");

    let (tx, rx) = mpsc::channel::<()>();
    let refused = executor.execute(move || drop(tx)).unwrap_err();
    assert!(refused.is_shutdown());
    drop(refused);
    assert!(
        rx.recv().is_err(),
        "the refused closure was dropped, never run"
    );

    let m = executor.metrics();
    assert_eq!((m.rejected, m.total_tasks), (3, 0));
    assert!(executor.experiment_log().is_empty());
}

#[test]
fn thread_count_stays_fixed_while_running() {
    const WORKERS: usize = 3;
    let executor = StaticThreadPoolExecutor::new(WORKERS).unwrap();
    assert_eq!(executor.current_thread_count(), WORKERS);

    // Hold every worker inside a task at once, then look.
    let barrier = Arc::new(Barrier::new(WORKERS + 1));
    let held: Vec<_> = (0..WORKERS)
        .map(|_| {
            let b = Arc::clone(&barrier);
            executor.submit(move || {
                b.wait();
                b.wait();
            })
        })
        .collect();
    barrier.wait();
    assert_eq!(executor.current_thread_count(), WORKERS);
    assert_eq!(executor.metrics().current_threads, WORKERS);
    barrier.wait();
    for h in held {
        h.join().unwrap();
    }

    // A burst far larger than the pool runs on the same three named threads.
    let names: HashSet<String> = (0..200)
        .map(|_| executor.submit(|| thread::current().name().unwrap().to_owned()))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert!(names.len() <= WORKERS);
    assert!(
        names
            .iter()
            .all(|n| ["bps-0", "bps-1", "bps-2"].contains(&n.as_str()))
    );
    assert_eq!(executor.current_thread_count(), WORKERS);
}

#[test]
fn shutdown_drains() {
    let executor = StaticThreadPoolExecutor::new(2).unwrap();
    let handles: Vec<_> = (0..50)
        .map(|i| {
            executor.submit(move || {
                thread::sleep(Duration::from_micros(100));
                i
            })
        })
        .collect();
    executor.shutdown();
    let sum: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(sum, (0..50).sum::<i32>());
    assert_eq!(executor.current_thread_count(), 0);
    assert_eq!(executor.metrics().total_tasks, 50);
}

#[test]
fn drop_lets_queued_tasks_finish() {
    let executor = StaticThreadPoolExecutor::new(1).unwrap();
    let handles: Vec<_> = (0..10).map(|i| executor.submit(move || i)).collect();
    drop(executor);
    let all: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(all, (0..10).collect::<Vec<_>>());
}

#[test]
fn shutdown_now_cancels_queued_tasks() {
    let executor = StaticThreadPoolExecutor::new(1).unwrap();
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let running = executor.submit(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    started.recv().unwrap();
    let queued: Vec<_> = (0..5).map(|_| executor.submit(|| ())).collect();
    // Release the running task from another thread a little later, so that `shutdown_now`
    // most likely finds the queued tasks still queued. Either way the books must balance, and
    // that, not the timing, is what is asserted.
    let releaser = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        drop(release);
    });
    executor.shutdown_now();
    releaser.join().unwrap();
    running.join().unwrap();
    let mut cancelled = 0;
    for h in queued {
        match h.join() {
            Ok(()) => {}
            Err(e) => {
                assert!(e.is_cancelled());
                cancelled += 1;
            }
        }
    }
    let m = executor.metrics();
    assert_eq!(m.cancelled, cancelled);
    assert_eq!(m.cancelled + m.total_tasks, 6);
    assert_eq!(executor.experiment_log().len() as u64, m.total_tasks);
}
