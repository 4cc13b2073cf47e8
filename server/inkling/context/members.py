"""Legal member names at a member-access point (`expr.` / `expr.part`), from jedi, under a time budget.

jedi runs in a child process (context/jedi_process.py, which says why it imports nothing of the user's);
one worker thread owned by the analyzer talks to it, so a caller waits at most its budget, and a job that
misses it finishes in the background and fills the cache.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from parso.utils import split_lines

from inkling.context.jedi_process import JediProcess
from inkling.context.member_point import member_point

log = logging.getLogger("inkling.context")

MAX_SOURCE_CHARS = 1_000_000
MAX_WARM_MODULES = 32
MAX_PENDING = 8  # queued names() jobs beyond this are dropped, oldest first
MAX_PENDING_WARM = 64  # the same for warm-up steps (each holds its document)
STATS_SAMPLES = 1000  # the timings kept for stats(): the most recent ones
_MODULE = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*\Z")


_Key = tuple[str, str, int, int]
_Result = frozenset[str] | None


@dataclass(frozen=True, eq=False)
class _Job:
    """A unit of work for the worker; `key` names the names() result it computes (None for warm-ups)."""

    run: Callable[[], None]
    key: _Key | None = None


class _Worker:
    """One daemon thread running jobs by priority: names jobs newest first, then warm-ups in order."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, _Job]] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="inkling-context", daemon=True)
        self._thread.start()

    def submit(self, priority: int, job: _Job, limit: int | None = None) -> list[_Job]:
        """Queue `job`; beyond `limit` queued jobs of this priority, drop the oldest and return them."""
        with self._cond:
            if self._closed:
                return [job]
            sequence = next(self._seq)
            heapq.heappush(self._heap, (priority, -sequence if priority == 0 else sequence, job))
            self._cond.notify()
            same = sorted((e for e in self._heap if e[0] == priority), key=lambda e: abs(e[1]))
            if limit is None or len(same) <= limit:
                return []
            dropped = same[: len(same) - limit]  # abs(key) is the submission order: oldest first
            for entry in dropped:
                self._heap.remove(entry)
            heapq.heapify(self._heap)
            return [entry[2] for entry in dropped]

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                _, _, job = heapq.heappop(self._heap)
            try:
                job.run()
            except Exception:  # a job handles its own errors; this keeps the thread alive regardless
                log.warning("context job failed", exc_info=True)

    def close(self, timeout: float) -> None:
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._cond.notify_all()
        self._thread.join(timeout)


def _percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in [0, 100]) of the values, None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _samples() -> deque[float]:
    return deque(maxlen=STATS_SAMPLES)


@dataclass
class _Stats:
    """What the analysis cost the callers and jedi: counts since the start, the recent timings in ms."""

    cached: int = 0  # names() at a member point answered from the cache
    in_time: int = 0  # ... answered by a job that finished within the caller's budget
    missed: int = 0  # ... the budget ran out: the caller went on without names
    jobs: int = 0  # names() jobs jedi ran
    failed: int = 0  # ... of which jedi raised (or its process died)
    dropped: int = 0  # jobs dropped from the queue before they ran (more than MAX_PENDING waited)
    warm_jobs: int = 0
    wait_ms: deque[float] = field(default_factory=_samples)  # names() at a member point: the caller's wait
    jedi_ms: deque[float] = field(default_factory=_samples)  # a names() job: jedi's own time
    answer_ms: deque[float] = field(default_factory=_samples)  # a names() job: queued until answered
    warm_ms: deque[float] = field(default_factory=_samples)  # a warm-up step: jedi's own time

    def to_json(self, samples: bool) -> dict[str, Any]:
        series = {
            "waitMs": self.wait_ms,
            "jediMs": self.jedi_ms,
            "answerMs": self.answer_ms,
            "warmMs": self.warm_ms,
        }
        out: dict[str, Any] = {
            "calls": self.cached + self.in_time + self.missed,
            "cached": self.cached,
            "inTime": self.in_time,
            "missed": self.missed,
            "jobs": self.jobs,
            "failed": self.failed,
            "dropped": self.dropped,
            "warmJobs": self.warm_jobs,
        }
        for name, values in series.items():
            out[name] = {
                "count": len(values),
                "p50": _percentile(values, 50),
                "p95": _percentile(values, 95),
                "max": max(values, default=None),
            }
            if samples:
                out[name]["samples"] = [round(v, 2) for v in values]
        return out


def _settle(future: Future[_Result], result: _Result) -> None:
    """Give `future` its result unless it already has one (dropped or closed meanwhile)."""
    with contextlib.suppress(InvalidStateError):
        future.set_result(result)


class MemberAnalyzer:
    """Member names at a member-access point, from jedi on one worker thread, cached by receiver and context."""

    def __init__(self, budget_ms: float = 15.0, cache_size: int = 256) -> None:
        self.budget_ms = budget_ms
        self.cache_size = max(1, cache_size)
        self._cache: OrderedDict[_Key, _Result] = OrderedDict()
        self._inflight: dict[_Key, Future[_Result]] = {}
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._closed = False
        self._jedi = JediProcess()
        self._warm_generation: dict[str, int] = {}
        self._warmed = False  # jedi's builtins are loaded by the first warm-up
        self._stats = _Stats()
        self._stats_lock = threading.Lock()

    def stats(self, samples: bool = False) -> dict[str, Any]:
        """What the analysis cost so far, as JSON: how names() at member points were answered (`cached`,
        `inTime`, `missed`: the budget ran out), jedi's jobs, and p50 / p95 / max in ms of the callers' waits
        (`waitMs`), of jedi's own time per names() job (`jediMs`) and per warm-up step (`warmMs`), and of a
        job's time from queued to answered (`answerMs`), over the last STATS_SAMPLES of each; with `samples`,
        the timings themselves too."""
        with self._stats_lock:
            return self._stats.to_json(samples)

    def _count(self, outcome: str, started: float) -> None:
        """One names() call at a member point: how it was answered and how long the caller waited."""
        waited = 1000 * (time.perf_counter() - started)
        with self._stats_lock:
            setattr(self._stats, outcome, getattr(self._stats, outcome) + 1)
            self._stats.wait_ms.append(waited)

    def names(
        self,
        uri: str,
        source: str,
        line: int,
        column: int,
        path: str | None = None,
        budget_ms: float | None = None,
    ) -> frozenset[str] | None:
        """All member names jedi knows for the receiver at (line, column), 0-based, not filtered by the partial.

        None when the position is not a member-access point, jedi found nothing or failed, or the answer did not
        come within the budget (the job then finishes in the background and fills the cache). Never raises.
        """
        try:
            return self._names(
                uri, source, line, column, path, self.budget_ms if budget_ms is None else budget_ms
            )
        except Exception:
            log.warning("member names failed for %s at %d:%d", uri, line, column, exc_info=True)
            return None

    def _names(
        self, uri: str, source: str, line: int, column: int, path: str | None, budget_ms: float
    ) -> frozenset[str] | None:
        started = time.perf_counter()
        found = self._lookup(uri, source, line, column, path)
        if found is None:
            return None
        if not isinstance(found, Future):
            self._count("cached", started)
            return found[0]
        future = found
        try:
            result = future.result(timeout=max(budget_ms, 0.0) / 1000)
        except FutureTimeout:
            self._count("missed", started)
            return None
        self._count("in_time", started)
        return result

    def prefetch(self, uri: str, source: str, line: int, column: int, path: str | None = None) -> None:
        """Start the jedi job of names() at (line, column) without waiting for it, so that the names are cached
        when they are asked for (e.g. `source` with the `.` the user is likely to type next: the cache key is
        the receiver and the text above the line); returns at once, never raises."""
        try:
            self._lookup(uri, source, line, column, path)
        except Exception:
            log.warning("prefetching member names failed for %s at %d:%d", uri, line, column, exc_info=True)

    def _lookup(
        self, uri: str, source: str, line: int, column: int, path: str | None
    ) -> tuple[_Result] | Future[_Result] | None:
        """The cached names at the member point at (line, column) as a 1-tuple, else the future of the jedi job
        that computes them (queued here unless one is in flight); None when it is no member point."""
        if self._closed or len(source) > MAX_SOURCE_CHARS or line < 0 or column < 0:
            return None
        lines = split_lines(source, keepends=True)
        if line >= len(lines):
            return None
        text = lines[line].rstrip("\r\n")
        if column > len(text):
            return None
        point = member_point(text[:column])
        if point is None:
            return None
        dot_column = column - len(point.partial)  # jedi's column: right after the dot
        offset = sum(len(chunk) for chunk in lines[:line])
        key = (uri, point.receiver, line, hash(source[:offset]))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return (self._cache[key],)
            future = self._inflight.get(key)
            if future is None:
                future = Future()
                self._inflight[key] = future
                self._submit_names(key, future, source, line + 1, dot_column, path)
            return future

    def _submit_names(
        self, key: _Key, future: Future[_Result], source: str, line: int, column: int, path: str | None
    ) -> None:
        """Queue the jedi job for `key` (lock held); the oldest queued jobs beyond MAX_PENDING are dropped."""

        queued = time.perf_counter()

        def run() -> None:
            result: _Result = None
            failed = False
            started = time.perf_counter()
            try:
                found = self._jedi.call(
                    "complete", source=source, path=path, uri=key[0], line=line, column=column
                )
                result = frozenset(found) or None
            except Exception:
                failed = True
                log.warning("jedi failed on %s at %d:%d", key[0], line, column, exc_info=True)
            done = time.perf_counter()
            with self._lock:
                self._inflight.pop(key, None)
                self._cache[key] = result
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            with self._stats_lock:  # after the cache: a job counted is a job cached
                self._stats.jobs += 1
                self._stats.failed += failed
                self._stats.jedi_ms.append(1000 * (done - started))
                self._stats.answer_ms.append(1000 * (done - queued))
            _settle(future, result)

        for dropped in self._ensure_worker().submit(0, _Job(run, key), limit=MAX_PENDING):
            stale = self._inflight.pop(dropped.key, None) if dropped.key is not None else None
            if stale is not None:
                _settle(stale, None)
            with self._stats_lock:
                self._stats.dropped += 1

    def warm(self, uri: str, source: str, path: str | None = None) -> None:
        """Let jedi parse `source` and load its imports in the background, behind any names() job; returns at once."""
        try:
            if self._closed or len(source) > MAX_SOURCE_CHARS:
                return
            with self._lock:
                generation = self._warm_generation.get(uri, 0) + 1
                self._warm_generation[uri] = generation
                worker = self._ensure_worker()

            def current() -> bool:
                return self._warm_generation.get(uri) == generation

            def builtins() -> None:
                self._jedi.call("complete", source="x = 1\nx.", path=None, uri="", line=2, column=2)

            def module(name: str) -> None:
                if current():
                    probe = f"import {name}\n{name}."
                    self._jedi.call("complete", source=probe, path=None, uri="", line=2, column=len(name) + 1)

            def parse() -> None:
                if not current():
                    return
                found = self._jedi.call("imports", source=source, path=path, uri=uri)
                modules = {name for name in found if _MODULE.match(name)}
                for name in sorted(modules)[:MAX_WARM_MODULES]:
                    step = self._timed(functools.partial(module, name), current)
                    worker.submit(1, _Job(step), limit=MAX_PENDING_WARM)

            if not self._warmed:
                self._warmed = True
                worker.submit(1, _Job(self._timed(builtins)))
            worker.submit(1, _Job(self._timed(parse, current)), limit=MAX_PENDING_WARM)
        except Exception:
            log.warning("warming %s failed", uri, exc_info=True)

    def _timed(
        self, step: Callable[[], None], wanted: Callable[[], bool] = lambda: True
    ) -> Callable[[], None]:
        """The warm-up step, its time counted in stats() unless it is no longer `wanted` (a newer warm-up of
        its document came) and so does nothing; errors pass through to the worker's log."""

        def run() -> None:
            if not wanted():
                return
            started = time.perf_counter()
            try:
                step()
            finally:
                with self._stats_lock:
                    self._stats.warm_jobs += 1
                    self._stats.warm_ms.append(1000 * (time.perf_counter() - started))

        return run

    def close(self) -> None:
        """Stop the worker; later calls answer None."""
        self._closed = True
        with self._lock:
            worker, self._worker = self._worker, None
            inflight, self._inflight = self._inflight, {}
        for future in inflight.values():
            _settle(future, None)
        if worker is not None:
            worker.close(timeout=1.0)
        self._jedi.close()

    def _ensure_worker(self) -> _Worker:
        if self._worker is None:
            self._worker = _Worker()
        return self._worker
