//! Behaviour of `InstrumentedPool` at a variable size: recording across resizes, ordered map
//! across resizes, counters agreeing with samples, builder errors and shutdown. No assertion
//! here depends on how fast the machine is; the rendezvous below wait long enough that only a
//! wrong pool size, never a slow machine, makes them give up.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use betapool_instrumented::{InstrumentedPool, TaskRecord};

/// How long a rendezvous waits for its parties. Generous, so that it only gives up when the
/// parties can never all run at once (the pool or the window is too small), never because the
/// machine is slow.
const RENDEZVOUS_PATIENCE: Duration = Duration::from_secs(30);

/// A barrier that gives up: `arrive` says whether all `parties` were inside at once. Unlike
/// `std::sync::Barrier`, a test whose pool is too small fails instead of hanging.
struct Rendezvous {
    arrived: Mutex<usize>,
    changed: Condvar,
    parties: usize,
}

impl Rendezvous {
    fn new(parties: usize) -> Arc<Rendezvous> {
        Arc::new(Rendezvous {
            arrived: Mutex::new(0),
            changed: Condvar::new(),
            parties,
        })
    }

    fn arrive(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.changed.notify_all();
        let (arrived, timeout) = self
            .changed
            .wait_timeout_while(arrived, RENDEZVOUS_PATIENCE, |n| *n < self.parties)
            .unwrap();
        drop(arrived);
        !timeout.timed_out()
    }
}

fn ids(log: &[TaskRecord]) -> HashSet<u64> {
    log.iter().map(|r| r.task_id).collect()
}

#[test]
fn smoke() {
    let pool = InstrumentedPool::builder()
        .min_workers(1)
        .max_workers(4)
        .workers(2)
        .build()
        .unwrap();
    assert_eq!(pool.submit(|| 40 + 2).join().unwrap(), 42);
    assert_eq!(pool.spawn(|| "alias").join().unwrap(), "alias");
    assert_eq!(pool.try_submit(|| 3).unwrap().join().unwrap(), 3);
    let (tx, rx) = mpsc::channel();
    pool.execute(move || tx.send(5).unwrap()).unwrap();
    assert_eq!(rx.recv().unwrap(), 5);
    let doubled: Vec<i32> = pool.map(|x: i32| x * 2, 0..3).map(Result::unwrap).collect();
    assert_eq!(doubled, [0, 2, 4]);
    pool.shutdown();
    assert_eq!(pool.task_log().len(), 7);
    assert_eq!(pool.with_collector(|c| c.total_recorded()), 7);
    assert_eq!(pool.current_thread_count(), 0);
}

#[test]
fn resizing_keeps_recording_samples() {
    let pool = InstrumentedPool::builder()
        .name("rs")
        .min_workers(1)
        .max_workers(8)
        .workers(2)
        .build()
        .unwrap();
    for i in 0..10u64 {
        assert_eq!(pool.submit(move || i).join().unwrap(), i);
    }

    // Grow, then prove the pool runs at the new size: six tasks that only finish if all six
    // are running at once, each reporting whether the rendezvous happened and on which thread.
    assert_eq!(pool.engine().set_target(6).unwrap(), 6);
    assert_eq!(pool.current_thread_count(), 6);
    let rendezvous = Rendezvous::new(6);
    let wide: Vec<_> = (0..6)
        .map(|_| {
            let r = Arc::clone(&rendezvous);
            pool.submit(move || (r.arrive(), thread::current().name().unwrap().to_owned()))
        })
        .collect();
    let wide: Vec<(bool, String)> = wide.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(wide.iter().all(|(met, _)| *met), "six tasks ran at once");
    let threads: HashSet<&str> = wide.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(threads.len(), 6, "on six distinct workers: {threads:?}");

    // Shrink, and keep going.
    assert_eq!(pool.engine().set_target(1).unwrap(), 1);
    for i in 0..10u64 {
        assert_eq!(pool.submit(move || i).join().unwrap(), i);
    }

    // Every task, before, during and after the resizes, is in the log, with ids in submission
    // order.
    let log = pool.task_log();
    assert_eq!(log.len(), 26);
    assert_eq!(ids(&log), (0..26).collect());
    assert!(log.iter().all(|r| r.success));
    let c = pool.engine().counters();
    assert_eq!((c.completed, c.panicked), (26, 0));
    pool.shutdown();
}

#[test]
fn map_keeps_order_across_a_resize() {
    let pool = InstrumentedPool::builder()
        .min_workers(1)
        .max_workers(8)
        .workers(1)
        .build()
        .unwrap();
    // Items 2 to 5 meet: they can only all finish if the map's window and the pool have grown
    // to at least four since the map started with one worker (a window of two).
    let rendezvous = Rendezvous::new(4);
    let r = Arc::clone(&rendezvous);
    let mut results = pool.map(
        move |i: u64| {
            if (2..6).contains(&i) {
                assert!(r.arrive(), "item {i}: the window did not follow the resize");
            } else {
                // Later items sleep less, so on a wide pool they tend to finish first.
                thread::sleep(Duration::from_micros((200 - i) * 5));
            }
            i * 10
        },
        0..200,
    );
    assert_eq!(results.next().unwrap().unwrap(), 0);
    pool.engine().set_target(8).unwrap();
    let middle: Vec<u64> = results.by_ref().take(99).map(Result::unwrap).collect();
    assert_eq!(middle, (1..100).map(|i| i * 10).collect::<Vec<_>>());
    // Shrinking under a running map strands nothing and keeps the order too.
    pool.engine().set_target(2).unwrap();
    let rest: Vec<u64> = results.map(Result::unwrap).collect();
    assert_eq!(rest, (100..200).map(|i| i * 10).collect::<Vec<_>>());
    assert_eq!(pool.task_log().len(), 200);
}

#[test]
fn counters_and_samples_agree() {
    let pool = InstrumentedPool::builder()
        .min_workers(1)
        .max_workers(6)
        .workers(3)
        .build()
        .unwrap();

    let handles: Vec<_> = (0..30u64)
        .map(|i| {
            pool.submit(move || {
                if i % 5 == 0 {
                    panic!("submit {i}");
                }
                i
            })
        })
        .collect();
    pool.engine().set_target(6).unwrap();
    for (i, h) in (0..30u64).zip(handles) {
        match h.join() {
            Ok(v) => assert_eq!(v, i),
            Err(e) => assert!(e.is_panic() && i % 5 == 0),
        }
    }
    // Every joined task was counted by its worker, too.
    let by_workers: u64 = pool
        .engine()
        .worker_stats()
        .iter()
        .map(|w| w.completions)
        .sum();
    assert_eq!(by_workers, 30);

    for i in 0..5 {
        pool.execute(move || {
            if i == 4 {
                panic!("execute {i}");
            }
        })
        .unwrap();
    }
    pool.engine().set_target(2).unwrap();
    let mapped: Vec<_> = pool
        .map(|x: u32| if x == 7 { panic!("map 7") } else { x }, 0..10)
        .collect();
    assert_eq!(mapped.iter().filter(|r| r.is_err()).count(), 1);
    for i in 0..5 {
        pool.try_submit(move || i).unwrap().join().unwrap();
    }
    // Drains the fire-and-forget tasks, so every count below is final.
    pool.shutdown();
    for _ in 0..3 {
        assert!(pool.submit(|| ()).join().unwrap_err().is_cancelled());
    }

    let c = pool.engine().counters();
    let log = pool.task_log();
    let ran = c.completed + c.panicked;
    assert_eq!(ran, 50);
    assert_eq!((c.panicked, c.cancelled, c.rejected), (8, 0, 3));
    assert_eq!(c.submitted, ran + c.cancelled + c.rejected);
    assert_eq!(log.len() as u64, ran, "one sample per task that ran");
    assert_eq!(
        pool.with_collector(|collector| collector.total_recorded()),
        ran
    );
    assert_eq!(log.iter().filter(|r| !r.success).count() as u64, c.panicked);
    assert_eq!(ids(&log).len(), log.len(), "ids are unique");
    let mut messages: Vec<&str> = log
        .iter()
        .filter_map(|r| r.error_message.as_deref())
        .collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            "execute 4",
            "map 7",
            "submit 0",
            "submit 10",
            "submit 15",
            "submit 20",
            "submit 25",
            "submit 5"
        ]
    );
    let now = pool.elapsed().as_secs_f64();
    assert!(log.iter().all(|r| r.timestamp_s <= now));
}

#[test]
fn shutdown_drains() {
    let pool = InstrumentedPool::builder()
        .min_workers(1)
        .max_workers(4)
        .workers(1)
        .build()
        .unwrap();
    let handles: Vec<_> = (0..50)
        .map(|i| {
            pool.submit(move || {
                thread::sleep(Duration::from_micros(100));
                i
            })
        })
        .collect();
    pool.engine().set_target(4).unwrap();
    pool.shutdown();
    let sum: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(sum, (0..50).sum::<i32>());
    assert_eq!(pool.current_thread_count(), 0);
    assert_eq!(pool.task_log().len(), 50);
    assert!(pool.engine().set_target(2).unwrap_err().is_shutdown());
}

#[test]
fn bad_settings_are_errors_naming_the_setting() {
    let err = InstrumentedPool::builder()
        .min_workers(4)
        .max_workers(2)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid pool `bpi`: min_workers (4) is greater than max_workers (2)"
    );
    let err = InstrumentedPool::builder()
        .max_workers(4)
        .workers(9)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("workers"));
    let err = InstrumentedPool::builder()
        .name("pool")
        .window_size(0)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid pool `pool`: window_size must be at least 1, got 0"
    );
    let err = InstrumentedPool::builder()
        .window_size(10)
        .max_history(5)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("max_history"));
    let err = InstrumentedPool::builder()
        .name("a-longer-name")
        .max_workers(100)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("name"));
}
