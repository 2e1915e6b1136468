//! Tests of `DefaultPolicy`: each branch on hand-built observations, and its properties.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::controller::Action;

const MS: Duration = Duration::from_millis(1);

/// Four workers on two cores, tasks queued, nothing measured about their CPU use.
fn base() -> Observation {
    Observation {
        now: MS,
        window: MS,
        current_threads: 4,
        target: 4,
        min_threads: 4,
        max_threads: 512,
        busy_workers: 4,
        queued: 100,
        cores: 2,
        busy_delta: 4 * MS,
        cpu_delta: Some(4 * MS),
        run_delay_delta: Some(Duration::ZERO),
        process_cpu_cores: Some(1.0),
        ..Observation::default()
    }
}

/// `threads` workers, all busy for the millisecond, with `cpu` of CPU and `run_delay` of
/// waiting for a core among them, observed at `now`.
fn crowded(now: Duration, threads: u32, cpu: Duration, run_delay: Duration) -> Observation {
    Observation {
        now,
        current_threads: threads as usize,
        target: threads as usize,
        busy_workers: threads as usize,
        busy_delta: threads * MS,
        cpu_delta: Some(cpu),
        run_delay_delta: Some(run_delay),
        ..base()
    }
}

fn target_after(obs: &Observation) -> usize {
    let d = DefaultPolicy::new().decide(obs);
    d.apply(obs.target, obs.min_threads, obs.max_threads)
}

#[test]
fn blocked_work_with_demand_jumps_to_littles_law() {
    // 1 % of busy time on a CPU, clearly blocked: 2 cores × 100 × 3 = 600.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        max_threads: 1024,
        queued: 1_000,
        ..base()
    };
    assert_eq!(target_after(&obs), 600);
    // Fully blocked work goes to the maximum in one step.
    let obs = Observation {
        cpu_delta: Some(Duration::ZERO),
        queued: 1_000,
        ..base()
    };
    assert_eq!(target_after(&obs), 512);
}

#[test]
fn growth_stops_at_what_the_tasks_present_can_use() {
    // Clearly blocked work (Little's law: 600), but only 4 running and 20 queued: 24 × 1.5.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        queued: 20,
        ..base()
    };
    assert_eq!(target_after(&obs), 36);
    let d = DefaultPolicy::new().decide(&obs);
    assert!(d.reason.contains("tasks allow 36"), "{}", d.reason);
    // A task queued while 20 workers are idle is a wake-up on its way, not a shortage.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        current_threads: 40,
        target: 40,
        busy_workers: 20,
        idle_threads: 20,
        queued: 1,
        busy_delta: 20 * MS,
        ..base()
    };
    assert_eq!(target_after(&obs), 40);
    // Without CPU clocks, the doubling is bounded the same way.
    let obs = Observation {
        now: Duration::from_secs(1),
        cpu_delta: None,
        run_delay_delta: None,
        target: 16,
        current_threads: 16,
        busy_workers: 16,
        queued: 2,
        ..base()
    };
    assert_eq!(target_after(&obs), 27);
}

#[test]
fn partly_blocked_work_gets_the_plain_margin() {
    // A tenth of busy time on a CPU: 2 cores × 10 × 1.5 = 30.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(400)),
        ..base()
    };
    assert_eq!(target_after(&obs), 30);
}

#[test]
fn contention_right_after_a_growth_does_not_shrink() {
    let mut policy = DefaultPolicy::new();
    let grow = Observation {
        cpu_delta: Some(Duration::from_micros(400)),
        ..base()
    };
    assert_eq!(policy.decide(&grow).action, Action::Grow(26));
    // 5 ms later, 30 new threads queue for the cores: hold, the start-up is not the work.
    let crowded = crowded(6 * MS, 30, 3 * MS, 27 * MS);
    let d = policy.decide(&crowded);
    assert!(!matches!(d.action, Action::Shrink(_)), "{d}");
    // Once settled, the same reading shrinks.
    let later = Observation {
        now: 40 * MS,
        ..crowded
    };
    let d = policy.decide(&later);
    assert!(matches!(d.action, Action::Shrink(_)), "{d}");
}

#[test]
fn a_large_growth_settles_for_as_long_as_its_threads_take_to_start() {
    let mut policy = DefaultPolicy::new();
    // Sleepers: 2 cores × 100 busy per CPU × 3 = 600, capped at 512: 508 threads more.
    let grow = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        queued: 100_000,
        ..base()
    };
    assert_eq!(policy.decide(&grow).action, Action::Grow(508));
    // 508 threads take up to 508 × 150 µs = 76 ms to start: a contention reading 50 ms later
    // (past the 20 ms of a small growth), with an own ratio fallen to 2, is start-up.
    let starting = |now| Observation {
        queued: 100_000,
        ..crowded(now, 512, 2 * MS, 508 * MS)
    };
    for now in [2 * MS, 30 * MS, 50 * MS, 90 * MS] {
        let d = policy.decide(&starting(now));
        assert!(!matches!(d.action, Action::Shrink(_)), "{now:?}: {d}");
    }
    // 20 + 76 ms after the growth it has settled, and the same reading shrinks.
    let d = policy.decide(&starting(130 * MS));
    assert!(matches!(d.action, Action::Shrink(_)), "{d}");
}

#[test]
fn clearly_blocked_work_is_held_not_shrunk_for_contention() {
    // 512 sleepers queueing for the cores to handle their wake-ups: 40 busy per CPU once the
    // waits for a core are taken out, contention 0.7. Cores full would shrink to
    // 2 × 3 × 40 = 240; blocked beyond doubt, growth is vetoed and nothing shrinks.
    let obs = Observation {
        queued: 100_000,
        ..crowded(MS, 512, Duration::from_micros(3_850), 358 * MS)
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
}

#[test]
fn cpu_bound_work_does_not_grow() {
    // Four CPU-bound workers on two cores: half of their busy time waiting for a core.
    let obs = Observation {
        cpu_delta: Some(2 * MS),
        run_delay_delta: Some(2 * MS),
        process_cpu_cores: Some(2.0),
        ..base()
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
}

#[test]
fn oversubscribed_cpu_work_shrinks_to_the_cores() {
    // 64 CPU-bound workers on 2 cores: each runs 1/32 of the time and waits the rest.
    let obs = Observation {
        current_threads: 64,
        target: 64,
        busy_workers: 64,
        busy_delta: 64 * MS,
        cpu_delta: Some(2 * MS),
        run_delay_delta: Some(62 * MS),
        process_cpu_cores: Some(2.0),
        ..base()
    };
    assert_eq!(
        target_after(&obs),
        4,
        "back to the floor: 2 cores × 1.5 = 3 < min 4"
    );
}

#[test]
fn saturation_vetoes_growth_when_contention_is_unknown() {
    // Clearly blocked work, but no run-queue delays and the cores full: hold.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        run_delay_delta: None,
        process_cpu_cores: Some(1.95),
        ..base()
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
}

#[test]
fn low_contention_outweighs_a_busy_process_clock() {
    // The process uses both cores (wake-ups of hundreds of sleepers) yet the workers do not
    // wait for them: growth goes on.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(400)),
        process_cpu_cores: Some(1.95),
        ..base()
    };
    assert_eq!(target_after(&obs), 30);
}

#[test]
fn growth_sizes_by_the_works_own_ratio_not_its_queueing() {
    // busy/cpu is 8, of which 2.7 ms per ms of CPU was spent waiting for a core: the work's
    // own ratio is 5.3, and Little's law gives 2 cores × 1.5 × 5.3 → 16, not the 24 of
    // busy/cpu alone.
    let obs = Observation {
        busy_delta: 8 * MS,
        cpu_delta: Some(MS),
        run_delay_delta: Some(Duration::from_micros(2_700)),
        ..base()
    };
    let mut policy = DefaultPolicy::new();
    let d = policy.decide(&obs);
    let after = d.apply(obs.target, obs.min_threads, obs.max_threads);
    // Contention 2.7 / 8 = 0.34 is under the veto.
    assert_eq!(after, 16, "{d}");
}

/// Four Python workers calling pure-Python code: each holds the GIL a quarter of the time
/// and sleeps waiting for it the rest, three quarters of which its task reported at the call's
/// start; the process uses one core.
fn waiting_for_the_gil() -> Observation {
    Observation {
        cpu_delta: Some(MS),
        lock_wait_delta: 3 * MS,
        run_delay_delta: Some(3 * MS),
        process_cpu_cores: Some(1.0),
        ..base()
    }
}

#[test]
fn reported_lock_waits_are_contention_not_blocking() {
    // Without the lock wait, busy/cpu 4 would be Little's law 2 × 1.5 × 4 = 12 threads.
    let d = DefaultPolicy::new().decide(&waiting_for_the_gil());
    assert!(!matches!(d.action, Action::Grow(_)), "{d}");
    // The same waits while the process is out of the one-core band still count as
    // contention: shrunk towards the cores, held at the minimum.
    let native = Observation {
        process_cpu_cores: Some(1.6),
        ..waiting_for_the_gil()
    };
    assert_eq!(target_after(&native), 4);
}

#[test]
fn contended_lock_vetoes_growth_even_between_reports() {
    let mut policy = DefaultPolicy::new();
    let d = policy.decide(&waiting_for_the_gil());
    assert!(!matches!(d.action, Action::Grow(_)), "{d}");
    // The next ticks see no wait and no completion (the workers lose the GIL inside long
    // calls, where no report sees it): the kernel sees sleepers, busy/cpu 4 and no run
    // delay, which alone would grow, and the process, starved by other programs, uses half
    // a core. Nothing says the lock is free: held, however long it lasts.
    let unseen = |now, completed_delta| Observation {
        now,
        completed_delta,
        cpu_delta: Some(MS),
        process_cpu_cores: Some(0.5),
        ..base()
    };
    for now in [2 * MS, 50 * MS, 150 * MS, 1_000 * MS] {
        let d = policy.decide(&unseen(now, 0));
        assert_eq!(d.action, Action::Hold, "{now:?}: {d}");
        assert!(d.reason.contains("shared lock"), "{d}");
    }
    // Calls complete and the next ones take the lock without waiting. The first ticks of
    // lock news are averaged plainly: after seven such, the share is 0.75 / 8 < 0.1, and the
    // process, at half a core for a second now, leaves the lock free.
    for i in 1..7 {
        let d = policy.decide(&unseen((1_000 + i) * MS, 1));
        assert_eq!(d.action, Action::Hold, "{i}: {d}");
    }
    let d = policy.decide(&unseen(1_007 * MS, 1));
    assert!(matches!(d.action, Action::Grow(_)), "{d}");
}

#[test]
fn a_process_at_one_core_holds_the_lock_whatever_the_waits() {
    // A pool whose tasks reported waits once, now reporting none, in a process using
    // nine tenths of a core or more: its GIL is held nearly all the time.
    let mut policy = DefaultPolicy::new();
    let quiet = |now, cpu| Observation {
        now,
        completed_delta: 1,
        lock_wait_delta: Duration::ZERO,
        run_delay_delta: Some(Duration::ZERO),
        process_cpu_cores: Some(cpu),
        ..waiting_for_the_gil()
    };
    policy.decide(&Observation {
        lock_wait_delta: Duration::from_micros(1),
        ..quiet(MS, 0.95)
    });
    let d = policy.decide(&quiet(2 * MS, 0.95));
    assert_eq!(d.action, Action::Hold, "{d}");
    assert!(d.reason.contains("shared lock"), "{d}");
    // Well under a core for a while, the lock is free: Little's law, 2 × 1.5 × 4 = 12.
    let d = policy.decide(&quiet(3 * MS + 4 * LOCK_CPU_SMOOTHING, 0.6));
    assert!(matches!(d.action, Action::Grow(_)), "{d}");
}

#[test]
fn a_contended_lock_vetoes_growth_on_a_busy_machine() {
    // Long pure-Python calls report a quarter of their busy time as lock waits, under the
    // contention veto; other processes leave this one a third of a core. Without the lock
    // rule, Little's law would give 2 × 1.5 × 3 = 9 threads.
    let obs = Observation {
        lock_wait_delta: MS,
        run_delay_delta: Some(MS),
        process_cpu_cores: Some(0.3),
        ..waiting_for_the_gil()
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
    assert!(d.reason.contains("shared lock"), "{d}");
}

#[test]
fn workers_waiting_for_the_lock_inside_a_call_are_not_made_up_for() {
    // Three of four workers sleep inside their calls waiting for the GIL, so the sampler
    // counts them as stuck; in a pool without lock waits each would get a replacement.
    let obs = Observation {
        blocked_workers: 3,
        ..waiting_for_the_gil()
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
    let unreported = Observation {
        blocked_workers: 3,
        lock_wait_delta: Duration::ZERO,
        run_delay_delta: Some(Duration::ZERO),
        ..waiting_for_the_gil()
    };
    assert!(target_after(&unreported) >= 7);
}

#[test]
fn lock_waits_before_the_cpu_is_known_hold() {
    // The first ticks: the workers wait behind the thread submitting to them, and the
    // process CPU window has not passed yet.
    let obs = Observation {
        process_cpu_cores: None,
        ..waiting_for_the_gil()
    };
    let d = DefaultPolicy::new().decide(&obs);
    assert_eq!(d.action, Action::Hold, "{d}");
}

#[test]
fn occasional_lock_waits_of_sleeping_callables_do_not_stop_growth() {
    // Callables that sleep release the GIL: their waits for it are a per cent of their busy
    // time. Clearly blocked, its own ratio 99 once
    // the wait is left out: 2 × 99 × 3 = 594, within the tasks present.
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(40)),
        lock_wait_delta: Duration::from_micros(40),
        run_delay_delta: Some(Duration::from_micros(40)),
        process_cpu_cores: Some(0.05),
        queued: 1_000,
        max_threads: 1_024,
        ..base()
    };
    assert_eq!(target_after(&obs), 594);
    // Nor does native code that releases the GIL and keeps both cores busy.
    let native = Observation {
        process_cpu_cores: Some(1.9),
        ..obs
    };
    assert_eq!(target_after(&native), 594);
}

#[test]
fn sleeping_callables_behind_a_submitter_holding_the_lock_grow() {
    // A Python thread submits 20 000 sleeping callables, holding the GIL between submissions:
    // the four workers spend an eighth of their busy time waiting for it (enough for the lock
    // rule), and the process uses one core (the submitter). Once the waits are taken out, the
    // calls sleep 99 % of the time, which more threads sleep side by side:
    // 2 × 3 × 175 = 1 050, capped at 512. (Measured in Python before this rule: the first
    // growth came 155–178 ms after the first submission, once the submitting had ended.)
    let obs = Observation {
        cpu_delta: Some(Duration::from_micros(20)),
        lock_wait_delta: MS / 2,
        run_delay_delta: Some(MS / 2),
        process_cpu_cores: Some(1.0),
        queued: 19_000,
        ..base()
    };
    assert_eq!(target_after(&obs), 512);
    // The same waits with calls that compute (busy per CPU 3.5 once the waits are out) are
    // the lock's: held.
    let computing = Observation {
        cpu_delta: Some(MS),
        ..obs
    };
    let d = DefaultPolicy::new().decide(&computing);
    assert_eq!(d.action, Action::Hold, "{d}");
    assert!(d.reason.contains("shared lock"), "{d}");
}

#[test]
fn pools_that_never_report_lock_waits_ignore_the_lock_rule() {
    // Blocked work at one core, nothing reported: Little's law as ever (2 × 4 × 1.5 = 12).
    let obs = Observation {
        cpu_delta: Some(MS),
        process_cpu_cores: Some(1.0),
        ..base()
    };
    assert_eq!(target_after(&obs), 12);
}

#[test]
fn a_stuck_worker_is_compensated() {
    // The other workers are CPU-bound: without the stuck one the pool would hold at 4.
    let obs = Observation {
        blocked_workers: 1,
        cpu_delta: Some(4 * MS),
        ..base()
    };
    assert_eq!(target_after(&obs), 5);
}

#[test]
fn without_cpu_clocks_it_doubles_while_there_is_demand() {
    let obs = Observation {
        cpu_delta: None,
        run_delay_delta: None,
        ..base()
    };
    assert_eq!(target_after(&obs), 4, "waits for a first measurement");
    let later = Observation {
        now: BLIND_AFTER,
        ..obs
    };
    assert_eq!(target_after(&later), 8);
}

#[test]
fn without_demand_it_waits_then_shrinks_to_what_busy_workers_need() {
    let mut policy = DefaultPolicy::new();
    let busy = Observation {
        current_threads: 100,
        target: 100,
        busy_workers: 100,
        cpu_delta: Some(Duration::ZERO),
        ..base()
    };
    policy.decide(&busy);
    // Load stops: everything idle, queue empty.
    let mut now = busy.now;
    let mut target = 100;
    let mut saw_grace = false;
    for _ in 0..(IDLE_GRACE.as_millis() + 300) {
        now += MS;
        let idle = Observation {
            now,
            target,
            current_threads: target,
            idle_threads: target,
            busy_workers: 0,
            queued: 0,
            busy_delta: Duration::ZERO,
            ..base()
        };
        let d = policy.decide(&idle);
        if now < IDLE_GRACE {
            assert_eq!(d.action, Action::Hold, "waits out the grace period: {d}");
            saw_grace = true;
        }
        target = d.apply(target, idle.min_threads, idle.max_threads);
    }
    assert!(saw_grace);
    assert_eq!(target, 4, "back to min_threads after the load stops");
}

#[test]
fn decisions_name_their_reason() {
    let d = DefaultPolicy::new().decide(&base());
    assert!(!d.reason.is_empty());
    assert_eq!(DefaultPolicy::new().name(), "default");
}

/// An arbitrary observation of a pool with demand.
fn observation() -> impl Strategy<Value = Observation> {
    (
        1usize..64,    // min
        0usize..512,   // extra to max
        0usize..600,   // target offset
        1usize..16,    // cores
        0u64..1_000,   // busy ms
        0u64..1_000,   // cpu ms
        0u64..1_000,   // run delay ms
        0usize..1_000, // queued
        0usize..4,     // blocked
        0.0f64..16.0,  // process cpu cores
    )
        .prop_map(
            |(min, extra, t, cores, busy, cpu, delay, queued, blocked, pcpu)| {
                let max = min + extra;
                let target = (min + t).min(max);
                Observation {
                    now: MS,
                    window: MS,
                    current_threads: target,
                    target,
                    min_threads: min,
                    max_threads: max,
                    busy_workers: target,
                    queued,
                    cores,
                    busy_delta: Duration::from_millis(busy),
                    cpu_delta: Some(Duration::from_millis(cpu.min(busy))),
                    run_delay_delta: Some(Duration::from_millis(delay.min(busy - cpu.min(busy)))),
                    blocked_workers: blocked,
                    process_cpu_cores: Some(pcpu),
                    ..Observation::default()
                }
            },
        )
}

proptest! {
    #[test]
    fn the_target_stays_within_bounds(obs in observation()) {
        let t = target_after(&obs);
        prop_assert!(t >= obs.min_threads && t <= obs.max_threads, "{t} outside [{}, {}]", obs.min_threads, obs.max_threads);
    }

    #[test]
    fn no_growth_while_contention_is_high(obs in observation()) {
        let mut obs = obs;
        // Make at least a quarter of the busy time run-queue delay.
        let busy = obs.busy_delta.max(MS);
        obs.busy_delta = busy;
        obs.cpu_delta = Some(busy / 2);
        obs.run_delay_delta = Some(busy / 2);
        obs.blocked_workers = 0;
        let d = DefaultPolicy::new().decide(&obs);
        prop_assert!(!matches!(d.action, Action::Grow(_)), "{d}");
    }

    #[test]
    fn the_target_never_falls_as_beta_true_rises(obs in observation(), less_cpu in 0u64..1_000, less_delay in 0u64..1_000) {
        // Same pool, same busy time; less CPU and less run-queue delay means a higher β_true.
        let mut more_blocked = obs.clone();
        let cpu = obs.cpu_delta.unwrap_or_default();
        let delay = obs.run_delay_delta.unwrap_or_default();
        more_blocked.cpu_delta = Some(cpu.saturating_sub(Duration::from_millis(less_cpu)));
        more_blocked.run_delay_delta = Some(delay.saturating_sub(Duration::from_millis(less_delay)));
        prop_assert!(more_blocked.beta_true() >= obs.beta_true());
        prop_assert!(target_after(&more_blocked) >= target_after(&obs),
            "β_true {:?} → {} but {:?} → {}", obs.beta_true(), target_after(&obs), more_blocked.beta_true(), target_after(&more_blocked));
    }
}
