"""Seed 004's ThreadPoolManager: named pools, their stats, the asyncio helpers, failures."""

import asyncio
import threading
import time

import pytest

from betapool import ThreadPoolManager
from betapool.manager import SEED_POOLS


def task_with_options(data, multiplier=2, prefix="result"):
    return f"{prefix}_{data * multiplier}"


def test_seed_pools_and_defaults():
    with ThreadPoolManager() as manager:
        assert manager.get_pool_names() == list(SEED_POOLS)
        stats = manager.get_pool_stats()
    assert stats["summary"]["total_workers"] == 140
    assert {name: p["max_workers"] for name, p in stats["pools"].items()} == SEED_POOLS
    for pool in stats["pools"].values():
        assert pool["active_threads"] == 0 and pool["queued_tasks"] == 0
        assert pool["active_tasks"] == [] and pool["kind"] == "adaptive"


def test_the_guides_examples():
    config = {"performance": {"thread_pools": {"io_workers": 8, "cpu_workers": 4}}}
    with ThreadPoolManager(config) as manager:
        assert manager.get_pool_names() == ["io", "cpu"]
        result = asyncio.run(
            manager.run_in_pool("cpu", task_with_options, 10, multiplier=3, prefix="test")
        )
        assert result == "test_30"
        future = manager.submit_to_pool("io", task_with_options, 5, prefix="async")
        assert future.result(timeout=10) == "async_10"

        async def process_batch(items):
            async with manager.batch_executor("io", max_concurrent=3) as submit:
                tasks = [submit(lambda x: x * x, item) for item in items]
                return await asyncio.gather(*tasks)

        assert asyncio.run(process_batch(range(20))) == [x * x for x in range(20)]


def test_stats_show_running_tasks_by_name():
    release = threading.Event()

    def heavy_computation():
        release.wait(10)
        return "done"

    with ThreadPoolManager(pools={"cpu": 2, "io": 2}) as manager:
        futures = [manager.submit_to_pool("cpu", heavy_computation) for _ in range(3)]
        deadline = time.monotonic() + 10
        while manager.get_pool_stats()["pools"]["cpu"]["active_threads"] < 2:
            assert time.monotonic() < deadline, manager.get_pool_stats()
            time.sleep(0.005)
        stats = manager.get_pool_stats()
        cpu = stats["pools"]["cpu"]
        assert [t["name"] for t in cpu["active_tasks"]] == ["heavy_computation"] * 2
        assert all(t["running_for"] >= 0 for t in cpu["active_tasks"])
        assert cpu["queued_tasks"] == 1
        assert stats["summary"]["total_active"] == 2
        assert stats["summary"]["total_queued"] == 1
        assert "heavy_computation" in manager.log_current_status()
        release.set()
        assert [f.result(timeout=10) for f in futures] == ["done"] * 3


def test_fixed_pools_and_the_thread_cap():
    with ThreadPoolManager(pools={"cpu": 2}, adaptive=False) as manager:
        assert manager.get_pool_stats()["pools"]["cpu"]["kind"] == "static"
    with pytest.raises(ValueError, match="max_total_threads"):
        ThreadPoolManager(pools={"io": 50, "cpu": 30}, max_total_threads=60)


def test_failures():
    with pytest.raises(ValueError, match="'io'"):
        ThreadPoolManager(pools={"io": 0})
    with pytest.raises(ValueError, match="thread_pools.io"):
        ThreadPoolManager({"performance": {"thread_pools": {"io": 5}}})
    manager = ThreadPoolManager(pools={"io": 2})
    with pytest.raises(KeyError, match="gpu"):
        manager.submit_to_pool("gpu", print)

    def boom():
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        asyncio.run(manager.run_in_pool("io", boom))
    manager.shutdown()
    with pytest.raises(RuntimeError):
        manager.submit_to_pool("io", print)


def test_interpreter_exits_with_a_manager_alive_and_running_tasks():
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import time
        from betapool import ThreadPoolManager
        manager = ThreadPoolManager(pools={"io": 4, "cpu": 2})
        for _ in range(50):
            manager.submit_to_pool("io", time.sleep, 0.05)
            manager.submit_to_pool("cpu", sum, range(100000))
        time.sleep(0.02)
        print("leaving")
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "leaving" in result.stdout
