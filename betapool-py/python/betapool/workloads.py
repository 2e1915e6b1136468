"""The seed's workload generators and arrival processes. They are Python workloads (the point
is to run Python callables), so they are written in Python."""

import math
import random
import time
from typing import Any, Callable, Dict, Optional


class WorkloadGenerator:
    """Factories of task callables, each returning a value describing what it did."""

    @staticmethod
    def io_task(duration_ms: float = 50.0) -> Callable[[], str]:
        """Sleeps ``duration_ms`` (releases the GIL, like a network call)."""

        def task() -> str:
            time.sleep(duration_ms / 1000.0)
            return "io_done"

        return task

    @staticmethod
    def cpu_task_python(iterations: int = 100000) -> Callable[[], float]:
        """Pure-Python arithmetic that holds the GIL."""

        def task() -> float:
            result = 0.0
            for i in range(iterations):
                result += math.sin(i)
            return result

        return task

    @staticmethod
    def cpu_task_numpy(matrix_size: int = 100) -> Callable[[], float]:
        """A matrix product in NumPy (releases the GIL); pure Python if NumPy is missing."""

        def task() -> float:
            try:
                import numpy as np
            except ImportError:
                m = [[float(i * matrix_size + j) for j in range(matrix_size)]
                     for i in range(matrix_size)]
                return sum(sum(a * b for a, b in zip(row, m[0])) for row in m)
            a = np.random.rand(matrix_size, matrix_size)
            return float((a @ a).sum())

        return task

    @staticmethod
    def mixed_task(io_duration_ms: float = 50.0, cpu_iterations: int = 10000) -> Callable[[], str]:
        """A sleep followed by pure-Python work."""
        io = WorkloadGenerator.io_task(io_duration_ms)
        cpu = WorkloadGenerator.cpu_task_python(cpu_iterations)

        def task() -> str:
            io()
            cpu()
            return "mixed_done"

        return task

    @staticmethod
    def fibonacci_task(n: int = 30) -> Callable[[], int]:
        """Naive recursive Fibonacci: holds the GIL throughout."""

        def fib(k: int) -> int:
            return k if k < 2 else fib(k - 1) + fib(k - 2)

        return lambda: fib(n)

    @staticmethod
    def variable_latency_task(
        min_ms: float = 10.0, max_ms: float = 100.0, cpu_fraction: float = 0.2,
        seed: Optional[int] = None,
    ) -> Callable[[], float]:
        """A random duration between ``min_ms`` and ``max_ms``, ``cpu_fraction`` of it spent
        computing and the rest asleep."""
        rng = random.Random(seed)

        def task() -> float:
            total = rng.uniform(min_ms, max_ms) / 1000.0
            end = time.perf_counter() + total * cpu_fraction
            x = 0.0
            while time.perf_counter() < end:
                x += math.sqrt(12345.678)
            time.sleep(total * (1.0 - cpu_fraction))
            return total

        return task

    @staticmethod
    def rag_pipeline_task(
        network_latency_ms: float = 10.0,
        vector_db_latency_ms: float = 200.0,
        llm_latency_ms: float = 500.0,
        tokenization_iterations: int = 10000,
        reranking_iterations: int = 20000,
    ) -> Callable[[], Dict[str, Any]]:
        """A RAG request: receive, tokenize, vector search, rerank, LLM call."""
        tokenize = WorkloadGenerator.cpu_task_python(tokenization_iterations)
        rerank = WorkloadGenerator.cpu_task_python(reranking_iterations)

        def task() -> Dict[str, Any]:
            start = time.perf_counter()
            time.sleep(network_latency_ms / 1000.0)
            tokenize()
            time.sleep(vector_db_latency_ms / 1000.0)
            rerank()
            time.sleep(llm_latency_ms / 1000.0)
            return {
                "stages": ["network", "tokenization", "vector_db", "reranking", "llm"],
                "total_time": time.perf_counter() - start,
            }

        return task


class PoissonArrivalGenerator:
    """Arrivals of a Poisson process at ``rate_per_second`` (exponential gaps)."""

    def __init__(self, rate_per_second: float, seed: Optional[int] = None):
        if not rate_per_second > 0:
            raise ValueError(f"rate_per_second must be > 0, got {rate_per_second!r}")
        self.rate_per_second = rate_per_second
        self._rng = random.Random(seed)

    def get_inter_arrival_time(self) -> float:
        """Seconds until the next arrival."""
        return self._rng.expovariate(self.rate_per_second)

    def wait_for_next_arrival(self) -> None:
        """Sleeps until the next arrival."""
        time.sleep(self.get_inter_arrival_time())


class BurstArrivalGenerator:
    """Poisson arrivals that alternate between a burst rate and a quiet rate."""

    def __init__(
        self,
        burst_rate_per_second: float,
        quiet_rate_per_second: float,
        burst_duration_sec: float,
        quiet_duration_sec: float,
        seed: Optional[int] = None,
    ):
        for name, value in (
            ("burst_rate_per_second", burst_rate_per_second),
            ("quiet_rate_per_second", quiet_rate_per_second),
            ("burst_duration_sec", burst_duration_sec),
            ("quiet_duration_sec", quiet_duration_sec),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be > 0, got {value!r}")
        self.burst_rate_per_second = burst_rate_per_second
        self.quiet_rate_per_second = quiet_rate_per_second
        self.burst_duration_sec = burst_duration_sec
        self.quiet_duration_sec = quiet_duration_sec
        self._rng = random.Random(seed)
        self._start = time.monotonic()

    def is_burst_phase(self) -> bool:
        """Whether the process is in a burst now (it starts with one)."""
        period = self.burst_duration_sec + self.quiet_duration_sec
        return (time.monotonic() - self._start) % period < self.burst_duration_sec

    def get_inter_arrival_time(self) -> float:
        """Seconds until the next arrival, at the current phase's rate."""
        rate = self.burst_rate_per_second if self.is_burst_phase() else self.quiet_rate_per_second
        return self._rng.expovariate(rate)

    def wait_for_next_arrival(self) -> None:
        """Sleeps until the next arrival."""
        time.sleep(self.get_inter_arrival_time())
