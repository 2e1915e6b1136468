//! A request is taken by a batch or cancelled by its dropped future, never both and never
//! neither: the model sees it exactly when it was not cancelled, and the cancellation is
//! counted exactly once.

use std::sync::Arc;

use crate::dispatcher::run_worker;
use crate::infer::Infer;
use crate::policy::Adaptive;
use crate::queue::CancelSlot;

use super::support::{Model, Seen, queue};

#[test]
fn loom_taken_or_cancelled_exactly_once() {
    loom::model(|| {
        let q = queue(Adaptive::default(), 4);
        let seen = Arc::new(Seen::default());
        let slot = q.submit(7, 1, None).unwrap();
        let handle: Arc<dyn CancelSlot<u32>> = q.clone();
        let fut = Infer::queued(slot, handle, 1);

        let worker = {
            let (q, model) = (q.clone(), Model(seen.clone()));
            loom::thread::spawn(move || run_worker(&q, &model, 0))
        };
        let canceller = loom::thread::spawn(move || drop(fut));
        canceller.join().unwrap();
        q.close();
        worker.join().unwrap();

        let ran = seen.batches().concat().len();
        let cancelled = q.lock().counters.cancelled;
        assert_eq!(
            ran as u64 + cancelled,
            1,
            "ran {ran}, cancelled {cancelled}"
        );
    });
}
