//! `verbose = true`: each submission (with the pool's utilization) and each completion (with
//! its duration and outcome) is a `tracing` event; a quiet group logs nothing.
//!
//! The events are caught by a small recording subscriber installed as the process's global
//! default, because completions are logged on the pools' worker threads. Each test uses pool
//! names of its own and reads only their events, so the tests of this file may run in parallel.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One recorded event: its level, message and fields as text.
#[derive(Debug, Clone)]
struct Logged {
    level: Level,
    fields: BTreeMap<String, String>,
}

impl Logged {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

/// Keeps every event in memory.
#[derive(Debug, Default)]
struct Recorder {
    events: Mutex<Vec<Logged>>,
    next_span: AtomicU64,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

// For the leaked `&'static` recorder, so the tests can read it while it is installed.
impl Subscriber for &'static Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let logged = Logged {
            level: *event.metadata().level(),
            fields,
        };
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(logged);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The process's recorder, installed on first use.
fn recorder() -> &'static Recorder {
    static RECORDER: OnceLock<&'static Recorder> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let recorder: &'static Recorder = Box::leak(Box::default());
        tracing::subscriber::set_global_default(recorder)
            .expect("no other subscriber in this test binary");
        recorder
    })
}

/// The events logged so far about pool `pool`.
fn events_of(pool: &str) -> Vec<Logged> {
    recorder()
        .events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|e| e.get("pool") == Some(pool))
        .cloned()
        .collect()
}

#[test]
fn verbose_logs_each_submission_and_completion() {
    recorder();
    let config = GroupConfig::new(8)
        .verbose(true)
        .pool(PoolConfig::fixed("vdb", 2));
    let group = PoolGroup::new(&config).expect("group starts");

    let ok = group
        .spawn_named_in("vdb", "fetch_user", || 7)
        .expect("pool exists");
    assert_eq!(ok.join().expect("task returns"), 7);
    let bad = group
        .spawn_named_in("vdb", "broken_query", || -> u32 { panic!("planted") })
        .expect("pool exists");
    assert!(bad.join().is_err(), "the panic reaches the handle");
    group.execute_in("vdb", || {}).expect("pool exists");
    let report = group.shutdown(std::time::Duration::from_secs(10));
    assert!(report.all_finished(), "{report:?}");

    let events = events_of("vdb");
    let with = |message: &str, task: &str| {
        events
            .iter()
            .filter(|e| e.get("message") == Some(message) && e.get("task") == Some(task))
            .cloned()
            .collect::<Vec<_>>()
    };
    // Submissions: with the pool's utilization and live threads.
    for task in ["fetch_user", "broken_query"] {
        let submitted = with("submitted", task);
        assert_eq!(
            submitted.len(),
            1,
            "one submission event for {task}: {events:?}"
        );
        let utilization = submitted[0].get("utilization").expect("utilization field");
        assert!(utilization.ends_with('%'), "{utilization}");
        assert!(submitted[0].get("live").is_some(), "{submitted:?}");
        assert_eq!(submitted[0].level, Level::INFO);
    }
    // Completion: the duration and the outcome (an info "completed", a warning "panicked").
    let completed = with("completed", "fetch_user");
    assert_eq!(completed.len(), 1, "{events:?}");
    assert!(completed[0].get("duration_ms").is_some(), "{completed:?}");
    assert!(with("panicked", "fetch_user").is_empty());
    let panicked = with("panicked", "broken_query");
    assert_eq!(panicked.len(), 1, "{events:?}");
    assert_eq!(panicked[0].level, Level::WARN);
    assert!(with("completed", "broken_query").is_empty());
    // The unnamed task of `execute_in` is logged under its generated name.
    let unnamed: Vec<_> = events
        .iter()
        .filter(|e| e.get("task").is_some_and(|t| t.starts_with("task-")))
        .collect();
    assert_eq!(unnamed.len(), 2, "submitted and completed: {events:?}");
}

#[test]
fn a_quiet_group_logs_no_task_events() {
    recorder();
    let config = GroupConfig::new(8).pool(PoolConfig::fixed("quietdb", 2));
    let group = PoolGroup::new(&config).expect("group starts");
    let handles: Vec<_> = (0..20)
        .map(|i| {
            group
                .spawn_named_in("quietdb", "q", move || i)
                .expect("pool")
        })
        .collect();
    for h in handles {
        h.join().expect("task returns");
    }
    assert!(
        group
            .shutdown(std::time::Duration::from_secs(10))
            .all_finished()
    );
    let events = events_of("quietdb");
    assert!(events.is_empty(), "a quiet group logged: {events:?}");
}
