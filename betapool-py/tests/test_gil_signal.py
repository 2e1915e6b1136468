"""The GIL signal: pure-Python CPU work does not grow the pool past cores + 2 threads, while
callables that sleep (and release the GIL) do grow it. Behaviour only, never speed."""

import time

from betapool import AdaptiveThreadPoolExecutor, _core

CORES = _core.usable_cores()
# The bound for GIL-bound work: the pool may hold a little slack, never more.
GIL_BOUND_LIMIT = CORES + 2


def python_loop(n=20000):
    x = 0
    for i in range(n):
        x += i * i
    return x


def sampled_peak(ex, futures):
    peak = ex.get_current_thread_count()
    while not all(f.done() for f in futures):
        peak = max(peak, ex.get_current_thread_count())
        time.sleep(0.002)
    return max(peak, ex.get_current_thread_count())


def test_pure_python_loops_stay_within_cores_plus_two():
    with AdaptiveThreadPoolExecutor(min_workers=min(4, GIL_BOUND_LIMIT), max_workers=64) as ex:
        futures = [ex.submit(python_loop) for _ in range(3000)]
        peak = sampled_peak(ex, futures)
        m = ex.get_metrics()
    assert m["total_tasks"] == 3000
    assert peak <= GIL_BOUND_LIMIT, (peak, m)


def test_long_pure_python_loops_stay_within_cores_plus_two():
    # Loops longer than the interpreter's switch interval give the GIL up mid-call too.
    with AdaptiveThreadPoolExecutor(min_workers=min(4, GIL_BOUND_LIMIT), max_workers=64) as ex:
        futures = [ex.submit(python_loop, 400000) for _ in range(150)]
        peak = sampled_peak(ex, futures)
    assert peak <= GIL_BOUND_LIMIT, peak


def test_sleeping_callables_grow_the_pool():
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as ex:
        futures = [ex.submit(time.sleep, 0.005) for _ in range(3000)]
        peak = sampled_peak(ex, futures)
    assert peak > GIL_BOUND_LIMIT, peak


def test_gil_waits_read_as_contention():
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=4) as ex:
        futures = [ex.submit(python_loop) for _ in range(2000)]
        contention = []
        while not all(f.done() for f in futures):
            c = ex.get_metrics()["contention"]
            if c is not None:
                contention.append(c)
            time.sleep(0.005)
    assert contention, "the controller measured no contention at all"
    # Four threads share one GIL: most of their busy time is spent waiting for it.
    assert max(contention) > 0.35, contention
