"""Task metrics: the seed's ``TaskMetrics``, ``AggregatedMetrics`` and ``MetricsCollector``,
the collector backed by betapool-metrics' rolling window (thread-safe)."""

import json
import time
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional

from ._core import CoreCollector


@dataclass
class TaskMetrics:
    """One task's measurements; ``blocking_ratio`` is clamped to [0, 1]."""

    task_id: int
    wall_time: float
    cpu_time: float
    blocking_ratio: float = 0.0
    timestamp: float = 0.0
    success: bool = True
    error_message: Optional[str] = None

    def __post_init__(self):
        if self.blocking_ratio == 0.0 and self.wall_time > 0:
            self.blocking_ratio = 1.0 - self.cpu_time / self.wall_time
        self.blocking_ratio = min(1.0, max(0.0, self.blocking_ratio))
        if not self.timestamp:
            self.timestamp = time.time()

    def to_dict(self) -> Dict:
        return asdict(self)


@dataclass
class AggregatedMetrics:
    """Everything a collector knows about its window."""

    sample_count: int = 0
    success_count: int = 0
    failure_count: int = 0
    mean_blocking_ratio: Optional[float] = None
    blocking_ratio_std: Optional[float] = None
    throughput: float = 0.0
    p50_latency: Optional[float] = None
    p95_latency: Optional[float] = None
    p99_latency: Optional[float] = None
    mean_wall_time: Optional[float] = None
    mean_cpu_time: Optional[float] = None


class MetricsCollector:
    """A rolling window of recent ``TaskMetrics`` plus a bounded history.

    ``ValueError`` for a window or history size of 0. Safe to use from many threads.
    """

    def __init__(self, window_size: int = 100, max_history: int = 10000):
        self.window_size = window_size
        self.max_history = max_history
        self._core = CoreCollector(window_size, max_history)

    @property
    def total_tasks(self) -> int:
        return self._core.total_recorded()

    def record(self, metrics: TaskMetrics) -> None:
        self._core.record(
            metrics.task_id,
            metrics.wall_time,
            metrics.cpu_time,
            metrics.blocking_ratio,
            metrics.timestamp,
            metrics.success,
            metrics.error_message,
        )

    def get_recent_blocking_ratio(self) -> float:
        beta = self._core.recent_blocking_ratio()
        return 0.5 if beta is None else beta

    def get_blocking_ratio_std(self) -> float:
        std = self._core.blocking_ratio_std()
        return 0.0 if std is None else std

    def get_throughput(self) -> float:
        return self._core.throughput()

    def get_latency_percentiles(self) -> Dict[str, float]:
        return self._core.latency_percentiles()

    def get_aggregated_metrics(self) -> AggregatedMetrics:
        return AggregatedMetrics(**json.loads(self._core.aggregated_json()))

    def reset(self) -> None:
        self._core.reset()

    def export_to_list(self) -> List[Dict]:
        rows = json.loads(self._core.export_json())
        return [
            {
                "task_id": r["task_id"],
                "wall_time": r["wall_time_s"],
                "cpu_time": r["cpu_time_s"],
                "blocking_ratio": r["blocking_ratio"],
                "timestamp": r["timestamp_s"],
                "success": r["success"],
                "error_message": r["error_message"],
            }
            for r in rows
        ]
