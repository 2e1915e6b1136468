//! A batch worker: takes the batches the queue releases, runs the model on each (a panic is
//! caught), and delivers one result per request. It decides nothing: when a batch leaves and
//! how large it is are the policy's answers, applied under the queue's lock.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::loom::std_only::Arc;
use crate::queue::{Batch, Finished, Queue};
use crate::slot::Slot;
use crate::{BatchModel, InferError};

/// Runs batches until the queue says to stop.
pub(crate) fn run_worker<M: BatchModel>(
    queue: &Queue<M::Input, M::Output>,
    model: &M,
    worker: usize,
) {
    // IDLE: `next_batch` blocks until the policy releases a batch, or returns None at stop.
    while let Some(batch) = queue.next_batch(worker) {
        // BUSY: the model runs outside the queue's lock.
        let (done, results) = run_batch(queue, model, batch);
        // The batch is counted before its callers see their results, so a caller that reads
        // the stats after its result finds its batch in them.
        queue.finish(worker, done);
        for (slot, result) in results {
            slot.complete(result);
        }
    }
}

/// The results of one batch, delivered after the batch is counted.
type Results<O> = Vec<(Arc<Slot<O>>, Result<O, InferError>)>;

fn run_batch<M: BatchModel>(
    queue: &Queue<M::Input, M::Output>,
    model: &M,
    batch: Batch<M::Input, M::Output>,
) -> (Finished, Results<M::Output>) {
    let Batch {
        entries,
        expired,
        weight,
        reason,
        taken,
    } = batch;
    // Requests whose deadline passed in the queue were counted when they were taken; they fail
    // now rather than wait for a batch they are not in.
    for e in expired {
        let budget = e.deadline.map_or(std::time::Duration::ZERO, |d| {
            d.saturating_duration_since(e.accepted)
        });
        let error = InferError::DeadlineExceeded {
            predicted: taken.saturating_duration_since(e.accepted),
            budget,
        };
        e.slot.complete(Err(error));
    }
    let mut results: Results<M::Output> = Vec::with_capacity(entries.len());
    let n = entries.len();
    let mut slots = Vec::with_capacity(n);
    let mut inputs = Vec::with_capacity(n);
    let mut accepted = Vec::with_capacity(n);
    for e in entries {
        slots.push(e.slot);
        inputs.push(e.input);
        accepted.push(e.accepted);
    }
    let mut done = Finished {
        weight,
        items: n,
        took: std::time::Duration::ZERO,
        model_ran: false,
        failed: false,
        reason,
        accepted,
        taken,
    };
    if n == 0 {
        return (done, results);
    }
    let start = queue.clock.now();
    let out = catch_unwind(AssertUnwindSafe(|| model.infer_batch(inputs)));
    done.took = queue.clock.now().saturating_duration_since(start);
    let failure = match out {
        Ok(Ok(outputs)) if outputs.len() == n => {
            done.model_ran = true;
            results.extend(slots.into_iter().zip(outputs.into_iter().map(Ok)));
            return (done, results);
        }
        Ok(Ok(outputs)) => InferError::OutputCount {
            expected: n,
            got: outputs.len(),
        },
        Ok(Err(e)) => InferError::Model {
            batch: n,
            message: e.to_string(),
        },
        Err(payload) => InferError::Panicked {
            batch: n,
            message: panic_message(payload.as_ref()),
        },
    };
    done.failed = true;
    results.extend(slots.into_iter().map(|s| (s, Err(failure.clone()))));
    (done, results)
}

/// The text of a panic payload, when it has one.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
