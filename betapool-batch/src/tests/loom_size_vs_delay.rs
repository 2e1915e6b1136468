//! The size trigger racing the delay trigger: a full batch never waits out the delay, no batch
//! exceeds its size, and no request is put in two batches.

use std::sync::Arc;

use crate::dispatcher::run_worker;
use crate::policy::Fixed;

use super::support::{DELAY, Model, Seen, queue};

/// Two requests fill a batch of two while the worker may be waiting on the delay: the clock
/// never moves, so a worker that waited out the delay would deadlock the model.
#[test]
fn loom_full_batch_leaves_without_the_delay() {
    loom::model(|| {
        let q = queue(Fixed::new(2, DELAY).unwrap(), 4);
        let seen = Arc::new(Seen::default());
        let worker = {
            let (q, model) = (q.clone(), Model(seen.clone()));
            loom::thread::spawn(move || run_worker(&q, &model, 0))
        };
        let producer = {
            let q = q.clone();
            loom::thread::spawn(move || q.submit(2, 1, None).map(|_| ()).is_ok())
        };
        assert!(q.submit(1, 1, None).is_ok());
        assert!(producer.join().unwrap());
        seen.wait_for(2);
        q.close();
        worker.join().unwrap();
        each_ran_once_in_batches_of_two(&seen);
    });
}

/// The delay expires (the clock moves and the worker is woken, as a timed wait would) while a
/// second request arrives: whichever trigger wins, each request is run once, in a batch of at
/// most two.
#[test]
fn loom_delay_racing_size() {
    loom::model(|| {
        let q = queue(Fixed::new(2, DELAY).unwrap(), 4);
        let seen = Arc::new(Seen::default());
        assert!(q.submit(1, 1, None).is_ok());
        let worker = {
            let (q, model) = (q.clone(), Model(seen.clone()));
            loom::thread::spawn(move || run_worker(&q, &model, 0))
        };
        let timer = {
            let q = q.clone();
            loom::thread::spawn(move || {
                q.clock.advance(DELAY);
                q.nudge();
            })
        };
        assert!(q.submit(2, 1, None).is_ok());
        timer.join().unwrap();
        // If the second request came after the timer, its own delay has not passed yet and
        // waiting for it is right; let it pass too.
        q.clock.advance(DELAY);
        q.nudge();
        seen.wait_for(2);
        q.close();
        worker.join().unwrap();
        each_ran_once_in_batches_of_two(&seen);
    });
}

/// Requests 1 and 2 each ran exactly once, and no batch carried more than two.
fn each_ran_once_in_batches_of_two(seen: &Seen) {
    let batches = seen.batches();
    assert!(batches.iter().all(|b| b.len() <= 2), "{batches:?}");
    let mut all = batches.concat();
    all.sort_unstable();
    assert_eq!(all, vec![1, 2]);
}
