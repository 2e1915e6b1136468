//! Tests of the windows: minutes split at whole minutes, and each window's figures and the
//! drift come from that minute's readings.

use super::{Window, WindowSummary, summarize};
use crate::soak::memory::{Drift, Rest, drift};
use crate::soak::monitor::{Observed, Phase, Sample};
use crate::soak::testing::{resize, tally};

fn sample(at_s: f64, rss: u64, threads: usize, submitted: u64) -> Sample {
    Sample {
        at_s,
        taken_s: at_s,
        phase: Phase::Load,
        rss_bytes: Some(rss),
        process_threads: Some(threads + 3),
        pool_threads: threads,
        pool_threads_min: threads,
        pool_threads_max: threads,
        target_threads: threads,
        submitted,
        ran: submitted,
    }
}

#[test]
fn windows_split_at_whole_minutes() {
    assert_eq!(Window::of(0.0, 150.0), Window::Minute(1));
    assert_eq!(Window::of(60.0, 150.0), Window::Minute(1));
    assert_eq!(Window::of(61.0, 150.0), Window::Minute(2));
    assert_eq!(Window::of(150.0, 150.0), Window::Minute(3));
    assert_eq!(Window::of(150.5, 150.0), Window::AfterLoad);
}

#[test]
fn summary_and_drift_use_each_minutes_rest() {
    let samples = vec![
        sample(0.0, 100, 4, 0),
        sample(30.0, 180, 40, 50),
        sample(60.0, 200, 4, 100),
        sample(90.0, 400, 60, 150),
        sample(120.0, 210, 5, 200),
        sample(121.5, 150, 4, 200),
    ];
    let resizes = vec![
        resize(10.0, 4, 40),
        resize(40.0, 40, 4),
        resize(70.0, 4, 60),
        resize(100.0, 60, 5),
        resize(121.0, 5, 4),
    ];
    let rest = |minute, rss_bytes| Rest {
        minute,
        rss_bytes,
        polls: 12,
        polls_at_min: 11,
    };
    let seen = Observed {
        samples,
        tally: tally(&resizes, 120.0),
        rests: vec![rest(1, 190), rest(2, 209)],
        history_gaps: 0,
        resizes_counted: 0,
    };
    let windows: Vec<WindowSummary> = [Window::Minute(1), Window::Minute(2), Window::AfterLoad]
        .into_iter()
        .map(|w| summarize(&seen, w, 120.0))
        .collect();
    let m1 = &windows[0];
    assert_eq!(
        (m1.samples, m1.rss_end_bytes, m1.rss_max_bytes),
        (3, Some(200), Some(200))
    );
    assert_eq!((m1.threads_min, m1.threads_max), (Some(4), Some(40)));
    assert_eq!(
        (m1.grows, m1.shrinks, m1.direction_changes, m1.tasks),
        (1, 1, 1, 100)
    );
    let m2 = &windows[1];
    assert_eq!(
        (m2.rss_end_bytes, m2.direction_changes, m2.tasks),
        (Some(210), 2, 100)
    );
    assert_eq!(m2.rest, Some(rest(2, 209)));
    let after = &windows[2];
    assert_eq!((after.samples, after.shrinks, after.tasks), (1, 1, 0));
    assert_eq!(after.rest, None);
    match drift(&windows, 2.0) {
        Drift::Measured {
            first_end_bytes,
            last_minute,
            last_end_bytes,
            change_pct,
        } => {
            assert_eq!(
                (first_end_bytes, last_minute, last_end_bytes),
                (190, 2, 209)
            );
            assert!((change_pct - 10.0).abs() < 1e-9);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(drift(&windows, 1.5), Drift::TooShort));
}
