"""Where the offline engines run: a small thread pool, and models loaded once per process.

Model calls block for hundreds of milliseconds, so they never run on the event loop. CTranslate2 and ONNX
Runtime release the GIL while they compute, so a thread pool gives real parallelism without the cost of
moving audio between processes. The pool is small on purpose: each call already uses `cpu_threads` cores,
and more concurrent calls than cores only makes every one of them slower.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BlockingPool:
    """Runs blocking model calls off the event loop, `workers` at a time."""

    def __init__(self, workers: int = 1, *, name: str = "candor-speech") -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Stop accepting work; calls already running finish on their own (a model call cannot be cut)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class ModelCache(Generic[K, V]):
    """One loaded model per key for the whole process, loaded on first use.

    The lock makes concurrent first uses load once; a failed load is not cached, so fixing the files and
    retrying works without a restart.
    """

    def __init__(self, load: Callable[[K], V]) -> None:
        self._load = load
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V:
        with self._lock:
            if key not in self._items:
                self._items[key] = self._load(key)
            return self._items[key]

    def loaded(self, key: K) -> bool:
        with self._lock:
            return key in self._items
