"""The seed's public API: names, defaults, dict keys, and the concurrent.futures contract."""

import asyncio
import concurrent.futures as cf
import threading
import time

import pytest

import betapool
from betapool import (
    AdaptiveThreadPoolExecutor,
    AggregatedMetrics,
    ControllerConfig,
    ControllerState,
    MetricsCollector,
    StaticThreadPoolExecutor,
    TaskMetrics,
)

METRIC_KEYS = {
    "current_threads", "min_workers", "max_workers", "total_tasks", "avg_blocking_ratio",
    "throughput", "p50_latency", "p99_latency", "scale_up_count", "scale_down_count",
}


def test_version_and_all():
    assert betapool.__version__ == "1.0.0"
    for name in betapool.__all__:
        assert hasattr(betapool, name), name


def test_controller_config_defaults():
    c = ControllerConfig()
    assert (c.monitor_interval_sec, c.beta_high_threshold, c.beta_low_threshold) == (0.5, 0.7, 0.3)
    assert (c.scale_up_step, c.scale_down_step) == (2, 1)
    assert (c.cpu_upper_threshold, c.cpu_lower_threshold) == (85.0, 50.0)
    assert (c.stabilization_window_sec, c.warmup_task_count) == (2.0, 10)
    assert ControllerState().decisions == []


def test_executor_defaults_and_attributes():
    with AdaptiveThreadPoolExecutor() as ex:
        assert (ex.min_workers, ex.max_workers) == (4, 64)
        assert ex.config == ControllerConfig()
        assert 4 <= ex.get_current_thread_count() <= 64
    with StaticThreadPoolExecutor() as ex:
        assert ex.get_current_thread_count() == 4


@pytest.mark.parametrize("make", [
    lambda: AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8),
    lambda: StaticThreadPoolExecutor(workers=3),
])
def test_futures_contract(make):
    with make() as ex:
        assert isinstance(ex, cf.Executor)
        f = ex.submit(lambda a, b=0: a + b, 1, b=2)
        assert isinstance(f, cf.Future)
        assert f.result(timeout=10) == 3
        futures = [ex.submit(time.sleep, 0.001) for _ in range(20)]
        assert len(list(cf.as_completed(futures, timeout=10))) == 20
        done, not_done = cf.wait(futures, timeout=10)
        assert len(done) == 20 and not not_done
        assert list(ex.map(lambda x, y: x * y, range(50), range(50), chunksize=4)) == [
            x * x for x in range(50)
        ]

        async def main():
            return await asyncio.wrap_future(ex.submit(lambda: "async"))

        assert asyncio.run(main()) == "async"


def test_metrics_keys_counts_and_initial_beta():
    with AdaptiveThreadPoolExecutor(min_workers=2, max_workers=4) as ex:
        m = ex.get_metrics()
        assert METRIC_KEYS <= set(m)
        assert m["avg_blocking_ratio"] == 0.5
        assert m["total_tasks"] == 0
        for i in range(30):
            ex.submit(lambda: None).result()
            # Counted by the time the future resolved.
            assert ex.get_metrics()["total_tasks"] == i + 1
        assert 0.0 <= ex.get_metrics()["avg_blocking_ratio"] <= 1.0
    with StaticThreadPoolExecutor(workers=2) as ex:
        ex.submit(time.sleep, 0.01).result()
        m = ex.get_metrics()
        assert METRIC_KEYS <= set(m)
        assert m["current_threads"] == 2 and m["total_tasks"] == 1
        assert m["avg_blocking_ratio"] > 0.5


def test_cancel_while_queued():
    with StaticThreadPoolExecutor(workers=1) as ex:
        gate = threading.Event()
        first = ex.submit(gate.wait, 10)
        queued = ex.submit(lambda: "never")
        assert queued.cancel()
        gate.set()
        assert first.result(timeout=10) is True
        assert queued.cancelled()


def test_threading_local_survives_between_tasks():
    local = threading.local()

    def count():
        local.n = getattr(local, "n", 0) + 1
        return threading.get_ident(), local.n

    with StaticThreadPoolExecutor(workers=2) as ex:
        results = [ex.submit(count).result() for _ in range(20)]
    per_thread = {}
    for ident, n in results:
        per_thread[ident] = max(per_thread.get(ident, 0), n)
    assert sum(per_thread.values()) == 20


def test_history_and_experiment_log_keys():
    config = ControllerConfig(monitor_interval_sec=0.05, stabilization_window_sec=0.1,
                              warmup_task_count=1)
    with AdaptiveThreadPoolExecutor(min_workers=2, max_workers=16, config=config) as ex:
        list(ex.map(time.sleep, [0.005] * 200))
        time.sleep(0.25)
        log = ex.get_experiment_log()
        history = ex.get_decision_history()
    assert log, "the experiment log has a row every 100 ms"
    assert {"timestamp", "threads", "blocking_ratio", "beta_true", "contention"} <= set(log[0])
    for d in history:
        assert {"timestamp", "threads_before", "threads_after", "blocking_ratio",
                "cpu_percent", "decision", "beta_true", "contention"} <= set(d)
        assert isinstance(d["blocking_ratio"], float)


def test_metrics_collector():
    c = MetricsCollector()
    assert c.get_recent_blocking_ratio() == 0.5
    assert c.total_tasks == 0
    c.record(TaskMetrics(task_id=1, wall_time=0.1, cpu_time=0.02, timestamp=100.0))
    c.record(TaskMetrics(task_id=2, wall_time=0.1, cpu_time=0.06, timestamp=101.0))
    assert c.total_tasks == 2
    assert abs(c.get_recent_blocking_ratio() - 0.6) < 1e-9
    assert c.get_blocking_ratio_std() > 0
    assert c.get_throughput() > 0
    assert set(c.get_latency_percentiles()) == {"p50", "p95", "p99"}
    agg = c.get_aggregated_metrics()
    assert isinstance(agg, AggregatedMetrics) and agg.sample_count == 2
    rows = c.export_to_list()
    assert rows[0]["task_id"] == 1 and set(rows[0]) == set(TaskMetrics(1, 1.0, 0.5).to_dict())
    c.reset()
    assert c.get_recent_blocking_ratio() == 0.5


def test_task_metrics_clamps_beta():
    assert TaskMetrics(task_id=1, wall_time=1.0, cpu_time=2.0).blocking_ratio == 0.0
    assert TaskMetrics(task_id=1, wall_time=1.0, cpu_time=0.0, blocking_ratio=3.0).blocking_ratio == 1.0


def test_collector_is_thread_safe():
    c = MetricsCollector(window_size=10, max_history=100000)

    def record(k):
        for i in range(500):
            c.record(TaskMetrics(task_id=k * 1000 + i, wall_time=0.01, cpu_time=0.005))

    threads = [threading.Thread(target=record, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.total_tasks == 2000
    assert len(c.export_to_list()) == 2000


def test_run_in_thread_and_map_threads():
    async def main():
        a = await betapool.run_in_thread(lambda x: x + 1, 1)
        b = await betapool.map_threads(lambda x: x * 2, range(10))
        return a, b

    assert asyncio.run(main()) == (2, [x * 2 for x in range(10)])
