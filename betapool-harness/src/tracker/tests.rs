//! Unit tests of the run's bookkeeping.

use std::thread;

use super::*;

#[test]
fn outcomes_are_counted() {
    let tracker = Arc::new(Tracker::new(Instant::now(), None, &[3]));
    tracker.ticket(0, 0).finish(Outcome::Completed);
    tracker.ticket(1, 0).finish(Outcome::Skipped);
    drop(tracker.ticket(2, 0));
    tracker.wait_phase(0);
    assert_eq!(
        (tracker.completed(), tracker.skipped(), tracker.finished()),
        (1, 1, 3)
    );
    assert_eq!(tracker.sorted_latencies().len(), 1);
    assert_eq!(tracker.phase_tally(0).completed, 1);
}

#[test]
fn the_last_task_of_a_phase_wakes_the_waiter() {
    let tracker = Arc::new(Tracker::new(Instant::now(), None, &[100, 1]));
    let tickets: Vec<Ticket> = (0..100).map(|i| tracker.ticket(i, 0)).collect();
    let workers: Vec<_> = tickets
        .into_iter()
        .map(|t| thread::spawn(move || t.finish(Outcome::Completed)))
        .collect();
    tracker.wait_phase(0);
    assert_eq!(tracker.completed(), 100);
    for w in workers {
        w.join().unwrap();
    }
    // Phase 1 has not ended: its one ticket is still out.
    let last = tracker.ticket(100, 1);
    assert_eq!(*tracker.phases_done.lock().unwrap(), 1);
    last.finish(Outcome::Completed);
    tracker.wait_phase(1);
}

#[test]
fn a_zero_cap_has_expired_at_once() {
    let start = Instant::now();
    let tracker = Arc::new(Tracker::new(start, Some(start), &[1]));
    let ticket = tracker.ticket(0, 0);
    assert!(ticket.expired());
    ticket.finish(Outcome::Skipped);
    assert_eq!(tracker.skipped(), 1);
}

#[test]
fn no_cap_never_expires() {
    let tracker = Tracker::new(Instant::now(), None, &[1]);
    assert!(!tracker.expired());
    assert_eq!(tracker.deadline(), None);
}

#[test]
fn extending_the_deadline_moves_it_and_keeps_no_cap_uncapped() {
    let start = Instant::now();
    let tracker = Tracker::new(start, Some(start), &[1]);
    assert!(tracker.expired());
    tracker.extend_deadline(Duration::from_secs(3600));
    assert!(!tracker.expired());
    assert_eq!(
        tracker.deadline(),
        start.checked_add(Duration::from_secs(3600))
    );

    let uncapped = Tracker::new(start, None, &[1]);
    uncapped.extend_deadline(Duration::from_secs(1));
    assert_eq!(uncapped.deadline(), None);
}
