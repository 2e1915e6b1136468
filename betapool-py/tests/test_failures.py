"""Failure paths: bad arguments, exceptions, shutdown, and interpreter exit."""

import subprocess
import sys
import textwrap
import threading
import time
import traceback

import pytest

from betapool import AdaptiveThreadPoolExecutor, ControllerConfig, MetricsCollector, StaticThreadPoolExecutor

# Generous: the subprocess must exit, not exit fast; this only stops a hang from hanging CI.
EXIT_LIMIT_S = 60


@pytest.mark.parametrize("kwargs", [
    dict(min_workers=0, max_workers=4),
    dict(min_workers=5, max_workers=4),
    dict(min_workers=-1, max_workers=4),
    dict(min_workers="4", max_workers=8),
    dict(min_workers=2, max_workers=4, config=ControllerConfig(beta_high_threshold=1.5)),
    dict(min_workers=2, max_workers=4, config=ControllerConfig(monitor_interval_sec=-1.0)),
])
def test_bad_adaptive_arguments(kwargs):
    with pytest.raises(ValueError):
        AdaptiveThreadPoolExecutor(**kwargs)


@pytest.mark.parametrize("workers", [0, -3, 2.5])
def test_bad_static_arguments(workers):
    with pytest.raises(ValueError):
        StaticThreadPoolExecutor(workers=workers)


def test_bad_collector_sizes():
    with pytest.raises(ValueError):
        MetricsCollector(window_size=0)


class Boom(Exception):
    pass


def raise_boom():
    raise Boom("boom")


def test_exception_is_the_original_with_traceback():
    with AdaptiveThreadPoolExecutor(min_workers=1, max_workers=2) as ex:
        f = ex.submit(raise_boom)
        with pytest.raises(Boom) as info:
            f.result(timeout=10)
        exc = f.exception()
        assert exc is info.value
        frames = traceback.extract_tb(exc.__traceback__)
        assert any(fr.name == "raise_boom" for fr in frames)
        assert ex.get_metrics()["total_tasks"] == 1
        # The pool still works after a failed task.
        assert ex.submit(lambda: 7).result(timeout=10) == 7


def test_base_exceptions_reach_the_future():
    with StaticThreadPoolExecutor(workers=1) as ex:
        with pytest.raises(KeyboardInterrupt):
            ex.submit(lambda: (_ for _ in ()).throw(KeyboardInterrupt)).result(timeout=10)


@pytest.mark.parametrize("make", [
    lambda: AdaptiveThreadPoolExecutor(min_workers=1, max_workers=2),
    lambda: StaticThreadPoolExecutor(workers=1),
])
def test_use_after_shutdown_raises_runtime_error(make):
    ex = make()
    ex.shutdown()
    with pytest.raises(RuntimeError):
        ex.submit(lambda: None)
    with pytest.raises(RuntimeError):
        list(ex.map(str, [1]))
    ex.shutdown()  # A second shutdown is harmless.


def test_shutdown_waits_for_queued_work():
    done = []
    ex = StaticThreadPoolExecutor(workers=2)
    for i in range(10):
        ex.submit(lambda i=i: (time.sleep(0.005), done.append(i)))
    ex.shutdown(wait=True)
    assert sorted(done) == list(range(10))


def test_shutdown_cancel_futures():
    ex = StaticThreadPoolExecutor(workers=1)
    gate, started = threading.Event(), threading.Event()
    running = ex.submit(lambda: (started.set(), gate.wait(10))[1])
    queued = [ex.submit(lambda: None) for _ in range(5)]
    assert started.wait(10)
    ex.shutdown(wait=False, cancel_futures=True)
    gate.set()
    assert running.result(timeout=10) is True
    assert all(f.cancelled() for f in queued)


def run_python(code):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=EXIT_LIMIT_S,
    )


def test_interpreter_exits_with_pools_alive_and_running_tasks():
    result = run_python("""
        import time
        from betapool import AdaptiveThreadPoolExecutor, StaticThreadPoolExecutor
        a = AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8)
        s = StaticThreadPoolExecutor(workers=2)
        for _ in range(50):
            a.submit(time.sleep, 0.05)
            s.submit(sum, range(100000))
        a.submit(lambda: sum(i * i for i in range(10**6)))
        time.sleep(0.02)
        print("leaving")
    """)
    assert result.returncode == 0, result.stderr
    assert "leaving" in result.stdout


def test_interpreter_exits_after_shutdown_and_with_wait_false():
    result = run_python("""
        import time
        from betapool import AdaptiveThreadPoolExecutor
        a = AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8)
        a.submit(time.sleep, 0.01).result()
        a.shutdown()
        b = AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8)
        b.submit(time.sleep, 0.05)
        b.shutdown(wait=False)
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_interpreter_exits_with_a_garbage_collected_pool():
    result = run_python("""
        import gc, time
        from betapool import StaticThreadPoolExecutor
        def make():
            ex = StaticThreadPoolExecutor(workers=2)
            ex.submit(time.sleep, 0.02)
        make()
        gc.collect()
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
