//! The runtime's behaviour end to end: smoke, ordering, cancellation, a bounded queue, model
//! failures, deadlines, stop, device and loader failures. No assertion reads the clock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use betapool_batch::policy::{Fixed, ReleaseReason};
use betapool_batch::{
    BatchModel, BoxError, EnvOverrides, FailingProbe, FixedProbe, GpuDevice, InferError,
    InferenceRuntime, RuntimeBuilder,
};

/// Doubles its inputs and remembers every batch it saw.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<Vec<u32>>>>,
}

impl BatchModel for Recorder {
    type Input = u32;
    type Output = u32;
    fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        self.seen.lock().unwrap().push(xs.clone());
        Ok(xs.into_iter().map(|x| 2 * x).collect())
    }
}

/// Holds each batch until the test lets it go, so the test controls when the worker is busy.
struct Gate {
    entered: Mutex<Sender<Vec<u32>>>,
    release: Mutex<Receiver<()>>,
}

impl BatchModel for Gate {
    type Input = u32;
    type Output = u32;
    fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        self.entered.lock().unwrap().send(xs.clone()).unwrap();
        self.release.lock().unwrap().recv()?;
        Ok(xs)
    }
}

/// A gate model, its "batch entered" receiver and its "release one batch" sender.
fn gate() -> (Gate, Receiver<Vec<u32>>, Sender<()>) {
    let (entered_tx, entered_rx) = channel();
    let (release_tx, release_rx) = channel();
    let gate = Gate {
        entered: Mutex::new(entered_tx),
        release: Mutex::new(release_rx),
    };
    (gate, entered_rx, release_tx)
}

fn builder<M: BatchModel>(model: M) -> RuntimeBuilder<M> {
    InferenceRuntime::builder(move |_| Ok(model)).env(EnvOverrides::default())
}

/// Starts a runtime whose only worker sits in the gate with one request, so everything
/// submitted next stays queued until the test releases the gate.
fn busy_runtime(
    b: impl FnOnce(RuntimeBuilder<Gate>) -> RuntimeBuilder<Gate>,
) -> (
    InferenceRuntime<Gate>,
    Receiver<Vec<u32>>,
    Sender<()>,
    betapool_batch::Infer<u32>,
) {
    let (g, entered, release) = gate();
    let rt = b(builder(g)).build().unwrap();
    rt.start().unwrap();
    let first = rt.infer(0);
    assert_eq!(entered.recv().unwrap(), vec![0]);
    (rt, entered, release, first)
}

#[test]
fn smoke() {
    let rec = Recorder::default();
    let rt = builder(rec.clone()).build().unwrap();
    assert!(!rt.is_started());
    assert_eq!(rt.execution_path(), None);
    rt.start().unwrap();
    assert!(rt.is_started());
    assert_eq!(rt.execution_path(), Some("cpu"));
    assert_eq!(rt.infer(4).wait(), Ok(8));
    assert_eq!(rt.infer_blocking(5), Ok(10));
    let report = rt.stop(Duration::from_secs(5));
    assert!(report.drained && report.stopped == 0 && report.running == 0);
    assert!(!rt.is_started());
}

#[test]
fn infer_many_keeps_input_order() {
    let rec = Recorder::default();
    let rt = builder(rec.clone()).build().unwrap();
    rt.start().unwrap();
    let out: Vec<u32> = rt
        .infer_many(0..500)
        .wait()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(out, (0..500).map(|x| 2 * x).collect::<Vec<_>>());
    // Every input reached the model exactly once.
    let mut seen: Vec<u32> = rec.seen.lock().unwrap().concat();
    seen.sort_unstable();
    assert_eq!(seen, (0..500).collect::<Vec<_>>());
}

#[test]
fn concurrent_callers_each_get_their_own_output() {
    let rt = Arc::new(builder(Recorder::default()).build().unwrap());
    rt.start().unwrap();
    let threads: Vec<_> = (0..4u32)
        .map(|t| {
            let rt = rt.clone();
            std::thread::spawn(move || {
                for i in 0..250 {
                    let x = t * 1000 + i;
                    assert_eq!(rt.infer(x).wait(), Ok(2 * x));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let stats = rt.stats();
    assert_eq!(
        (stats.accepted, stats.completed, stats.items),
        (1000, 1000, 1000)
    );
}

#[test]
fn not_started_and_stopped_runtimes_refuse_at_once() {
    let rt = builder(Recorder::default()).build().unwrap();
    assert_eq!(rt.infer(1).wait(), Err(InferError::NotStarted));
    let refused = rt.try_infer(7).unwrap_err();
    assert_eq!(refused.error(), &InferError::NotStarted);
    assert_eq!(refused.into_input(), 7);
    rt.start().unwrap();
    assert!(
        rt.start()
            .unwrap_err()
            .to_string()
            .contains("already started")
    );
    rt.stop(Duration::from_secs(1));
    assert_eq!(rt.infer(1).wait(), Err(InferError::Stopped));
    assert!(rt.start().is_err());
}

#[test]
fn a_full_queue_refuses_at_once_and_hands_the_input_back() {
    let (rt, _entered, release, first) = busy_runtime(|b| b.queue_capacity(2));
    let queued = [rt.infer(1), rt.infer(2)];
    let refused = rt.try_infer(3).unwrap_err();
    assert_eq!(refused.error(), &InferError::QueueFull { capacity: 2 });
    assert_eq!(refused.into_input(), 3);
    assert_eq!(
        rt.infer(4).wait(),
        Err(InferError::QueueFull { capacity: 2 })
    );
    assert_eq!(rt.queue_depth(), 2);
    assert_eq!(rt.stats().rejected_full, 2);
    release.send(()).unwrap();
    release.send(()).unwrap();
    assert_eq!(first.wait(), Ok(0));
    let [a, b] = queued;
    assert_eq!((a.wait(), b.wait()), (Ok(1), Ok(2)));
}

#[test]
fn a_dropped_future_cancels_its_queued_request_exactly_once() {
    let (rt, entered, release, first) = busy_runtime(|b| b);
    let futures: Vec<_> = (1..=20).map(|x| rt.infer(x)).collect();
    // Drop the odd ones while they are queued.
    let kept: Vec<_> = futures
        .into_iter()
        .enumerate()
        .filter_map(|(i, f)| (i % 2 == 1).then_some(f))
        .collect();
    assert_eq!(rt.queue_depth(), 10);
    assert_eq!(rt.stats().cancelled, 10);
    release.send(()).unwrap();
    assert_eq!(first.wait(), Ok(0));
    let batch = entered.recv().unwrap();
    assert_eq!(batch, (1..=10).map(|i| 2 * i).collect::<Vec<u32>>());
    release.send(()).unwrap();
    let out: Vec<_> = kept.into_iter().map(|f| f.wait().unwrap()).collect();
    assert_eq!(out, batch);
    // Dropping a future whose request already ran changes nothing.
    assert_eq!(rt.stats().cancelled, 10);
}

#[test]
fn a_model_error_fails_its_whole_batch_and_the_runtime_goes_on() {
    struct Picky;
    impl BatchModel for Picky {
        type Input = i32;
        type Output = i32;
        fn infer_batch(&self, xs: Vec<i32>) -> Result<Vec<i32>, BoxError> {
            match xs[0] {
                -1 => Err("bad input -1".into()),
                -2 => panic!("model exploded"),
                -3 => Ok(vec![]),
                _ => Ok(xs),
            }
        }
    }
    let rt = builder(Picky).build().unwrap();
    rt.start().unwrap();
    let err = rt.infer(-1).wait().unwrap_err();
    assert_eq!(
        err,
        InferError::Model {
            batch: 1,
            message: "bad input -1".into()
        }
    );
    let err = rt.infer(-2).wait().unwrap_err();
    assert_eq!(
        err,
        InferError::Panicked {
            batch: 1,
            message: "model exploded".into()
        }
    );
    let err = rt.infer(-3).wait().unwrap_err();
    assert_eq!(
        err,
        InferError::OutputCount {
            expected: 1,
            got: 0
        }
    );
    assert!(err.to_string().contains("0 outputs for a batch of 1"));
    assert_eq!(rt.infer(5).wait(), Ok(5));
    let stats = rt.stats();
    assert_eq!(
        (stats.failed_batches, stats.failed_items, stats.completed),
        (3, 3, 1)
    );
}

#[test]
fn stop_resolves_every_accepted_request() {
    let (rt, entered, release, first) = busy_runtime(|b| b);
    let queued: Vec<_> = (1..=5).map(|x| rt.infer(x)).collect();
    // The worker is held in the model: the drain cannot finish, so the queue is failed.
    let report = rt.stop(Duration::from_millis(50));
    assert!(!report.drained);
    assert_eq!((report.stopped, report.running), (5, 1));
    for f in queued {
        assert_eq!(f.wait(), Err(InferError::Stopped));
    }
    // The batch already in the model still gets its result.
    release.send(()).unwrap();
    assert_eq!(first.wait(), Ok(0));
    assert!(entered.try_recv().is_err());
    assert_eq!(rt.stats().stopped, 5);
}

#[test]
fn stop_drains_what_is_queued_when_there_is_time() {
    let (rt, _entered, release, first) = busy_runtime(|b| b);
    let queued: Vec<_> = (1..=5).map(|x| rt.infer(x)).collect();
    let stopper = std::thread::spawn(move || {
        let report = rt.stop(Duration::from_secs(30));
        (rt, report)
    });
    release.send(()).unwrap();
    release.send(()).unwrap();
    let (_rt, report) = stopper.join().unwrap();
    assert!(report.drained, "{report:?}");
    assert_eq!(first.wait(), Ok(0));
    for (i, f) in queued.into_iter().enumerate() {
        assert_eq!(f.wait(), Ok(i as u32 + 1));
    }
}

#[test]
fn dropping_the_runtime_fails_what_is_queued() {
    let (rt, _entered, release, first) = busy_runtime(|b| b);
    let queued = rt.infer(1);
    drop(rt);
    assert_eq!(queued.wait(), Err(InferError::Stopped));
    release.send(()).unwrap();
    assert_eq!(first.wait(), Ok(0));
}

#[test]
fn a_deadline_that_passes_in_the_queue_fails_without_running() {
    let (rt, entered, release, first) = busy_runtime(|b| b);
    let late = rt.infer_by(1, Instant::now() + Duration::from_millis(1));
    let fine = rt.infer(2);
    std::thread::sleep(Duration::from_millis(5));
    release.send(()).unwrap();
    assert_eq!(first.wait(), Ok(0));
    assert!(matches!(
        late.wait(),
        Err(InferError::DeadlineExceeded { .. })
    ));
    assert_eq!(entered.recv().unwrap(), vec![2]);
    release.send(()).unwrap();
    assert_eq!(fine.wait(), Ok(2));
    assert_eq!(rt.stats().expired, 1);
    // A deadline already past is refused or expired, never run.
    assert!(matches!(
        rt.infer_by(3, Instant::now()).wait(),
        Err(InferError::DeadlineExceeded { .. })
    ));
}

#[test]
fn a_full_fixed_batch_leaves_at_once_and_a_partial_one_on_its_delay() {
    let rec = Recorder::default();
    // A delay far longer than the test: if a full batch waited it out, the test would hang.
    let rt = builder(rec.clone())
        .policy(Fixed::new(4, Duration::from_secs(3600)).unwrap())
        .build()
        .unwrap();
    rt.start().unwrap();
    let out = rt.infer_many(1..=4).wait();
    assert!(out.iter().all(Result::is_ok));
    assert_eq!(rec.seen.lock().unwrap().as_slice(), &[vec![1, 2, 3, 4]]);
    let stats = rt.stats();
    assert_eq!(
        stats.releases[ReleaseReason::Size.index()],
        (ReleaseReason::Size, 1)
    );

    let rt = builder(Recorder::default())
        .policy(Fixed::new(4, Duration::from_millis(20)).unwrap())
        .build()
        .unwrap();
    rt.start().unwrap();
    assert_eq!(rt.infer(1).wait(), Ok(2));
    assert_eq!(rt.stats().releases[ReleaseReason::Delay.index()].1, 1);
}

#[test]
fn weights_fill_a_batch_instead_of_counts() {
    #[derive(Clone)]
    struct Lengths(Arc<Mutex<Vec<usize>>>);
    impl BatchModel for Lengths {
        type Input = String;
        type Output = usize;
        fn infer_batch(&self, xs: Vec<String>) -> Result<Vec<usize>, BoxError> {
            self.0.lock().unwrap().push(xs.len());
            Ok(xs.iter().map(String::len).collect())
        }
        fn weight(s: &String) -> u32 {
            s.len() as u32
        }
    }
    let model = Lengths(Arc::new(Mutex::new(Vec::new())));
    let rt = builder(model.clone())
        .policy(Fixed::new(10, Duration::from_millis(1)).unwrap())
        .build()
        .unwrap();
    rt.start().unwrap();
    // Two requests of weight 6 never share a batch of size 10, even though 2 < 10.
    let out = rt
        .infer_many(["abcdef".to_owned(), "ghijkl".to_owned()])
        .wait();
    assert_eq!(out, vec![Ok(6), Ok(6)]);
    assert_eq!(model.0.lock().unwrap().as_slice(), &[1, 1]);
}

fn two_gpus() -> FixedProbe {
    FixedProbe(
        (0..2)
            .map(|i| GpuDevice::new(i, format!("Fake GPU {i}")))
            .collect(),
    )
}

fn no_gpu() -> FailingProbe {
    FailingProbe("no NVIDIA driver is loaded".to_owned())
}

#[test]
fn the_loader_gets_the_chosen_device() {
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let rt = InferenceRuntime::builder(move |d| {
        *s.lock().unwrap() = Some(d.device_type.as_str());
        Ok(Recorder::default())
    })
    .env(EnvOverrides::default())
    .probe(two_gpus())
    .build()
    .unwrap();
    rt.start().unwrap();
    assert_eq!(*seen.lock().unwrap(), Some("gpu"));
    assert_eq!(rt.execution_path(), Some("gpu"));
    assert!(rt.device().unwrap().cuda_available);

    let forced_cpu = InferenceRuntime::builder(|_| Ok(Recorder::default()))
        .env(EnvOverrides::from_pairs([("MASX_FORCE_CPU", "1")]).unwrap())
        .probe(two_gpus())
        .build()
        .unwrap();
    forced_cpu.start().unwrap();
    assert_eq!(forced_cpu.execution_path(), Some("cpu"));
}

#[test]
fn forcing_a_missing_gpu_fails_at_start_saying_why() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let rt = InferenceRuntime::builder(move |_| {
        c.fetch_add(1, Ordering::SeqCst);
        Ok(Recorder::default())
    })
    .env(EnvOverrides::from_pairs([("MASX_FORCE_GPU", "1")]).unwrap())
    .probe(no_gpu())
    .build()
    .unwrap();
    let err = rt.start().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("MASX_FORCE_GPU") && text.contains("no NVIDIA driver"),
        "{text}"
    );
    assert_eq!(
        err.config_error().and_then(|e| e.key()),
        Some("MASX_FORCE_GPU")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the loader must not run");
    assert!(!rt.is_started());
}

#[test]
fn a_failing_or_panicking_loader_leaves_the_runtime_unstarted() {
    let rt = InferenceRuntime::<Recorder>::builder(|_| Err("weights not found".into()))
        .env(EnvOverrides::default())
        .build()
        .unwrap();
    let text = rt.start().unwrap_err().to_string();
    assert!(
        text.contains("weights not found") && text.contains("cpu"),
        "{text}"
    );
    assert!(!rt.is_started());
    let rt = InferenceRuntime::<Recorder>::builder(|_| panic!("loader blew up"))
        .env(EnvOverrides::default())
        .build()
        .unwrap();
    assert!(
        rt.start()
            .unwrap_err()
            .to_string()
            .contains("loader blew up")
    );
}

#[test]
fn bad_settings_name_their_key() {
    let zero_queue = builder(Recorder::default()).queue_capacity(0).build();
    assert_eq!(zero_queue.unwrap_err().key(), Some("queue_capacity"));
    let zero_workers = builder(Recorder::default()).workers(0).build();
    assert_eq!(zero_workers.unwrap_err().key(), Some("workers"));
}

#[test]
fn the_environment_selects_the_seed_policy() {
    let env = EnvOverrides::from_pairs([("BATCH_SIZE", "8")]).unwrap();
    let rt = InferenceRuntime::builder(|_| Ok(Recorder::default()))
        .env(env)
        .build()
        .unwrap();
    assert_eq!(rt.stats().policy, "fixed");
    let rt = builder(Recorder::default()).build().unwrap();
    assert_eq!(rt.stats().policy, "adaptive");
}

#[test]
fn metrics_and_health_have_the_seed_keys() {
    let rt = builder(Recorder::default())
        .env(EnvOverrides::from_pairs([("MAX_THREADS", "20"), ("MAX_PROCS", "4")]).unwrap())
        .build()
        .unwrap();
    assert_eq!(rt.health().status, "unhealthy");
    rt.start().unwrap();
    rt.infer_many(0..10).wait();
    let m = serde_json::to_value(rt.metrics()).unwrap();
    assert_eq!(m["total_requests"], 10);
    assert_eq!(m["device_type"], "cpu");
    assert_eq!(m["gpu_worker"]["total_inferences"], 10);
    assert!(m["gpu_worker"]["avg_batch_time"].as_f64().unwrap() >= 0.0);
    assert!(m["requests_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(m["cpu_executors"]["max_threads"], 20);
    assert_eq!(m["cpu_executors"]["max_processes"], 4);
    let h = serde_json::to_value(rt.health()).unwrap();
    assert_eq!(h["status"], "healthy");
    assert_eq!(h["execution_path"], "cpu");
    assert!(h["throughput"].is_number());
}

#[test]
fn futures_can_be_awaited_by_any_executor() {
    // A hand-written executor stands in for tokio or smol: the futures need nothing else.
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Wake};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    fn run<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let waker = Arc::new(Unpark(std::thread::current())).into();
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::park();
        }
    }
    let rt = builder(Recorder::default()).build().unwrap();
    rt.start().unwrap();
    let sum = run(async {
        let a = rt.infer(1).await.unwrap();
        let many = rt.infer_many([2, 3]).await;
        a + many.into_iter().map(Result::unwrap).sum::<u32>()
    });
    assert_eq!(sum, 12);
}
