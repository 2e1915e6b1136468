//! A user who depends on `betapool-adaptive` alone can name every type its public methods take
//! and return: this file uses no other betapool crate (`betapool-adaptive` has no dev-dependency
//! on one), so it stops compiling if a signature starts using a type the crate does not
//! re-export.

use std::time::Duration;

use betapool_adaptive::controller::{ControllerConfig, DecisionPolicy, DefaultPolicy, SeedPolicy};
use betapool_adaptive::{
    AdaptiveBuilder, AdaptiveMetrics, AdaptiveThreadPoolExecutor, BuildError, DecisionRecord,
    ExperimentRecord, JoinError, JoinHandle, OrderedMap, Pool, PoolStats, RejectionPolicy,
    ShutdownTimeout, SubmitError, TaskRecord,
};

#[test]
fn every_type_of_the_public_surface_is_named_from_this_crate() {
    let builder: AdaptiveBuilder = AdaptiveThreadPoolExecutor::builder(1, 2)
        .config(ControllerConfig::default())
        .rejection_policy(RejectionPolicy::Reject)
        .queue_capacity(4);
    let executor: AdaptiveThreadPoolExecutor = builder.build().unwrap();
    let handle: JoinHandle<u8> = executor.submit(|| 1);
    let failed: Result<u8, JoinError> = executor.spawn(|| -> u8 { panic!("named") }).join();
    assert_eq!(handle.join().unwrap(), 1);
    assert!(failed.unwrap_err().is_panic());
    let squares: OrderedMap<'_, _, _, u32> = executor.map(|x: u32| x * x, 0..3);
    assert_eq!(squares.map(Result::unwrap).collect::<Vec<_>>(), [0, 1, 4]);
    let engine: &Pool = executor.engine();
    assert!(engine.live_workers() >= 1);
    let _: AdaptiveMetrics = executor.metrics();
    let _: PoolStats = executor.pool_stats();
    let _: Vec<DecisionRecord> = executor.decision_history();
    let _: Vec<ExperimentRecord> = executor.experiment_log();
    let _: Vec<TaskRecord> = executor.task_log();
    let _: &ControllerConfig = executor.config();
    let stopped: Result<(), ShutdownTimeout> = executor.shutdown_timeout(Duration::from_secs(10));
    stopped.unwrap();
    let refused: SubmitError<_> = executor.try_submit(|| 2).unwrap_err();
    assert!(refused.is_shutdown());

    let policies: [Box<dyn DecisionPolicy>; 2] = [
        Box::new(DefaultPolicy::new()),
        Box::new(SeedPolicy::new(ControllerConfig::default())),
    ];
    assert_eq!(policies[1].name(), "seed");
    let err: BuildError = AdaptiveThreadPoolExecutor::new(4, 2).unwrap_err();
    assert_eq!(err.key(), Some("min_workers"));
}
