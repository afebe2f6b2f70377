"""The forked worker pool: results by task number, a dying worker loses only its own task,
a raising task is an error, and no worker outlives the call."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from archlint.forked_workers import WorkerFailed, run_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks")


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    """A pool that waits forever (a worker never told to stop) fails instead of hanging."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("run_forked did not return within 30 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _lost(results: list[bytes | None]) -> list[int]:
    """The tasks without a result: their worker died."""
    return [index for index, result in enumerate(results) if result is None]


def _children() -> set[int]:
    """Process ids of this process's live (not reaped) children, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.add(int(entry))
    return found


@pytest.mark.parametrize("workers", [1, 2, 5])
def test_every_task_gives_its_own_result(workers: int) -> None:
    before = _children() if sys.platform == "linux" else set()
    results = run_forked(lambda index: b"x" * index * 1000, 40, workers)
    lost = _lost(results)
    assert results == [b"x" * index * 1000 for index in range(40)]
    assert lost == []
    if sys.platform == "linux":
        assert _children() == before  # every worker was reaped


def test_large_results_arrive_whole() -> None:
    big = os.urandom(5_000_000)  # larger than any pipe buffer: written while the parent reads
    results = run_forked(lambda index: big[index:], 3, 2)
    lost = _lost(results)
    assert results == [big, big[1:], big[2:]]
    assert lost == []


def test_no_tasks() -> None:
    assert run_forked(lambda index: b"", 0, 4) == []


@pytest.mark.parametrize("workers", [1, 3])
def test_a_dying_worker_loses_only_its_task(workers: int) -> None:
    def task(index: int) -> bytes:
        if index in (3, 7):
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in native code would
        return str(index).encode()

    results = run_forked(task, 12, workers)
    lost = _lost(results)
    assert lost == [3, 7]
    assert results == [None if i in (3, 7) else str(i).encode() for i in range(12)]


def test_a_worker_dying_on_every_task_ends() -> None:
    results = run_forked(lambda index: os._exit(3), 6, 2)
    lost = _lost(results)
    assert results == [None] * 6
    assert lost == list(range(6))


def test_a_raising_task_is_an_error_with_its_traceback() -> None:
    def task(index: int) -> bytes:
        if index == 5:
            raise ValueError("a bug in the task")
        return b""

    before = _children() if sys.platform == "linux" else set()
    with pytest.raises(WorkerFailed, match="ValueError: a bug in the task"):
        run_forked(task, 10, 2)
    if sys.platform == "linux":
        assert _children() == before


def test_a_worker_gone_before_its_next_task_loses_that_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Writing a task to a worker that has just died fails (EPIPE): the task is reported
    lost like any task of a dead worker, and the others still run."""
    parent, writes = os.getpid(), []
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if os.getpid() == parent and len(data) == 4:  # a task number, sent by the parent
            writes.append(data)
            if len(writes) == 3:
                raise BrokenPipeError(32, "Broken pipe")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    results = run_forked(lambda index: str(index).encode(), 8, 2)
    lost = _lost(results)
    assert len(lost) == 1
    assert results == [None if i in lost else str(i).encode() for i in range(8)]


def test_a_replacement_worker_survives_a_closed_task_pipe_of_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker whose task pipe was closed (EPIPE) is still registered when another worker
    dies and a replacement is forked: the replacement must not trip over the closed pipe
    (it did: os.close(-1) in the child ended it and lost its task too)."""
    parent, writes = os.getpid(), []
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if os.getpid() == parent and len(data) == 4:
            writes.append(data)
            if len(writes) == 3:  # the third task goes to the worker that ran task 0
                time.sleep(1.0)  # meanwhile the worker of task 1 dies
                raise BrokenPipeError(32, "Broken pipe")
        return real_write(fd, data)

    def task(index: int) -> bytes:
        if index == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return str(index).encode()

    monkeypatch.setattr(os, "write", write)
    results = run_forked(task, 6, 2)
    lost = _lost(results)
    assert lost == [1, 2]
    assert results == [None if i in (1, 2) else str(i).encode() for i in range(6)]


def test_an_ignored_sigchld_does_not_lose_the_results() -> None:
    """A host program that ignores SIGCHLD has its children reaped by the kernel: waitpid
    then fails with ChildProcessError, which must not end the run."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        results = run_forked(lambda index: bytes([index]), 10, 2)
        lost = _lost(results)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert results == [bytes([index]) for index in range(10)]
    assert lost == []


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open descriptors")
def test_a_failed_fork_leaks_no_descriptor(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fork, forks = os.fork, []

    def fork() -> int:
        forks.append(1)
        if len(forks) == 2:
            raise OSError(11, "Resource temporarily unavailable")
        return real_fork()

    before = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(OSError, match="Resource temporarily unavailable"):
        run_forked(lambda index: b"", 4, 2)
    assert len(os.listdir("/proc/self/fd")) == before


def test_ctrl_c_in_the_parent_stops_every_worker() -> None:
    def task(index: int) -> bytes:
        if index == 0:
            os.kill(os.getppid(), signal.SIGINT)  # as Ctrl-C would, to the parent
        time.sleep(0.2)
        return b""

    before = _children() if sys.platform == "linux" else set()
    with pytest.raises(KeyboardInterrupt):
        run_forked(task, 50, 2)
    if sys.platform == "linux":
        assert _children() == before
