//! `SeedPolicy`: BetaPool's published scaling algorithm as a `DecisionPolicy`, so the
//! seed can be run as it was published, next to the better default.
//!
//! The algorithm, as the seed's documents draw it: after a warm-up of a few tasks, every
//! `monitor_interval` and no sooner than `stabilization_window` after the last resize, look
//! at the blocking ratio β = 1 − cpu/wall. Below `beta_low_threshold` the work is
//! CPU-bound and the "GIL safety veto" shrinks the pool; above `beta_high_threshold`, with
//! work waiting and the CPU below `cpu_upper_threshold`, the pool grows; otherwise it holds.

use std::time::Duration;

use super::{Action, ControllerConfig, Decision, DecisionPolicy, Observation};

/// BetaPool's scaling algorithm, step for step, with its nine settings taken from a
/// [`ControllerConfig`].
///
/// On each call to [`decide`](DecisionPolicy::decide) it holds, in this order:
///
/// 1. until `warmup_task_count` tasks have completed (`obs.completed_total`);
/// 2. until `monitor_interval` has passed since its last evaluation: the pool ticks much
///    faster than the seed's controller, which looked only every `monitor_interval`;
/// 3. until `stabilization_window` has passed since its last resize;
/// 4. when the seed's β ([`Observation::naive_beta`]) is unknown this tick.
///
/// Then, with β known (each of these is an evaluation, and starts a new
/// `monitor_interval`):
///
/// 5. β < `beta_low_threshold`: the seed's "GIL safety veto" shrinks by `scale_down_step`;
/// 6. β > `beta_high_threshold`, tasks waiting (`obs.queued > 0`, as in the seed's README)
///    and CPU ([`Observation::cpu_percent`]; unknown counts as low, as in the seed without
///    psutil) below `cpu_upper_threshold`: grows by `scale_up_step`;
/// 7. β > `beta_high_threshold` but CPU at or above `cpu_upper_threshold`: holds, CPU
///    saturated;
/// 8. otherwise holds.
///
/// Like the seed it never looks at `cpu_lower_threshold`: the published decision flow has
/// no branch for it. It does not clamp to the pool's bounds either ([`Decision::apply`]
/// does that), but it holds instead of growing at `max_threads` or shrinking at
/// `min_threads`, so that the decision history only records resizes that happen. Such a
/// hold does not restart the stabilization window; a resize does.
///
/// It is pure: time comes from `obs.now`, and the same observations always give the same
/// decisions.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_core::controller::{Action, DecisionPolicy, Observation, SeedPolicy};
///
/// let mut policy = SeedPolicy::default();
/// // Workers spent 90 % of their busy time blocked, tasks are waiting, the CPU is idle.
/// let io_bound = Observation {
///     now: Duration::from_secs(1),
///     current_threads: 4,
///     min_threads: 4,
///     max_threads: 64,
///     queued: 20,
///     completed_total: 100,
///     busy_delta: Duration::from_secs(1),
///     cpu_delta: Some(Duration::from_millis(100)),
///     system_cpu_percent: Some(20.0),
///     ..Observation::default()
/// };
/// let decision = policy.decide(&io_bound);
/// assert_eq!(decision.action, Action::Grow(2));
/// assert_eq!(decision.apply(4, 4, 64), 6);
///
/// // Half a second later it is time to evaluate again, but the pool only just grew.
/// let later = Observation { now: Duration::from_millis(1_500), ..io_bound };
/// assert_eq!(policy.decide(&later).action, Action::Hold);
/// assert_eq!(policy.name(), "seed");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SeedPolicy {
    config: ControllerConfig,
    /// `obs.now` of the last evaluation (step 4 onwards), which starts a monitor interval.
    last_evaluation: Option<Duration>,
    /// `obs.now` of the last grow or shrink, which starts a stabilization window.
    last_scaling: Option<Duration>,
}

impl SeedPolicy {
    /// The seed's algorithm with these settings.
    ///
    /// The config is used as given: validating it is the caller's job (the pool's builder
    /// calls [`ControllerConfig::validate`]). An unvalidated config cannot make the policy
    /// panic, but thresholds in the wrong order give a policy that makes little sense.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{ControllerConfig, SeedPolicy};
    ///
    /// // The seed's "CPU-heavy" preset.
    /// let config = ControllerConfig::default()
    ///     .beta_high_threshold(0.6)
    ///     .beta_low_threshold(0.2)
    ///     .scale_up_step(1)
    ///     .scale_down_step(2);
    /// config.validate().expect("the preset is valid");
    /// let policy = SeedPolicy::new(config);
    /// assert_eq!(policy.config().scale_down_step, 2);
    /// ```
    #[must_use]
    pub fn new(config: ControllerConfig) -> SeedPolicy {
        SeedPolicy {
            config,
            last_evaluation: None,
            last_scaling: None,
        }
    }

    /// The settings this policy runs with.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{ControllerConfig, SeedPolicy};
    ///
    /// assert_eq!(SeedPolicy::default().config(), &ControllerConfig::default());
    /// ```
    #[must_use]
    pub fn config(&self) -> &ControllerConfig {
        &self.config
    }

    /// Steps 5 to 8, on a known β.
    fn evaluate(&self, obs: &Observation, beta: f64) -> Decision {
        let c = &self.config;
        if beta < c.beta_low_threshold {
            if obs.current_threads <= obs.min_threads {
                return Decision::hold(format!(
                    "GIL safety veto: β {beta:.2} < {}, but already at min_threads ({})",
                    c.beta_low_threshold, obs.min_threads
                ));
            }
            return Decision::shrink(
                c.scale_down_step,
                format!("GIL safety veto: β {beta:.2} < {}", c.beta_low_threshold),
            );
        }
        if beta <= c.beta_high_threshold {
            return Decision::hold(format!(
                "β {beta:.2} between {} and {}",
                c.beta_low_threshold, c.beta_high_threshold
            ));
        }
        // A NaN percentage (only a hand-built observation can carry one) is no reading at
        // all, so it is treated like a missing one.
        let cpu = obs.cpu_percent().filter(|p| !p.is_nan());
        if let Some(cpu) = cpu
            && cpu >= c.cpu_upper_threshold
        {
            return Decision::hold(format!(
                "CPU saturated: β {beta:.2} > {}, but CPU {cpu:.0}% ≥ {}%",
                c.beta_high_threshold, c.cpu_upper_threshold
            ));
        }
        if obs.queued == 0 {
            return Decision::hold(format!(
                "β {beta:.2} > {}, but no work waiting",
                c.beta_high_threshold
            ));
        }
        if obs.current_threads >= obs.max_threads {
            return Decision::hold(format!(
                "β {beta:.2} > {}, but already at max_threads ({})",
                c.beta_high_threshold, obs.max_threads
            ));
        }
        let cpu = match cpu {
            Some(cpu) => format!("CPU {cpu:.0}% < {}%", c.cpu_upper_threshold),
            None => "CPU unknown".to_owned(),
        };
        Decision::grow(
            c.scale_up_step,
            format!(
                "β {beta:.2} > {}, {} queued, {cpu}",
                c.beta_high_threshold, obs.queued
            ),
        )
    }
}

impl Default for SeedPolicy {
    /// The seed's algorithm with the seed's defaults ([`ControllerConfig::default`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{ControllerConfig, SeedPolicy};
    ///
    /// assert_eq!(SeedPolicy::default(), SeedPolicy::new(ControllerConfig::default()));
    /// ```
    fn default() -> SeedPolicy {
        SeedPolicy::new(ControllerConfig::default())
    }
}

impl DecisionPolicy for SeedPolicy {
    fn decide(&mut self, obs: &Observation) -> Decision {
        let c = &self.config;
        // 1. The first β would be measured over almost no work.
        if obs.completed_total < c.warmup_task_count {
            return Decision::hold(format!(
                "warm-up: {} of {} tasks",
                obs.completed_total, c.warmup_task_count
            ));
        }
        // 2. `saturating_sub` makes a clock that went backwards read as "no time passed",
        // so a bad observation delays the policy instead of panicking it.
        if let Some(last) = self.last_evaluation
            && obs.now.saturating_sub(last) < c.monitor_interval
        {
            return Decision::hold("between evaluations");
        }
        // 3.
        if let Some(last) = self.last_scaling
            && obs.now.saturating_sub(last) < c.stabilization_window
        {
            return Decision::hold("stabilizing");
        }
        // 4. From here on this call is an evaluation, whatever it decides.
        self.last_evaluation = Some(obs.now);
        let Some(beta) = obs.naive_beta() else {
            return Decision::hold("β unknown: no CPU time or no busy time this tick");
        };
        let decision = self.evaluate(obs, beta);
        if decision.action != Action::Hold {
            self.last_scaling = Some(obs.now);
        }
        decision
    }

    fn name(&self) -> &str {
        "seed"
    }
}

#[cfg(test)]
mod tests;
