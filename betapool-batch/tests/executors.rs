//! The shared executors seen from outside: their handles awaited by a hand-written `block_on`
//! (no async runtime) and waited on by blocking, map order, task panics, shutdown, and sizes and
//! errors from the environment's overrides (always passed in, never the process environment).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use betapool_batch::{CpuExecutors, EnvOverrides, TaskError};

/// Wakes the thread that is blocked in `block_on`.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Drives `future` to completion on this thread, parking between polls: the smallest executor
/// that proves the handles are plain `std` futures.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            // A wake-up that came before the park leaves the token set, so none is lost.
            Poll::Pending => thread::park(),
        }
    }
}

fn executors(pairs: &[(&str, &str)]) -> CpuExecutors {
    let env = EnvOverrides::from_pairs(pairs.iter().copied()).unwrap();
    CpuExecutors::from_env(&env).unwrap()
}

#[test]
fn smoke_awaited() {
    let executors = executors(&[]);
    assert_eq!(block_on(executors.run_in_thread(|| 5 * 2)), Ok(10));
    assert_eq!(
        block_on(executors.run_cpu(|| (1..=10u64).sum::<u64>())),
        Ok(55)
    );
    assert_eq!(
        block_on(executors.map_threads(|x: u32| x * 2, [1, 2, 3])),
        Ok(vec![2, 4, 6])
    );
    assert_eq!(
        block_on(executors.map_cpu(|x: u64| x * x, 0..4)),
        Ok(vec![0, 1, 4, 9])
    );
}

#[test]
fn smoke_waited() {
    let executors = executors(&[]);
    assert_eq!(executors.run_in_thread(|| "io").wait(), Ok("io"));
    assert_eq!(executors.run_cpu(|| "cpu").wait(), Ok("cpu"));
    assert_eq!(
        executors.map_threads(|x: i8| -x, [1, 2]).wait(),
        Ok(vec![-1, -2])
    );
    assert_eq!(
        executors.map_cpu(|x: i8| x + 1, [1, 2]).wait(),
        Ok(vec![2, 3])
    );
}

#[test]
fn awaiting_a_task_that_is_still_running_wakes_when_it_ends() {
    let executors = executors(&[]);
    let (release, gate) = mpsc::channel::<()>();
    let handle = executors.run_in_thread(move || gate.recv().is_ok());
    assert!(!handle.is_finished());
    let releaser = thread::spawn(move || release.send(()).unwrap());
    assert_eq!(block_on(handle), Ok(true));
    releaser.join().unwrap();
}

#[test]
fn map_results_are_in_input_order_whatever_order_the_tasks_end_in() {
    let executors = executors(&[("MAX_THREADS", "8"), ("MAX_PROCS", "4")]);
    // Each task waits for its own release; release them last to first.
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..8).map(|_| mpsc::channel::<()>()).unzip();
    let items: Vec<(usize, mpsc::Receiver<()>)> = receivers.into_iter().enumerate().collect();
    let handle = executors.map_threads(
        |(i, gate): (usize, mpsc::Receiver<()>)| {
            let _ = gate.recv();
            i * 10
        },
        items,
    );
    assert_eq!(handle.len(), 8);
    for tx in senders.into_iter().rev() {
        tx.send(()).unwrap();
    }
    assert_eq!(
        block_on(handle),
        Ok((0..8).map(|i| i * 10).collect::<Vec<_>>())
    );

    let many = executors.map_cpu(|x: u64| x, 0..1_000).wait().unwrap();
    assert_eq!(many, (0..1_000).collect::<Vec<u64>>());
}

#[test]
fn a_panicking_task_is_an_error_naming_the_pool_and_message() {
    let executors = executors(&[]);
    let err = executors
        .run_in_thread(|| -> u8 { panic!("disk on fire") })
        .wait()
        .unwrap_err();
    assert_eq!(
        err,
        TaskError::Panicked {
            pool: "blocking",
            item: None,
            message: Some("disk on fire".to_owned())
        }
    );
    assert_eq!(
        err.to_string(),
        "a task on the blocking pool panicked: disk on fire"
    );

    let err = block_on(executors.run_cpu(|| -> u8 { panic!("overflow") })).unwrap_err();
    assert_eq!(err.to_string(), "a task on the CPU pool panicked: overflow");

    // The pools keep serving after a panic.
    assert_eq!(executors.run_cpu(|| 1).wait(), Ok(1));
}

#[test]
fn a_map_with_a_panicking_item_names_the_first_one_in_input_order() {
    let executors = executors(&[]);
    let boom = |x: usize| {
        assert!(x % 4 != 3, "item {x} is bad");
        x
    };
    let err = executors.map_cpu(boom, 0..10).wait().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the task for item 3 on the CPU pool panicked: item 3 is bad"
    );
    let err = block_on(executors.map_threads(boom, 0..10)).unwrap_err();
    assert!(
        matches!(
            err,
            TaskError::Panicked {
                pool: "blocking",
                item: Some(3),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn shutdown_drains_and_later_tasks_are_cancelled() {
    let executors = executors(&[("MAX_PROCS", "1")]);
    let accepted = executors.run_cpu(|| 7);
    executors.shutdown();
    assert_eq!(accepted.wait(), Ok(7));

    let err = executors.run_cpu(|| 1).wait().unwrap_err();
    assert_eq!(err, TaskError::Cancelled { pool: "CPU" });
    assert_eq!(
        err.to_string(),
        "the task was cancelled before it ran: the CPU pool is shut down"
    );
    let err = block_on(executors.map_threads(|x: u8| x, [1, 2])).unwrap_err();
    assert_eq!(err, TaskError::Cancelled { pool: "blocking" });
}

#[test]
fn sizes_come_from_max_threads_and_max_procs() {
    let executors = executors(&[("MAX_THREADS", "20"), ("MAX_PROCS", "3")]);
    assert_eq!(executors.max_threads(), 20);
    assert_eq!(executors.max_processes(), 3);
    assert_eq!(executors.cpu_pool().current_thread_count(), 3);
    let metrics = executors.metrics();
    assert_eq!((metrics.max_threads, metrics.max_processes), (20, 3));
    assert_eq!(metrics.thread_pool.max_threads, 20);
    assert_eq!(metrics.cpu_pool.max_threads, 3);
}

#[test]
fn max_procs_above_the_cores_is_honoured() {
    let above = betapool_core::available_cores() + 2;
    let executors = executors(&[("MAX_PROCS", &above.to_string())]);
    assert_eq!(executors.max_processes(), above);
}

#[test]
fn defaults_are_documented_constants_and_the_cores() {
    let executors = executors(&[]);
    assert_eq!(executors.max_threads(), betapool_batch::DEFAULT_MAX_THREADS);
    assert_eq!(executors.max_processes(), betapool_core::available_cores());
}

#[test]
fn a_bad_variable_is_an_error_naming_it() {
    let err = EnvOverrides::from_pairs([("MAX_THREADS", "lots")]).unwrap_err();
    assert_eq!(err.key(), Some("MAX_THREADS"));
    assert!(err.to_string().contains("MAX_THREADS=\"lots\""), "{err}");

    let err = EnvOverrides::from_pairs([("MAX_PROCS", "0")]).unwrap_err();
    assert_eq!(err.key(), Some("MAX_PROCS"));

    let too_many = EnvOverrides::from_pairs([("MAX_PROCS", "1000000")]).unwrap();
    let err = CpuExecutors::from_env(&too_many).unwrap_err();
    assert_eq!(err.key(), Some("MAX_PROCS"));
    assert!(err.to_string().contains("1000000"), "{err}");

    // Reaching a task, the error keeps its cause and the variable's name.
    let task_err = TaskError::from(err);
    assert!(
        task_err
            .to_string()
            .starts_with("the shared executors are unavailable: ")
    );
    assert!(task_err.to_string().contains("MAX_PROCS"));
}

#[test]
fn dropped_handles_detach_their_tasks() {
    let executors = executors(&[]);
    let ran = Arc::new(AtomicUsize::new(0));
    let (done_tx, done) = mpsc::channel();
    let counter = Arc::clone(&ran);
    drop(executors.run_cpu(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        done_tx.send(()).unwrap();
    }));
    done.recv().unwrap();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[test]
fn installed_executors_are_the_shared_ones() {
    // Every test runs in its own process under nextest; under `cargo test` this is the only
    // test of this binary that touches the shared pair, so `install` comes first either way.
    let mine = executors(&[("MAX_THREADS", "5"), ("MAX_PROCS", "2")]);
    assert!(betapool_batch::install(mine).is_ok());
    let shared = betapool_batch::cpu_executors().unwrap();
    assert_eq!((shared.max_threads(), shared.max_processes()), (5, 2));

    assert_eq!(betapool_batch::run_in_thread(|| 1).wait(), Ok(1));
    assert_eq!(block_on(betapool_batch::run_cpu(|| 2)), Ok(2));
    assert_eq!(
        betapool_batch::map_threads(|x: u8| x, [3, 4]).wait(),
        Ok(vec![3, 4])
    );
    assert_eq!(
        block_on(betapool_batch::map_cpu(|x: u8| x, [5])),
        Ok(vec![5])
    );
    assert_eq!(shared.metrics().cpu_pool.completed, 2);

    let second = executors(&[("MAX_PROCS", "1")]);
    let refused = betapool_batch::install(second).unwrap_err().into_inner();
    assert_eq!(refused.max_processes(), 1);
}
