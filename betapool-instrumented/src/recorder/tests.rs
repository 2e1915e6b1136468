//! Unit tests of the timing wrapper: samples, ids, and panics passing through unchanged.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use betapool_metrics::MetricsCollector;

use super::{Recorder, panic_message};

#[test]
fn smoke_records_a_success_sample() {
    let recorder = Arc::new(Recorder::new(MetricsCollector::default()));
    let task = recorder.wrap(|| 7);
    assert_eq!(task(), 7);
    let collector = recorder.lock();
    let sample = collector.window().next().expect("one sample");
    assert_eq!(sample.task_id, 0);
    assert!(sample.success);
    assert_eq!(sample.cpu_time, None);
    assert_eq!(sample.blocking_ratio, None);
}

#[test]
fn ids_follow_wrapping_order_not_running_order() {
    let recorder = Arc::new(Recorder::new(MetricsCollector::default()));
    let first = recorder.wrap(|| ());
    let second = recorder.wrap(|| ());
    second();
    first();
    let ids: Vec<u64> = recorder.lock().window().map(|s| s.task_id).collect();
    assert_eq!(ids, [1, 0]);
}

#[test]
fn panic_is_recorded_then_resumed_with_the_same_payload() {
    let recorder = Arc::new(Recorder::new(MetricsCollector::default()));
    let task = recorder.wrap(|| -> u8 { std::panic::panic_any(String::from("bad input 3")) });
    let payload = catch_unwind(AssertUnwindSafe(task)).expect_err("the panic goes through");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("bad input 3")
    );
    let collector = recorder.lock();
    let sample = collector.window().next().expect("one sample");
    assert!(!sample.success);
    assert_eq!(sample.error_message.as_deref(), Some("bad input 3"));
}

#[test]
fn panic_message_reads_str_string_and_other_payloads() {
    assert_eq!(panic_message(&"static"), "static");
    assert_eq!(panic_message(&String::from("owned")), "owned");
    assert_eq!(panic_message(&42_u32), "<non-string panic payload>");
}

#[test]
fn samples_from_many_threads_all_reach_the_collector_in_end_order() {
    // More tasks than the shards hold, from more threads than there are shards: some samples
    // move to the collector when a shard fills, the rest when the collector is read.
    let recorder = Arc::new(Recorder::new(
        MetricsCollector::new(100_000, 100_000).expect("valid sizes"),
    ));
    let threads = 2 * super::SHARDS;
    let per_thread = 3 * super::FLUSH_AT + 5;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let recorder = &recorder;
            scope.spawn(move || {
                for _ in 0..per_thread {
                    recorder.wrap(|| ())();
                }
            });
        }
    });
    let collector = recorder.lock();
    assert_eq!(collector.total_recorded(), (threads * per_thread) as u64);
    let mut ids: Vec<u64> = collector.window().map(|s| s.task_id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), threads * per_thread, "every sample once");
    // Each move sorts its batch by end time; batches follow one another in time.
    let stamps: Vec<_> = collector.window().map(|s| s.timestamp).collect();
    let out_of_order = stamps.windows(2).filter(|w| w[1] < w[0]).count();
    assert!(
        out_of_order * 10 < stamps.len(),
        "{out_of_order} of {} samples out of end order",
        stamps.len()
    );
}

#[test]
fn a_full_buffer_waits_for_a_reader_and_never_grows() {
    // A reader holds the collector while one thread records more samples than its buffer
    // holds: the buffer fills to its capacity, the recording thread waits for the reader, and
    // once the reader lets go every sample reaches the collector. The buffer never grows past
    // the capacity it was made with (a grown buffer is what crept in the soak's RSS).
    let recorder = Arc::new(Recorder::new(
        MetricsCollector::new(10_000, 10_000).unwrap(),
    ));
    let reader = recorder.lock();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let writer = {
        let recorder = Arc::clone(&recorder);
        std::thread::spawn(move || {
            for _ in 0..super::WAIT_AT + 10 {
                recorder.wrap(|| ())();
            }
            done_tx.send(()).unwrap();
        })
    };
    // The writer cannot finish while the collector is held: its buffer is full.
    assert!(
        done_rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err(),
        "the writer went past a full buffer while the collector was held"
    );
    let capacities: Vec<usize> = recorder
        .shards
        .iter()
        .map(|s| s.lock().unwrap().capacity())
        .collect();
    assert!(
        capacities.iter().all(|&c| c == super::WAIT_AT),
        "{capacities:?}"
    );
    drop(reader);
    writer.join().unwrap();
    assert_eq!(
        recorder.lock().total_recorded(),
        (super::WAIT_AT + 10) as u64
    );
}
