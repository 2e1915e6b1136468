"""The seed's usage guide (BetaPool's Usage.md), its examples as written. Where an example
uses names it never defines (`task`, `args`), they are defined first; the arrival-pattern
example runs for 1 s instead of 30 s."""

import csv
import os
import time

import pytest

from betapool import (
    AdaptiveThreadPoolExecutor,
    BurstArrivalGenerator,
    ControllerConfig,
    PoissonArrivalGenerator,
    StaticThreadPoolExecutor,
    WorkloadGenerator,
)
import betapool


def task(arg=0):
    time.sleep(0.001)
    return arg


args = list(range(20))


def test_verify_installation():
    assert betapool.__version__ == "1.0.0"


def test_simple_task_execution():
    def process_item(item):
        return item * 2

    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32) as executor:
        future = executor.submit(process_item, 42)
        result = future.result()
        assert result == 84


def test_batch_processing_with_map():
    def process_data(x):
        import time
        time.sleep(0.01)
        return x ** 2

    data = list(range(100))
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32) as executor:
        results = list(executor.map(process_data, data))
    assert results == [x ** 2 for x in data]


def test_mixed_workload():
    import math

    def io_task():
        time.sleep(0.05)
        return "io_done"

    def cpu_task():
        result = 0.0
        for i in range(100000):
            result += math.sin(i)
        return result

    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        futures = []
        for i in range(50):
            if i % 2 == 0:
                futures.append(executor.submit(io_task))
            else:
                futures.append(executor.submit(cpu_task))
        results = [f.result() for f in futures]
        metrics = executor.get_metrics()
        print(f"Blocking ratio: {metrics['avg_blocking_ratio']:.2f}")
    assert results.count("io_done") == 25


def test_configuration_and_presets():
    config = ControllerConfig(
        monitor_interval_sec=0.5, beta_high_threshold=0.7, beta_low_threshold=0.3,
        scale_up_step=2, scale_down_step=1, cpu_upper_threshold=85.0,
        cpu_lower_threshold=50.0, stabilization_window_sec=2.0, warmup_task_count=10,
    )
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64, config=config) as executor:
        pass
    presets = [
        ControllerConfig(beta_high_threshold=0.8, beta_low_threshold=0.4, scale_up_step=4,
                         scale_down_step=1),
        ControllerConfig(beta_high_threshold=0.6, beta_low_threshold=0.2, scale_up_step=1,
                         scale_down_step=2),
        ControllerConfig(monitor_interval_sec=0.2, stabilization_window_sec=1.0,
                         warmup_task_count=5),
        ControllerConfig(warmup_task_count=20),
        ControllerConfig(monitor_interval_sec=0.2, stabilization_window_sec=0.5,
                         warmup_task_count=5),
        ControllerConfig(stabilization_window_sec=5.0, scale_up_step=1, scale_down_step=1),
    ]
    for preset in presets:
        AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64, config=preset).shutdown()


def test_monitoring_history_and_experiment_log(tmp_path, capsys):
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        futures = [executor.submit(task, arg) for arg in args]
        metrics = executor.get_metrics()
        print(f"Current threads: {metrics['current_threads']}")
        print(f"Min workers: {metrics['min_workers']}")
        print(f"Max workers: {metrics['max_workers']}")
        print(f"Total tasks: {metrics['total_tasks']}")
        print(f"Avg blocking ratio: {metrics['avg_blocking_ratio']:.3f}")
        print(f"Throughput: {metrics['throughput']:.1f} tasks/sec")
        print(f"P50 latency: {metrics['p50_latency']*1000:.1f} ms")
        print(f"P99 latency: {metrics['p99_latency']*1000:.1f} ms")
        print(f"Scale up count: {metrics['scale_up_count']}")
        print(f"Scale down count: {metrics['scale_down_count']}")
        for f in futures:
            f.result()
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        for _ in range(100):
            executor.submit(task)
        history = executor.get_decision_history()
        for decision in history:
            print(f"Time: {decision['timestamp']:.2f}")
            print(f"  Threads: {decision['threads_before']} -> {decision['threads_after']}")
            print(f"  Blocking ratio: {decision['blocking_ratio']:.3f}")
            print(f"  CPU: {decision['cpu_percent']:.1f}%")
            print(f"  Decision: {decision['decision']}")
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        futures = [executor.submit(task, arg) for arg in args]
        for f in futures:
            f.result()
        time.sleep(0.15)
        log = executor.get_experiment_log()
        path = tmp_path / "experiment_log.csv"
        with open(path, "w", newline="") as f:
            if log:
                writer = csv.DictWriter(f, fieldnames=log[0].keys())
                writer.writeheader()
                writer.writerows(log)
    assert log and path.read_text().startswith("timestamp")
    assert "Total tasks:" in capsys.readouterr().out


def test_workload_generators():
    io_task = WorkloadGenerator.io_task(duration_ms=50.0)
    cpu_task = WorkloadGenerator.cpu_task_python(iterations=100000)
    numpy_task = WorkloadGenerator.cpu_task_numpy(matrix_size=100)
    mixed_task = WorkloadGenerator.mixed_task(io_duration_ms=50.0, cpu_iterations=10000)
    fib_task = WorkloadGenerator.fibonacci_task(n=20)
    var_task = WorkloadGenerator.variable_latency_task(min_ms=10.0, max_ms=100.0,
                                                       cpu_fraction=0.2)
    assert io_task() == "io_done" and mixed_task() == "mixed_done"
    assert isinstance(cpu_task(), float) and fib_task() == 6765
    numpy_task()
    assert 0.01 <= var_task() <= 0.1


def test_rag_pipeline():
    rag_task = WorkloadGenerator.rag_pipeline_task(
        network_latency_ms=10.0, vector_db_latency_ms=200.0, llm_latency_ms=500.0,
        tokenization_iterations=10000, reranking_iterations=20000,
    )
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32) as executor:
        futures = [executor.submit(rag_task) for _ in range(10)]
        results = [f.result() for f in futures]
        for result in results:
            print(f"Stages: {result['stages']}")
    assert len(results) == 10


def test_arrival_patterns():
    poisson = PoissonArrivalGenerator(rate_per_second=50.0)
    bursty = BurstArrivalGenerator(burst_rate_per_second=100.0, quiet_rate_per_second=10.0,
                                   burst_duration_sec=5.0, quiet_duration_sec=10.0)
    assert bursty.is_burst_phase()
    task = WorkloadGenerator.io_task(duration_ms=20.0)
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32) as executor:
        end_time = time.time() + 1.0
        while time.time() < end_time:
            poisson.wait_for_next_arrival()
            executor.submit(task)


def test_comparison_with_static_pool():
    def benchmark(executor_class, **kwargs):
        start = time.time()
        with executor_class(**kwargs) as executor:
            futures = [executor.submit(task, arg) for arg in args]
            results = [f.result() for f in futures]
            metrics = executor.get_metrics()
        elapsed = time.time() - start
        return elapsed, metrics

    adaptive_time, adaptive_metrics = benchmark(AdaptiveThreadPoolExecutor, min_workers=4,
                                                max_workers=64)
    static_time, static_metrics = benchmark(StaticThreadPoolExecutor, workers=32)
    print(f"Adaptive: {adaptive_time:.2f}s, throughput={adaptive_metrics['throughput']:.1f}")
    print(f"Static: {static_time:.2f}s, throughput={static_metrics['throughput']:.1f}")
    assert adaptive_metrics["total_tasks"] == static_metrics["total_tasks"] == len(args)


def test_manual_shutdown_and_exceptions():
    executor = AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32)
    try:
        futures = [executor.submit(task, arg) for arg in args]
        results = [f.result() for f in futures]
    finally:
        executor.shutdown(wait=True)
    assert results == args
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32) as executor:
        futures = [executor.submit(task, arg) for arg in args]
        for future in futures:
            try:
                future.result(timeout=30.0)
            except TimeoutError:
                print("Task timed out")
            except Exception as e:
                print(f"Task failed: {e}")


def test_best_practices_and_logging():
    import logging
    logging.basicConfig(level=logging.DEBUG)
    min_workers = os.cpu_count() or 4
    max_workers = min_workers * 4
    AdaptiveThreadPoolExecutor(min_workers=min_workers, max_workers=max_workers).shutdown()
    AdaptiveThreadPoolExecutor(min_workers=4, max_workers=32, enable_logging=True).shutdown()
    AdaptiveThreadPoolExecutor(min_workers=2, max_workers=16).shutdown()
