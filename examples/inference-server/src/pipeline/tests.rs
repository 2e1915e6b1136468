//! Unit tests of plans: each stage's pool, task name and work.

use std::time::Duration;

use betapool_workloads::Calibration;

use super::Plan;
use crate::endpoint::Endpoint;
use crate::routes::Routes;
use crate::step::Step;
use crate::work::Work;

fn calibration() -> Calibration {
    Calibration::fixed(10.0).expect("a valid speed")
}

#[test]
fn generate_runs_five_stages_on_the_named_pools() {
    let routes = Routes::for_pools(["io", "cpu", "inference", "embedding", "db"]).unwrap();
    let plan = Plan::new(
        Endpoint::Generate,
        &Work::default(),
        &routes,
        &calibration(),
    );
    let stages: Vec<(&str, &str)> = plan
        .stages
        .iter()
        .map(|s| (s.pool.as_str(), s.label.as_str()))
        .collect();
    assert_eq!(
        stages,
        [
            ("db", "generate/db"),
            ("embedding", "generate/embedding"),
            ("io", "generate/io"),
            ("inference", "generate/inference"),
            ("cpu", "generate/cpu"),
        ]
    );
    // 10 iterations per µs: 300 µs of CPU is 3000 iterations, and a pure wait spins none.
    assert_eq!(plan.stages[1].spin, 3_000);
    assert_eq!(plan.stages[0].spin, 0);
    assert_eq!(plan.stages[3].wait, Duration::from_millis(20));
    assert!(plan.stages.iter().all(|s| !s.panics));
}

#[test]
fn a_shared_pool_runs_every_stage_and_faults_mark_their_step() {
    let routes = Routes::for_pools(["shared"]).unwrap();
    let work = Work {
        panic_at: Some(Step::Io),
        ..Work::default()
    };
    let plan = Plan::new(Endpoint::Document, &work, &routes, &calibration());
    assert!(plan.stages.iter().all(|s| s.pool == "shared"));
    assert_eq!(
        plan.stages.iter().map(|s| s.panics).collect::<Vec<_>>(),
        [false, true]
    );
}
