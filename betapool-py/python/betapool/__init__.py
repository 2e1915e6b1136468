"""betapool: adaptive thread pools for Python that tell the GIL from I/O, on Rust pools.

The seed's API (BetaPool 1.0): ``AdaptiveThreadPoolExecutor`` and
``StaticThreadPoolExecutor`` (both ``concurrent.futures.Executor``), ``ControllerConfig``,
``ControllerState``, ``TaskMetrics``, ``AggregatedMetrics``, ``MetricsCollector``,
``WorkloadGenerator``, ``PoissonArrivalGenerator``, ``BurstArrivalGenerator``; seed 003's
``run_in_thread`` / ``map_threads`` awaitables (on the package's shared adaptive executor);
and seed 004's ``ThreadPoolManager`` (named pools with their stats).
"""

from ._config import ControllerConfig, ControllerState
from ._executor import AdaptiveThreadPoolExecutor, StaticThreadPoolExecutor
from .aio import map_threads, run_in_thread, shared_executor
from .manager import ThreadPoolManager
from .metrics import AggregatedMetrics, MetricsCollector, TaskMetrics
from .workloads import BurstArrivalGenerator, PoissonArrivalGenerator, WorkloadGenerator

__version__ = "1.0.0"

__all__ = [
    "AdaptiveThreadPoolExecutor",
    "StaticThreadPoolExecutor",
    "ControllerConfig",
    "ControllerState",
    "TaskMetrics",
    "AggregatedMetrics",
    "MetricsCollector",
    "WorkloadGenerator",
    "PoissonArrivalGenerator",
    "BurstArrivalGenerator",
    "run_in_thread",
    "map_threads",
    "shared_executor",
    "ThreadPoolManager",
    "__version__",
]
