"""Seed 003's asyncio helpers: run blocking calls on a shared adaptive pool as awaitables."""

import asyncio
import functools
import threading
from typing import Any, Awaitable, Callable, Iterable, List, Optional

from ._executor import AdaptiveThreadPoolExecutor

_shared: Optional[AdaptiveThreadPoolExecutor] = None
_shared_lock = threading.Lock()


def shared_executor() -> AdaptiveThreadPoolExecutor:
    """The process-wide adaptive pool behind ``run_in_thread`` and ``map_threads``, made on
    first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = AdaptiveThreadPoolExecutor()
        return _shared


def run_in_thread(fn: Callable, *args: Any, **kwargs: Any) -> Awaitable:
    """``fn(*args, **kwargs)`` on the shared pool, as an awaitable for the running loop."""
    future = shared_executor().submit(functools.partial(fn, *args, **kwargs))
    return asyncio.wrap_future(future)


async def map_threads(fn: Callable, items: Iterable[Any]) -> List[Any]:
    """``fn`` over ``items`` on the shared pool, results in input order."""
    return list(await asyncio.gather(*(run_in_thread(fn, item) for item in items)))
