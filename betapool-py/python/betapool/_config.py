"""The seed's controller configuration and state, as dataclasses with its names and defaults."""

from dataclasses import dataclass, field
from typing import List


@dataclass
class ControllerConfig:
    """How the adaptive controller decides; the seed's nine fields and defaults.

    The Rust controller validates them when an executor is built and raises ``ValueError``
    naming the field at fault. The seed's thresholds steer the seed's policy; this package's
    default policy reads the same pool without them (see the README).
    """

    monitor_interval_sec: float = 0.5
    beta_high_threshold: float = 0.7
    beta_low_threshold: float = 0.3
    scale_up_step: int = 2
    scale_down_step: int = 1
    cpu_upper_threshold: float = 85.0
    cpu_lower_threshold: float = 50.0
    stabilization_window_sec: float = 2.0
    warmup_task_count: int = 10


@dataclass
class ControllerState:
    """A snapshot of the controller's state, as the seed keeps it."""

    current_threads: int = 0
    last_scale_time: float = 0.0
    scale_up_count: int = 0
    scale_down_count: int = 0
    decisions: List[dict] = field(default_factory=list)
