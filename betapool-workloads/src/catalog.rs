//! The benchmark's named workloads: their definitions, and why each is sized as it is.
//!
//! Each is meant to last at least about a second at its best static pool size on two cores,
//! so that a pool has time to settle and the measurement is more than start-up noise.

use std::time::Duration;

use crate::arrival_spec::ArrivalSpec;
use crate::burst::BurstSpec;
use crate::rag::RagSpec;
use crate::task::TaskSpec;
use crate::workload::{Phase, Workload};

const MS: Duration = Duration::from_millis(1);
const US: Duration = Duration::from_micros(1);

/// The workload called `name`, or `None`; [`Workload::NAMES`] lists the same names.
pub(crate) fn named(name: &str) -> Option<Workload> {
    Some(match name {
        "io" => io(),
        "cpu" => cpu(),
        "mixed" => mixed(),
        "phases" => phases(),
        "bursty" => bursty(),
        "rag" => rag(),
        "io-burst" => io_burst(),
        "mixed-burst" => mixed_burst(),
        "recurring" => recurring(),
        "tiny-noop" => tiny("tiny-noop", Duration::ZERO, 1_000_000),
        "tiny-1us" => tiny("tiny-1us", US, 1_500_000),
        "tiny-10us" => tiny("tiny-10us", 10 * US, 250_000),
        "matrix" => matrix(),
        "fibonacci" => fibonacci(),
        "variable" => variable(),
        _ => return None,
    })
}

/// A workload of one phase, named like the workload, with every task submitted at once.
fn single(name: &str, spec: TaskSpec, tasks: usize) -> Workload {
    Workload {
        name: name.to_owned(),
        phases: vec![Phase::new(name, spec, tasks)],
        arrival: None,
    }
}

/// The I/O task of `io`, `phases`, `bursty` and `io-burst`: a 1 ms sleep, a fast remote call.
fn io_task() -> TaskSpec {
    TaskSpec::Io { sleep: MS }
}

/// The CPU task of `cpu` and `phases`: 100 µs of spinning, long beside the pool's per-task
/// overhead (well under a microsecond) yet short enough that many thousands fit in a second.
fn cpu_task() -> TaskSpec {
    TaskSpec::Cpu { work: 100 * US }
}

/// The task of `mixed` and `mixed-burst`: 0.1 ms of waiting then 50 µs of CPU, so about a
/// third of each task is CPU and the best size is a few threads per core.
fn mixed_task() -> TaskSpec {
    TaskSpec::Mixed {
        sleep: 100 * US,
        work: 50 * US,
    }
}

/// 300 000 sleeps of 1 ms. Pure blocking: the best static size is in the hundreds, where
/// 300 000 tasks still take a second or more (measured: 512 threads on 2 cores run about
/// 270 000 of these a second, so 200 000 would be over in 0.75 s); a pool that stays near the core count takes
/// minutes.
fn io() -> Workload {
    single("io", io_task(), 300_000)
}

/// 30 000 spins of 100 µs: 3 s of CPU, 1.5 s on two cores. Every thread beyond the core count
/// only adds switching, so this is where growing on "time off CPU" is punished.
fn cpu() -> Workload {
    single("cpu", cpu_task(), 30_000)
}

/// 50 000 tasks of 0.1 ms sleep + 50 µs CPU: 2.5 s of CPU, about 1.25 s on two cores once
/// enough threads hide the sleeps.
fn mixed() -> Workload {
    single("mixed", mixed_task(), 50_000)
}

/// I/O, then CPU, then I/O again, 50 000 tasks each (the CPU phase alone is 2.5 s on two
/// cores). The best size changes twice during the run: a self-sizing pool must grow, shrink,
/// and grow again.
fn phases() -> Workload {
    let phase = |name: &str, spec| Phase::new(name, spec, 50_000);
    Workload {
        name: "phases".to_owned(),
        phases: vec![
            phase("io", io_task()),
            phase("cpu", cpu_task()),
            phase("io", io_task()),
        ],
        arrival: None,
    }
}

/// 60 000 sleeps of 1 ms arriving in bursts of 60 000/s for 0.25 s, then 1 000/s for 0.25 s:
/// about 15 250 arrivals per half-second cycle, so about 2 s in all. The load comes and goes
/// every quarter second, faster than a slow controller can follow.
fn bursty() -> Workload {
    Workload {
        arrival: Some(ArrivalSpec::Burst(BurstSpec {
            burst_rate: 60_000.0,
            quiet_rate: 1_000.0,
            burst_duration: 250 * MS,
            quiet_duration: 250 * MS,
        })),
        ..single("bursty", io_task(), 60_000)
    }
}

/// 20 000 RAG requests with the seed's stages scaled down (waits of 1, 5 and 20 ms instead of
/// 10, 200 and 500; CPU of 50 and 100 µs) so the run lasts seconds, not hours: 3 s of CPU,
/// 1.5 s on two cores, behind 26 ms of waiting per request.
fn rag() -> Workload {
    let spec = RagSpec {
        network_latency: MS,
        vector_db_latency: 5 * MS,
        llm_latency: 20 * MS,
        tokenization_work: 50 * US,
        reranking_work: 100 * US,
    };
    single("rag", TaskSpec::Rag(spec), 20_000)
}

/// 20 000 sleeps of 1 ms: over in about 80 ms at the best static size. Deliberately short,
/// and exempt from the one-second rule: it measures how fast a pool reacts, since a controller
/// that ticks every 500 ms never sees it.
fn io_burst() -> Workload {
    single("io-burst", io_task(), 20_000)
}

/// 20 000 of `mixed`'s tasks: `io-burst`'s reaction test with CPU in every task (0.5 s on two
/// cores at best).
fn mixed_burst() -> Workload {
    single("mixed-burst", mixed_task(), 20_000)
}

/// The idle gaps before bursts 2 to 5 of `recurring`, each chosen for what it tests:
///
/// - 0.2 s: about when a pool that retires idle threads quickly has just let them go, so
///   the second burst shows whether what was learned survives a short lull;
/// - 1 s: the longest gap after which a pool should still be warm (tokio's blocking pool
///   keeps idle threads for 10 s; starting them again costs most of a burst on two cores);
/// - 3 s: a long rest, after which a pool may have shrunk, so the burst is judged against a
///   pool built for it (a cold one);
/// - 0.2 s again: after the long rest, whether the pool comes back to the short-gap form.
const RECURRING_GAPS: [Duration; 4] = [
    Duration::from_millis(200),
    Duration::from_secs(1),
    Duration::from_secs(3),
    Duration::from_millis(200),
];

/// Five bursts the size of `io-burst` (20 000 sleeps of 1 ms, about 80 ms each at the best
/// static size), with the idle gaps of [`RECURRING_GAPS`] before bursts 2 to 5: traffic that
/// comes back. Exempt from the one-second rule like `io-burst`; the bursts are reported one by
/// one, against warm and cold static pools.
fn recurring() -> Workload {
    let burst = |n: usize| Phase::new(format!("burst {n}"), io_task(), 20_000);
    let mut phases = vec![burst(1)];
    for (i, gap) in RECURRING_GAPS.iter().enumerate() {
        phases.push(burst(i + 2).with_pause(*gap));
    }
    Workload {
        name: "recurring".to_owned(),
        phases,
        arrival: None,
    }
}

/// The `tiny` family: tasks that never block and are short beside a pool's own cost per task
/// (a few hundred nanoseconds to queue, wake and run one), submitted in one burst. A pool
/// that reads their time off CPU as blocking grows for nothing: more threads only add
/// wake-ups, context switches and contention on the queue. The counts make each last about a
/// second at the best static size on two cores (no-ops: the harness's own cost per task,
/// about half a microsecond, is the work; 1 µs spins run about 1.5 million a second, 10 µs
/// spins about 200 000).
fn tiny(name: &str, work: Duration, tasks: usize) -> Workload {
    single(name, TaskSpec::Cpu { work }, tasks)
}

/// 5 000 products of 64 × 64 matrices (the seed's NumPy task); for the CLI.
fn matrix() -> Workload {
    single("matrix", TaskSpec::Matrix { size: 64 }, 5_000)
}

/// 5 000 naive `fib(25)`, about 250 000 calls each (the seed's recursive CPU task); for the CLI.
fn fibonacci() -> Workload {
    single("fibonacci", TaskSpec::Fibonacci { n: 25 }, 5_000)
}

/// 20 000 tasks of 1 to 5 ms, a fifth of it CPU (the seed's variable-latency task); for the CLI.
fn variable() -> Workload {
    let spec = TaskSpec::VariableLatency {
        min: MS,
        max: 5 * MS,
        cpu_fraction: 0.2,
    };
    single("variable", spec, 20_000)
}
