//! `stop` racing `infer`: a request is either refused or accepted, and every accepted request
//! resolves (to its output or to `Stopped`); none is lost in the queue.

use std::sync::Arc;

use crate::InferError;
use crate::dispatcher::run_worker;
use crate::policy::Fixed;

use super::support::{DELAY, Model, Seen, peek, queue};

#[test]
fn loom_stop_racing_infer_resolves_every_accepted_request() {
    loom::model(|| {
        // A batch size the one request never fills and a delay that never passes: only the
        // drain or the close can end its wait, which is the race under test.
        let q = queue(Fixed::new(4, DELAY).unwrap(), 4);
        let seen = Arc::new(Seen::default());
        let worker = {
            let (q, model) = (q.clone(), Model(seen.clone()));
            loom::thread::spawn(move || run_worker(&q, &model, 0))
        };
        let stopper = {
            let q = q.clone();
            loom::thread::spawn(move || {
                q.begin_drain();
                q.close();
            })
        };
        let submitted = q.submit(5, 1, None);
        stopper.join().unwrap();
        worker.join().unwrap();
        match submitted {
            Err((input, e)) => {
                assert_eq!((input, e), (5, InferError::Stopped));
                assert!(seen.batches().is_empty());
            }
            Ok(slot) => match peek(&slot) {
                Some(Ok(5)) => assert_eq!(seen.batches(), vec![vec![5]]),
                Some(Err(InferError::Stopped)) => assert!(seen.batches().is_empty()),
                other => panic!("an accepted request ended as {other:?}"),
            },
        }
    });
}
