"""Run numbered tasks in forked worker processes that talk to the parent over pipes.

Why not ``concurrent.futures.ProcessPoolExecutor``: importing it with ``multiprocessing``
cost ~25 ms and starting its pool (threads, queues, pickling) more, which made parallel
scanning pay off only above ~1,000 files; a forked worker here starts in ~1 ms. And when one
of its workers dies, the whole executor breaks and every task in flight is lost; here a worker
that dies (a native crash, the OOM killer) loses only its own task, which is reported as such.

A worker inherits the parent's memory (the task function, its arguments, the imported
modules), so a task travels as its 4-byte number and only its result (bytes) comes back.
Only where forking is safe (``HAS_FORK``: not on Windows, which has no fork, nor on macOS).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import struct
import sys
from collections.abc import Callable
from typing import NoReturn

# macOS has fork, but CPython deems fork without exec unsafe there (system libraries may
# have started threads): it keeps the process pool, as ``multiprocessing`` defaults to spawn
HAS_FORK = hasattr(os, "fork") and sys.platform != "darwin"

_TASK = struct.Struct("<I")
_RESULT = struct.Struct("<BQ")  # status (0: result, 1: exception text), payload length
_READ_SIZE = 1 << 20
_Mask = set[int | signal.Signals]  # a signal mask, as pthread_sigmask returns it


class WorkerFailed(Exception):
    """A task raised an exception in a worker (a bug, not a crash): its traceback."""


class _Worker:
    __slots__ = ("buffer", "pid", "results", "task", "tasks")

    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid = pid
        self.tasks = tasks  # the parent's write end of the task pipe, -1 once closed
        self.results = results  # the parent's read end of the result pipe
        self.task = -1  # the task in flight, -1 when idle
        self.buffer = bytearray()


def run_forked(task: Callable[[int], bytes], count: int, workers: int) -> list[bytes | None]:
    """Run ``task(i)`` for every ``i`` in ``range(count)`` in at most ``workers`` forked
    processes. Returns the results by task number: None for a task whose worker died while
    running it (it is lost). A worker that dies is replaced while tasks remain. Raises
    WorkerFailed when a task raised, OSError when no worker can be started."""
    results: list[bytes | None] = [None] * count
    pending = list(range(count - 1, -1, -1))  # popped from the end: task 0 first
    running: dict[int, _Worker] = {}  # by result file descriptor
    selector = selectors.DefaultSelector()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
        if stream is not None:
            stream.flush()
    try:
        for _ in range(min(workers, count)):
            _start(task, running, selector)
        for worker in list(running.values()):
            _assign(worker, pending)
        while running:
            for key, _ in selector.select():
                worker = running[key.fd]
                chunk = os.read(worker.results, _READ_SIZE)
                if chunk:
                    worker.buffer += chunk
                    _take(worker, results, pending)
                    continue
                # end of file: the worker exited; a task in flight keeps no result (lost)
                selector.unregister(worker.results)
                del running[worker.results]
                _close(worker)
                _reap(worker.pid)
                if pending:  # a replacement, which gets a task at once
                    _assign(_start(task, running, selector), pending)
    finally:
        for worker in running.values():  # an exception (or Ctrl-C): stop the others
            _close(worker)
            try:
                os.kill(worker.pid, signal.SIGKILL)
                _reap(worker.pid)
            except OSError:
                pass
        selector.close()
    return results


def _start(
    task: Callable[[int], bytes], running: dict[int, _Worker], selector: selectors.BaseSelector
) -> _Worker:
    """Fork a worker and register it. Ctrl-C is held back from the fork until the worker is
    registered (so that the parent's cleanup knows it) and, in the worker, until it has left
    the parent's code: there it just ends the worker, whose parent gets KeyboardInterrupt."""
    fds = [*os.pipe()]
    try:
        fds += os.pipe()
    except OSError:
        _close_all(fds)
        raise
    task_read, task_write, result_read, result_write = fds
    mask = _block_interrupts()
    try:
        try:
            pid = os.fork()
        except OSError:
            _close_all(fds)
            raise
        if pid == 0:  # the worker: never returns
            inherited = [fd for w in running.values() for fd in (w.tasks, w.results) if fd >= 0]
            _serve(task, task_read, result_write, [task_write, result_read, *inherited], mask)
        os.close(task_read)
        os.close(result_write)
        worker = _Worker(pid, task_write, result_read)
        running[result_read] = worker
        selector.register(result_read, selectors.EVENT_READ)
    finally:
        _restore_interrupts(mask)
    return worker


def _block_interrupts() -> _Mask | None:
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore_interrupts(mask: _Mask | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        os.close(fd)


def _reap(pid: int) -> None:
    """Wait for a worker's exit (nothing to wait for when the host ignores SIGCHLD)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _assign(worker: _Worker, pending: list[int]) -> None:
    """Give ``worker`` the next task, or close its task pipe (it then exits) when none is left."""
    if pending:
        worker.task = pending.pop()
        try:
            os.write(worker.tasks, _TASK.pack(worker.task))
        except BrokenPipeError:  # the worker is gone: its end of file reports the task lost
            os.close(worker.tasks)  # (and one still alive stops for want of tasks)
            worker.tasks = -1
    else:
        worker.task = -1
        if worker.tasks >= 0:
            os.close(worker.tasks)
            worker.tasks = -1


def _take(worker: _Worker, results: list[bytes | None], pending: list[int]) -> None:
    """Keep the result in ``worker``'s buffer once it is complete, and give it the next task."""
    buffer = worker.buffer
    if len(buffer) < _RESULT.size:
        return
    status, length = _RESULT.unpack_from(buffer)
    if len(buffer) < _RESULT.size + length:
        return
    payload = bytes(buffer[_RESULT.size : _RESULT.size + length])
    del buffer[: _RESULT.size + length]
    if status:
        raise WorkerFailed(payload.decode("utf-8", "replace"))
    results[worker.task] = payload
    _assign(worker, pending)


def _close(worker: _Worker) -> None:
    for fd in (worker.tasks, worker.results):
        if fd >= 0:
            os.close(fd)
    worker.tasks = worker.results = -1


def _serve(
    task: Callable[[int], bytes],
    tasks: int,
    results: int,
    others: list[int],
    mask: _Mask | None,
) -> NoReturn:
    """The worker's loop: read a task number, write its result, until the task pipe closes.
    Leaves with ``os._exit``: the parent's exit handlers and buffers are not the worker's.
    Ctrl-C ends a worker at once (default action), never as an exception in Python code."""
    code = 0
    try:
        with contextlib.suppress(ValueError):  # not the main thread: keep the handler
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        _restore_interrupts(mask)
        for fd in others:
            os.close(fd)
        while True:
            data = _read_exactly(tasks, _TASK.size)
            if not data:
                break
            try:
                status, payload = 0, task(_TASK.unpack(data)[0])
            except Exception:
                import traceback  # only for a bug: start-up time

                status, payload = 1, traceback.format_exc().encode("utf-8", "replace")
            _write_all(results, _RESULT.pack(status, len(payload)) + payload)
    except BaseException:  # Ctrl-C, a closed pipe: the parent decides what it means
        code = 1
    finally:
        os._exit(code)


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``, or b"" at the end of the file."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
