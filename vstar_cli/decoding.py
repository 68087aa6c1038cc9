"""Decoding videos off the generation loop: worker processes kept for the life of the process (or
inline in a daemon thread with ``--decode-workers 0``), and a timeout that turns a decoder hung on a
corrupt file into an error instead of a stalled run."""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor

from vstar_cli.video import VideoError


class DecodeTimeout(VideoError):
    """A video whose decoding took longer than ``--decode-timeout`` (a decoder hung on it)."""


class InlinePool:
    """Decodes one video at a time while the caller waits (``--decode-workers 0``).

    The decoder runs in a daemon thread so that a decoder hung on a corrupt file is given up
    after ``timeout`` seconds (the thread is abandoned, not killed: Python cannot stop it).
    """

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout

    def submit(self, fn, *args) -> Future:
        import threading

        fut: Future = Future()

        def work() -> None:
            try:
                result = fn(*args)
            except BaseException as exc:  # handed to the consumer through the future, as a pool would
                if not fut.done():
                    fut.set_exception(exc)
                return
            if not fut.done():
                fut.set_result(result)

        thread = threading.Thread(target=work, daemon=True, name="vstar-decode")
        thread.start()
        thread.join(self.timeout)
        if thread.is_alive() and not fut.done():
            fut.set_exception(DecodeTimeout(f"video decoding timed out after {self.timeout:g}s: {args[0]}"[:300]))
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Nothing to stop."""


POOLS: dict[int, ProcessPoolExecutor] = {}
WARM: dict[int, list[Future]] = {}


def default_decode_workers(device: str) -> int:
    """No decode workers when the model runs on the CPU (they would compete for the same cores,
    measured slower on 2 cores); otherwise up to 4 processes, leaving one core to the main loop."""
    from vstar_cli.model import resolve_device

    if resolve_device(device) == "cpu":
        return 0
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def warm() -> None:
    import vstar_cli.video  # noqa: F401 - imports numpy and the decoders once per worker


def decode_pool(workers: int, timeout: float | None = None):
    """Worker processes for decoding, kept for the life of the process.

    Decoders hold the GIL, so decoding in threads would stall the generation loop; worker
    processes decode truly in parallel. The pool is reused by later runs in the same process.
    """
    if workers <= 0:
        return InlinePool(timeout)
    pool = POOLS.get(workers)
    if pool is None:
        import atexit
        import multiprocessing as mp

        # forkserver: never fork a process whose torch/OpenMP threads are running.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("forkserver"))
        WARM[workers] = [pool.submit(warm) for _ in range(workers)]
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
        POOLS[workers] = pool
    return pool


def restart_pool(workers: int):
    """Kill the worker processes (one is hung in a decoder) and start a fresh pool."""
    pool = POOLS.pop(workers, None)
    if pool is not None:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)
    pool = decode_pool(workers)
    for fut in WARM.get(workers, []):  # the timeout counts decoding, not the new workers' start
        fut.result()
    return pool
