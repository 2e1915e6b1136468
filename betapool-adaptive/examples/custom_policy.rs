//! A user-defined policy in a few lines: keep one thread per queued task, up to the maximum.
use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_core::controller::{Decision, DecisionPolicy, Observation};

/// Grows by the number of waiting tasks, shrinks by one when nothing waits.
#[derive(Debug)]
struct OnePerQueuedTask;

impl DecisionPolicy for OnePerQueuedTask {
    fn decide(&mut self, obs: &Observation) -> Decision {
        match obs.queued {
            0 if obs.idle_threads > 0 => Decision::shrink(1, "nothing waiting"),
            0 => Decision::hold("all busy, nothing waiting"),
            n => Decision::grow(n, "one thread per waiting task"),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let executor = AdaptiveThreadPoolExecutor::builder(1, 32)
        .policy(OnePerQueuedTask)
        .build()?;
    let work = |_| std::thread::sleep(std::time::Duration::from_millis(20));
    let done = executor.map(work, 0..200).filter(Result::is_ok).count();
    println!(
        "{done} tasks, peak target {:?}",
        executor
            .decision_history()
            .iter()
            .map(|d| d.threads_after)
            .max()
    );
    Ok(())
}
