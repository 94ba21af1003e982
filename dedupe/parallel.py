"""Run a stage's per-batch function over its batches on every core of this machine.

A process pool of plain functions, inside one Prefect task: each Prefect task run costs
milliseconds and state, and under Prefect's temporary server every Prefect worker process would
start its own server; a ``ProcessPoolExecutor`` has neither cost. The pool is kept for the life of
the process, and its workers die with the process that started them, so a killed run leaves no
worker writing behind it.

Workers start ready: a process that imports dedupe and loads numba's compiled kernels spends most
of a second doing it, so that is done once (:data:`PRELOAD`) and the workers are forked from the
process that did it. That is this process when it runs no other Python thread (the command line,
a script); otherwise (a Prefect flow has threads, and forking them is unsafe) a fork server, a
fresh single-threaded process. Either way, what is left running at the fork is native library
threads (OpenBLAS, Arrow's allocator and thread pool), which reset themselves in the child.

>>> from functools import partial
>>> map_in_processes(partial(pow, 2), [1, 2, 3], workers=1)
[2, 4, 8]
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import importlib
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Final, Generic, TypeVar

import pyarrow

from dedupe.processes import PR_SET_PDEATHSIG, prctl

T = TypeVar("T")
R = TypeVar("R")


def _start_worker(owner: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux: the process that owns the
    pool, or the fork server, which exits with it), and stop now if the owner died while this
    worker was starting (the signal would never come). Arrow allocates from the system allocator
    here: its default pool keeps freed memory for reuse, in every worker."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        os._exit(1)
    if os.getppid() == 1:  # orphaned: the fork server is gone
        os._exit(1)
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    # When the pool shuts down, stop without tearing the interpreter down (a few hundred ms with
    # numba and pyarrow loaded): a worker has sent all its results by then and holds nothing else.
    # Registered last, so it runs first. Only a spawned worker gets there: a forked one (from
    # this process or the fork server) ends in os._exit already.
    atexit.register(os._exit, 0)


def cpu_workers(setting: int) -> int:
    """Worker processes for ``setting``: 0 means every core this process may use."""
    if setting > 0:
        return setting
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _spawnable() -> bool:
    """Spawned workers re-import the main script: impossible when it is not a file (stdin)."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    return main is None or os.path.exists(main)


def release_memory(collect: bool = True) -> None:
    """Hand memory freed by a finished stage back to the system (glibc keeps it otherwise), so an
    idle worker or the next stage does not carry the last one's peak. ``collect`` first runs the
    cycle collector (50-100 ms in a worker's heap: once a stage, not once a batch)."""
    if collect:
        gc.collect()
    pyarrow.default_memory_pool().release_unused()  # Arrow's allocator keeps freed pages too
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _run_and_release(fn: Callable[[T], R], item: T) -> R:
    try:
        return fn(item)
    finally:
        release_memory(collect=False)


_pools: dict[int, ProcessPoolExecutor] = {}


#: What a worker needs loaded before its first batch: imported once, before the workers are forked.
PRELOAD: Final = "dedupe.warm"


def _context() -> multiprocessing.context.BaseContext:
    """How the pool starts its workers: forked from this process, after it imported
    :data:`PRELOAD`, when it runs no other Python thread; else from a fork server that imported it.
    Spawned (each worker imports everything itself) where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        importlib.import_module(PRELOAD)
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


def _pool(workers: int) -> ProcessPoolExecutor:
    """The process's pool of ``workers`` processes, started on first use."""
    pool = _pools.get(workers)
    if pool is None:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_start_worker, initargs=(os.getpid(),))
        _pools[workers] = pool
    return pool


@atexit.register
def shutdown_pools() -> None:
    """Stop the worker processes (at exit; also after a worker died, to start afresh)."""
    while _pools:
        _, pool = _pools.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


def stop_workers() -> None:
    """End every process the pools started: the workers, the fork server that forked them and
    multiprocessing's resource tracker. A run calls it when it ends, however it ends, so that a
    long-lived process (``dedupe serve``, a notebook) holds no process between runs."""
    shutdown_pools()
    for helper in (getattr(multiprocessing.forkserver, "_forkserver", None),
                   getattr(multiprocessing.resource_tracker, "_resource_tracker", None)):
        stop = getattr(helper, "_stop", None)  # CPython's own way to end them (used by its tests)
        if stop is not None:
            with contextlib.suppress(OSError, ChildProcessError):
                stop()


def _import(module: str) -> None:
    importlib.import_module(module)


def start_workers(workers: int) -> None:
    """Start the pool's workers now, while this process goes on (planning): the first stage then
    finds them ready. Call it before taking locks or opening files: forked workers inherit them."""
    size = cpu_workers(workers)
    if size <= 1 or not _spawnable():
        return
    pool = _pool(size)
    for _ in range(size):  # one task per worker: each submit without an idle worker starts one
        pool.submit(_import, PRELOAD)  # spawned workers: this is their import; the others have it


def map_in_processes(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[fn(item) for item in items]``, in up to ``workers`` processes (in order). One item or one
    worker runs here: starting a process costs more than a small batch."""
    size = cpu_workers(workers)
    if size <= 1 or len(items) <= 1 or not _spawnable():
        return [fn(item) for item in items]
    try:
        return list(_pool(size).map(partial(_run_and_release, fn), items))
    except BrokenProcessPool:
        shutdown_pools()  # a worker was killed (out of memory?): the next call starts a new pool
        raise


# --- one thread beside a single-core stage -------------------------------------------------------
# Arrow's readers, writers and sorts release the GIL: a thread reading the next piece of input, or
# writing the last piece of output, runs on the core a single-core stage leaves idle.

_END = object()


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """The items of ``items``, the next one computed in a thread while the caller uses this one.

    >>> list(prefetched(iter(range(3))))
    [0, 1, 2]
    """
    with ThreadPoolExecutor(1) as thread:
        upcoming = thread.submit(next, items, _END)
        while (item := upcoming.result()) is not _END:
            upcoming = thread.submit(next, items, _END)
            yield item  # type: ignore[misc]


class BackgroundSink(Generic[T]):
    """Calls ``sink(item)`` for each item given, in order, in one thread; :meth:`close` waits for
    them and raises the first error. Use as a context manager.

    >>> out = []
    >>> with BackgroundSink(out.append) as sink:
    ...     sink(1); sink(2)
    >>> out
    [1, 2]
    """

    def __init__(self, sink: Callable[[T], object]) -> None:
        self._sink = sink
        self._thread = ThreadPoolExecutor(1)
        self._pending: deque[Future[object]] = deque()

    def __call__(self, item: T) -> None:
        while self._pending and self._pending[0].done():
            self._pending.popleft().result()  # an error surfaces at the next call
        self._pending.append(self._thread.submit(self._sink, item))

    def close(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._thread.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BackgroundSink[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
