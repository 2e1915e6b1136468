"""Seed 004's ``ThreadPoolManager``: named pools (``io``, ``cpu``, ``inference``,
``embedding``, ``db``) under one thread cap, each an adaptive Rust pool that tells the GIL
from I/O, with the seed's ``run_in_pool``, ``submit_to_pool``, ``batch_executor``,
``get_pool_stats`` and ``log_current_status``. The pools are a ``betapool-group`` group
(``betapool._core.CoreGroup``), whose stats include the tasks running now and for how long.
"""

import asyncio
import contextlib
import functools
import json
import logging
import threading
from concurrent.futures import Future
from typing import Any, Callable, Dict, Mapping, Optional

from . import _executor
from ._core import CoreGroup
from ._executor import _WorkItem

_log = logging.getLogger("betapool")

# The seed's pools and their sizes (its `performance.thread_pools` defaults).
SEED_POOLS: Dict[str, int] = {"io": 50, "cpu": 30, "inference": 20, "embedding": 15, "db": 25}

# The fewest threads an adaptive pool keeps: the package's `AdaptiveThreadPoolExecutor`
# default, or the pool's size if smaller.
MIN_WORKERS = 4


def _pools_from_config(config: Optional[Mapping[str, Any]]) -> Dict[str, int]:
    """``{name: workers}`` from the seed's config (``performance.thread_pools.<name>_workers``),
    or the seed's defaults."""
    if config is None:
        return dict(SEED_POOLS)
    section = (config.get("performance") or {}).get("thread_pools")
    if section is None:
        return dict(SEED_POOLS)
    pools = {}
    for key, value in section.items():
        if not key.endswith("_workers"):
            raise ValueError(
                f"performance.thread_pools.{key}: expected <pool>_workers keys, got {key!r}"
            )
        pools[key[: -len("_workers")]] = value
    return pools


class ThreadPoolManager:
    """Named pools for different kinds of work (seed 004).

    ``config`` is the seed's configuration as ``config.yaml`` loads it (a mapping):
    ``performance.thread_pools.<name>_workers`` sizes the pools and ``general.verbose`` turns
    on status logging; ``pools`` (``{name: workers}``) overrides it. Each pool is adaptive
    between ``min(4, workers)`` and ``workers`` threads, or exactly ``workers`` with
    ``adaptive=False``; ``max_total_threads`` (the sum of the sizes by default) caps their
    sum. Bad settings raise ``ValueError`` naming the pool and the setting.
    """

    def __init__(
        self,
        config: Optional[Mapping[str, Any]] = None,
        *,
        pools: Optional[Mapping[str, int]] = None,
        max_total_threads: Optional[int] = None,
        verbose: Optional[bool] = None,
        adaptive: bool = True,
    ):
        sizes = dict(pools) if pools is not None else _pools_from_config(config)
        for name, workers in sizes.items():
            if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
                raise ValueError(f"pool {name!r}: workers must be an int >= 1, got {workers!r}")
        if verbose is None:
            verbose = bool(((config or {}).get("general") or {}).get("verbose", False))
        self.verbose = verbose
        self.pool_sizes = sizes
        total = max_total_threads if max_total_threads is not None else sum(sizes.values())
        specs = [
            (name, min(MIN_WORKERS, workers) if adaptive else 0, workers)
            for name, workers in sizes.items()
        ]
        self._core = CoreGroup(total, specs, verbose)
        self._pending: set = set()
        self._shutdown_lock = threading.Lock()
        self._shut = False
        with _executor._live_lock:
            if _executor._exiting:
                self._core.shutdown(False)
                raise RuntimeError("cannot create a pool manager while the interpreter exits")
            _executor._live.add(self)

    def get_pool_names(self):
        """The pools' names, in configuration order."""
        return self._core.names()

    def submit_to_pool(self, pool: str, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        """Runs ``fn(*args, **kwargs)`` on pool ``pool``; returns its
        ``concurrent.futures.Future``. ``KeyError`` for an unknown pool, ``RuntimeError``
        after shutdown."""
        with self._shutdown_lock:
            if self._shut:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future: Future = Future()
            item = _WorkItem(future, fn, args, kwargs, self._pending)
            self._pending.add(item)
            name = _task_name(fn)
            try:
                self._core.submit(pool, name, item)
            except BaseException:
                self._pending.discard(item)
                raise
            if self.verbose:
                _log.info("ThreadPool[%s] submitting %r", pool, name)
            return future

    async def run_in_pool(self, pool: str, fn: Callable, /, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` on pool ``pool``, awaited on the running event loop."""
        return await asyncio.wrap_future(self.submit_to_pool(pool, fn, *args, **kwargs))

    @contextlib.asynccontextmanager
    async def batch_executor(self, pool: str, max_concurrent: int = 10):
        """An async context whose ``submit(fn, *args, **kwargs)`` returns an awaitable of the
        call on pool ``pool``, with at most ``max_concurrent`` calls submitted at a time."""
        if not isinstance(max_concurrent, int) or max_concurrent < 1:
            raise ValueError(f"max_concurrent must be an int >= 1, got {max_concurrent!r}")
        slots = asyncio.Semaphore(max_concurrent)

        async def run(fn, args, kwargs):
            async with slots:
                return await self.run_in_pool(pool, fn, *args, **kwargs)

        def submit(fn: Callable, /, *args: Any, **kwargs: Any):
            return asyncio.ensure_future(run(fn, args, kwargs))

        yield submit

    def get_pool_stats(self) -> Dict[str, Any]:
        """The seed's stats: ``summary`` (``total_workers``, ``total_active``,
        ``total_queued``, ``utilization_percent``, plus ``live_threads``) and ``pools``
        (per pool ``max_workers``, ``active_threads``, ``queued_tasks``, ``active_tasks`` as
        ``{"name", "running_for"}`` longest first, plus ``live_threads`` and ``kind``)."""
        stats = json.loads(self._core.stats_json())
        totals = stats["totals"]
        return {
            "summary": {
                "total_workers": totals["max_workers"],
                "total_active": totals["active_threads"],
                "total_queued": totals["queued_tasks"],
                "utilization_percent": totals["utilization_percent"],
                "live_threads": totals["live_threads"],
            },
            "pools": {
                p["name"]: {
                    "max_workers": p["max_workers"],
                    "active_threads": p["active_threads"],
                    "queued_tasks": p["queued_tasks"],
                    "active_tasks": [
                        {"name": t["name"], "running_for": t["running_s"]} for t in p["running"]
                    ],
                    "live_threads": p["live_threads"],
                    "kind": p["kind"],
                }
                for p in stats["pools"]
            },
        }

    def log_current_status(self) -> str:
        """Logs the status table (one row per pool, its running tasks, a total row) at INFO
        on the ``betapool`` logger when verbose, and returns it."""
        table = self._core.status_table()
        if self.verbose:
            _log.info("ThreadPoolManager Current Status:\n%s", table)
        return table

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Shuts every pool down; ``cancel_futures`` cancels what has not started, ``wait``
        returns once every worker has ended."""
        _executor._shut_down(self, wait, cancel_futures)

    def __enter__(self) -> "ThreadPoolManager":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown(wait=True)


def _task_name(fn: Callable) -> str:
    """The name a task is shown under: the function's, or that of a partial's function."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return getattr(fn, "__name__", type(fn).__name__)
