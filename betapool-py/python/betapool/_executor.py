"""The executors: ``concurrent.futures.Executor`` subclasses whose workers are Rust threads.

Each ``submit`` wraps the call in a ``_WorkItem`` and hands it to the Rust pool
(``betapool._core.CoreExecutor``); a worker takes the GIL with its own long-lived thread
state, calls ``_WorkItem._run``, records the task's metrics and only then resolves the future.
"""

import json
import logging
import threading
import time
import weakref
from concurrent.futures import Executor, Future
from typing import Any, Callable, Dict, List, Optional

from ._config import ControllerConfig
from ._core import CoreExecutor, begin_exit

_log = logging.getLogger("betapool")

# Executors not yet shut down, so that the exit hook can shut them down before the
# interpreter finalizes (a worker must never ask for the GIL after that).
_live: "weakref.WeakSet[_BaseExecutor]" = weakref.WeakSet()
_live_lock = threading.Lock()
_exiting = False


class _WorkItem:
    """One submitted call and its future."""

    __slots__ = ("future", "fn", "args", "kwargs", "_pending")

    def __init__(self, future, fn, args, kwargs, pending):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self._pending = pending

    def _run(self):
        """Runs the call unless its future was cancelled: ``None`` or
        ``(ok, value or exception, wall seconds, thread CPU seconds)``."""
        self._pending.discard(self)
        if not self.future.set_running_or_notify_cancel():
            self._clear()
            return None
        wall0 = time.perf_counter()
        cpu0 = time.thread_time()
        try:
            ok, value = True, self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: B036 - the future carries every exception
            ok, value = False, exc
        return ok, value, time.perf_counter() - wall0, time.thread_time() - cpu0

    def _clear(self):
        self.fn = self.args = self.kwargs = None


class _BaseExecutor(Executor):
    """What both executors share: submit, shutdown, metrics and logs."""

    _core: CoreExecutor

    def _start(self, core: CoreExecutor) -> None:
        self._core = core
        self._pending: set = set()
        self._shutdown_lock = threading.Lock()
        self._shut = False
        with _live_lock:
            if _exiting:
                core.shutdown(False)
                raise RuntimeError("cannot create an executor while the interpreter exits")
            _live.add(self)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        """Schedules ``fn(*args, **kwargs)`` and returns its ``concurrent.futures.Future``."""
        with self._shutdown_lock:
            if self._shut:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if _exiting:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            future: Future = Future()
            item = _WorkItem(future, fn, args, kwargs, self._pending)
            self._pending.add(item)
            try:
                self._core.submit(item)
            except BaseException:
                self._pending.discard(item)
                raise
            return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stops accepting work; ``cancel_futures`` cancels what has not started; ``wait``
        returns once every worker has ended."""
        _shut_down(self, wait, cancel_futures)

    def get_current_thread_count(self) -> int:
        """Live worker threads."""
        return self._core.current_threads()

    def get_metrics(self) -> Dict[str, Any]:
        """The seed's metrics dict (``total_tasks`` counts every task whose future resolved;
        ``avg_blocking_ratio`` is 0.5 before any task)."""
        return self._core.metrics()

    def get_experiment_log(self) -> List[Dict[str, Any]]:
        """The experiment log: one row per 100 ms of the controller (per task for a static
        pool), with ``timestamp`` in seconds since the executor started."""
        return [_rename(row) for row in json.loads(self._core.experiment_log_json())]

    def get_decision_history(self) -> List[Dict[str, Any]]:
        """The controller's resizing decisions, oldest first."""
        return [_rename(row) for row in json.loads(self._core.decision_history_json())]


def _rename(row: Dict[str, Any]) -> Dict[str, Any]:
    """A Rust row with the seed's key names: seconds without the ``_s`` suffix, and 0.0 for a
    ratio or percentage the controller could not measure (the seed always has a number)."""
    out = {}
    for key, value in row.items():
        if key.endswith("_s"):
            key = key[:-2]
        if value is None and key in ("blocking_ratio", "cpu_percent"):
            value = 0.0
        out[key] = value
    return out


class AdaptiveThreadPoolExecutor(_BaseExecutor):
    """A thread pool that sizes itself between ``min_workers`` and ``max_workers``: it grows
    while its tasks are blocked (I/O, ``time.sleep``) and not while they wait for the GIL or a
    core. ``ValueError`` for bounds with ``min_workers < 1`` or ``min_workers > max_workers``.
    """

    def __init__(
        self,
        min_workers: int = 4,
        max_workers: int = 64,
        config: Optional[ControllerConfig] = None,
        enable_logging: bool = False,
        *,
        _policy: str = "default",
    ):
        for name, value in (("min_workers", min_workers), ("max_workers", max_workers)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be an int, got {value!r}")
        if min_workers < 1:
            raise ValueError(f"min_workers must be >= 1, got {min_workers}")
        if min_workers > max_workers:
            raise ValueError(
                f"min_workers ({min_workers}) must be <= max_workers ({max_workers})"
            )
        self.min_workers = min_workers
        self.max_workers = max_workers
        self.config = config if config is not None else ControllerConfig()
        self.enable_logging = enable_logging
        self._start(
            CoreExecutor.adaptive(min_workers, max_workers, self.config, enable_logging, _policy)
        )
        if enable_logging:
            _log.debug(
                "AdaptiveThreadPoolExecutor started: %d..%d workers", min_workers, max_workers
            )


class StaticThreadPoolExecutor(_BaseExecutor):
    """A pool of exactly ``workers`` threads, the seed's baseline. ``ValueError`` for
    ``workers < 1``."""

    def __init__(self, workers: int = 4):
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise ValueError(f"workers must be an int >= 1, got {workers!r}")
        self.workers = workers
        self.min_workers = workers
        self.max_workers = workers
        self._start(CoreExecutor.fixed(workers))


def _at_exit() -> None:
    """Shuts every live executor down before the interpreter finalizes: queued calls are
    cancelled, running ones finish, and then no worker touches Python again."""
    global _exiting
    with _live_lock:
        _exiting = True
        executors = list(_live)
    for executor in executors:
        try:
            executor.shutdown(wait=True, cancel_futures=True)
        except Exception:  # noqa: BLE001 - exit must go on whatever one pool does
            pass
    begin_exit()


# `threading._register_atexit` runs before the interpreter joins its own threads and
# finalizes, as `concurrent.futures.ThreadPoolExecutor` relies on (Python 3.9+).
threading._register_atexit(_at_exit)


def _shut_down(owner, wait: bool, cancel_futures: bool) -> None:
    """The shutdown shared by the executors and ``ThreadPoolManager``: no new work, the
    queued calls cancelled if asked, the Rust side shut down (waiting if asked), and the owner
    no longer shut down at interpreter exit."""
    with owner._shutdown_lock:
        owner._shut = True
        if cancel_futures:
            for item in list(owner._pending):
                item.future.cancel()
    owner._core.shutdown(wait)
    with _live_lock:
        _live.discard(owner)
