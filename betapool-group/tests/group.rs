//! The running group: tasks reach the pool they name, batches keep order and their bound,
//! stats show what runs, shutdown reports every pool, and misuse is an error naming the pool.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use betapool_group::{GroupConfig, GroupError, PoolConfig, PoolGroup};

fn group() -> PoolGroup {
    let config = GroupConfig::new(64)
        .pool(PoolConfig::adaptive("io", 2, 16))
        .pool(PoolConfig::fixed("cpu", 2));
    PoolGroup::new(&config).expect("group starts")
}

/// Waits until `f` holds, up to 10 s (a generous bound for a shared machine).
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn each_task_runs_on_the_pool_it_names() {
    let g = group();
    for (pool, prefix) in [("io", "io-"), ("cpu", "cpu-")] {
        let name = g
            .spawn_in(pool, || std::thread::current().name().map(str::to_owned))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(name.starts_with(prefix), "{pool}: ran on {name}");
    }
    let (tx, rx) = mpsc::channel();
    g.execute_in("cpu", move || tx.send(7).unwrap()).unwrap();
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(7));
    assert_eq!(g.names().collect::<Vec<_>>(), ["io", "cpu"]);
}

#[test]
fn an_unknown_pool_is_an_error_listing_the_pools() {
    let g = group();
    let err = g.spawn_in("gpu", || ()).unwrap_err();
    assert!(matches!(err, GroupError::UnknownPool { ref name, .. } if name == "gpu"));
    assert_eq!(
        err.to_string(),
        "no pool named `gpu`; the pools are: io, cpu"
    );
    assert!(g.execute_in("gpu", || ()).is_err());
    assert!(g.batch_in("gpu", [1], 1, |x: i32| x).is_err());
    assert!(g.executor("gpu").is_err());
}

#[test]
fn a_pool_that_is_shut_down_refuses_tasks_by_name() {
    let g = group();
    assert!(g.shutdown(Duration::from_secs(10)).all_finished());
    let err = g.execute_in("cpu", || ()).unwrap_err();
    assert!(
        matches!(err, GroupError::Rejected { ref pool, .. } if pool == "cpu"),
        "{err}"
    );
    assert!(g.spawn_in("io", || 1).unwrap().join().is_err());
}

#[test]
fn a_batch_keeps_order_and_never_has_more_than_k_in_flight() {
    let g = group();
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (n, p) = (now.clone(), peak.clone());
    let results = g
        .batch_in("io", 0..200u64, 3, move |x| {
            let running = n.fetch_add(1, Ordering::SeqCst) + 1;
            p.fetch_max(running, Ordering::SeqCst);
            std::thread::sleep(Duration::from_micros(200));
            n.fetch_sub(1, Ordering::SeqCst);
            if x == 17 {
                panic!("item 17 fails");
            }
            x * 2
        })
        .unwrap();
    assert_eq!(results.len(), 200);
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(v) => assert_eq!(*v, i as u64 * 2),
            Err(e) => assert!(i == 17 && e.is_panic(), "item {i}: {e}"),
        }
    }
    assert!(results[17].is_err());
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=3).contains(&peak), "peak in flight {peak}");
    assert!(matches!(
        g.batch_in("io", [1], 0, |x: i32| x),
        Err(GroupError::ZeroConcurrency)
    ));
}

#[test]
fn stats_show_the_tasks_running_now_by_name() {
    let g = group();
    let gate = Arc::new(Barrier::new(3));
    let handles: Vec<_> = ["embed", "rerank"]
        .into_iter()
        .map(|name| {
            let gate = gate.clone();
            g.spawn_named_in("io", name, move || {
                gate.wait();
            })
            .unwrap()
        })
        .collect();
    assert!(eventually(|| g.stats().pools[0].running.len() == 2));
    let stats = g.stats();
    let io = &stats.pools[0];
    let mut names: Vec<&str> = io.running.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["embed", "rerank"]);
    assert!(io.active_threads >= 2 && io.live_threads >= 2);
    assert_eq!(
        (io.name.as_str(), io.kind.as_str(), io.max_workers),
        ("io", "adaptive", 16)
    );
    assert_eq!(stats.pools[1].kind, "static");
    assert_eq!(stats.totals.max_workers, 18);
    assert_eq!(stats.totals.max_total_threads, 64);
    assert_eq!(
        stats.totals.active_threads,
        stats.pools.iter().map(|p| p.active_threads).sum::<usize>()
    );
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(json["pools"][0]["name"], "io");
    assert!(json["totals"]["utilization_percent"].is_number());
    assert!(g.log_status().contains("embed"));
    gate.wait();
    handles.into_iter().for_each(|h| h.join().unwrap());
    assert!(eventually(|| g.stats().pools[0].running.is_empty()));
}

#[test]
fn shutdown_reports_a_pool_whose_task_does_not_finish_in_time() {
    let g = group();
    let (release, wait) = mpsc::channel::<()>();
    let stuck = g.spawn_in("cpu", move || wait.recv().ok()).unwrap();
    assert!(eventually(|| g.stats().pools[1].active_threads == 1));
    let report = g.shutdown(Duration::from_millis(100));
    assert!(!report.all_finished());
    let cpu = report.pools.iter().find(|(n, _)| n == "cpu").unwrap();
    assert!(cpu.1.is_some(), "{report:?}");
    let io = report.pools.iter().find(|(n, _)| n == "io").unwrap();
    assert!(io.1.is_none(), "{report:?}");
    release.send(()).unwrap();
    assert_eq!(stuck.join().unwrap(), Some(()));
}

#[test]
fn a_bad_config_is_an_error_not_a_group() {
    let config = GroupConfig::new(8).pool(PoolConfig::adaptive("io", 4, 16));
    let err = PoolGroup::new(&config).unwrap_err();
    assert!(matches!(err, GroupError::Config(_)), "{err}");
}

/// Polls `f` on this thread, parking until its waker is called: the smallest executor, enough
/// to show that a handle wakes whoever awaits it.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut f = std::pin::pin!(f);
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

#[test]
fn handles_of_two_pools_can_be_awaited() {
    let g = group();
    let (release, wait) = mpsc::channel::<()>();
    let io = g
        .spawn_in("io", move || {
            wait.recv().unwrap();
            40
        })
        .unwrap();
    let cpu = g.spawn_in("cpu", || 2).unwrap();
    // The io task is held until the future has been polled once, so the await really waits
    // and the answer comes through the waker.
    let total = block_on(async move {
        let mut io = std::pin::pin!(io);
        let first =
            std::future::poll_fn(|cx| std::task::Poll::Ready(io.as_mut().poll(cx).is_pending()))
                .await;
        assert!(first, "the held task cannot be done yet");
        release.send(()).unwrap();
        io.await.unwrap() + cpu.await.unwrap()
    });
    assert_eq!(total, 42);
}

#[test]
fn active_counts_tasks_running_not_workers_awake() {
    let g = group();
    // Right after their tasks end, workers may still be awake looking for more; they are
    // alive, not active.
    let handles: Vec<_> = (0..50)
        .map(|i| g.spawn_in("cpu", move || i).unwrap())
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let cpu = |g: &PoolGroup| {
        g.stats()
            .pools
            .into_iter()
            .find(|p| p.name == "cpu")
            .unwrap()
    };
    let idle = cpu(&g);
    assert_eq!((idle.live_threads, idle.active_threads), (2, 0), "{idle:?}");
    assert!(idle.running.is_empty());
    // One task held: exactly one active, and it is the one listed as running.
    let (release, wait) = mpsc::channel::<()>();
    let held = g
        .spawn_named_in("cpu", "held", move || wait.recv().unwrap())
        .unwrap();
    assert!(eventually(|| cpu(&g).active_threads == 1));
    let busy = cpu(&g);
    assert_eq!(busy.running.len(), 1);
    assert_eq!(busy.running[0].name, "held");
    release.send(()).unwrap();
    held.join().unwrap();
    assert_eq!(cpu(&g).active_threads, 0);
}
