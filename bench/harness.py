"""Pieces of the benchmark scripts: held-out files, a stdio language-server session, LSP answers as predictions, positions, stats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import resource
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from inkling.eval.cuts import Example
from inkling.eval.metrics import edit_similarity, exact_match, first_token_match
from inkling.lsp.convert import utf16_len

MAX_FILE_BYTES = 200_000
# Characters that str.splitlines (and so pygls) treats as line breaks but LSP does not: positions would disagree.
_ODD_BREAKS = re.compile("\r(?!\n)|[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SNIPPET_FIELD = re.compile(r"\$\{\d+:([^}]*)\}|\$\{\d+\}|\$\d+")

logging.getLogger("pygls").setLevel(logging.ERROR)  # the client warns about every unhandled notification


class ServerDied(RuntimeError):
    """A language server exited or stopped answering."""

    def __init__(self, name: str, reason: str, stderr_tail: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.stderr_tail = stderr_tail


@dataclass
class Request:
    """One request in flight: its id, when it was sent, when (client clock) its answer arrived."""

    id: int
    future: Future[Any]
    sent: float
    arrived: float | None = None
    cancelled: bool = False

    @property
    def latency_ms(self) -> float:
        assert self.arrived is not None
        return 1000.0 * (self.arrived - self.sent)


@dataclass
class Session:
    """A language server over stdio, its stderr drained into a bounded tail so it can never block on it."""

    name: str
    client: LanguageClient
    process: asyncio.subprocess.Process
    loop: asyncio.AbstractEventLoop
    stderr: bytearray = field(default_factory=bytearray)
    next_id: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @classmethod
    async def start(
        cls, name: str, cmd: Sequence[str], init_options: Any = None, root: Path | None = None
    ) -> Session:
        """Start the server and initialize it, with `root` as the workspace folder if one is given."""
        client = LanguageClient("inkling-bench", "0")
        await client.start_io(*cmd)
        process = client._server
        assert process is not None and process.stderr is not None
        session = cls(name, client, process, asyncio.get_running_loop())
        session._tasks.append(asyncio.create_task(session._drain(process.stderr)))
        params = types.InitializeParams(
            process_id=None,
            root_uri=None if root is None else root.resolve().as_uri(),
            capabilities=types.ClientCapabilities(),
            initialization_options=init_options,
        )
        await session.request(types.INITIALIZE, params, timeout=120)
        client.initialized(types.InitializedParams())
        return session

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.stderr += chunk
            del self.stderr[:-16_000]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr_tail(self, lines: int = 30) -> str:
        return "\n".join(self.stderr.decode("utf-8", "replace").splitlines()[-lines:])

    async def died(self, reason: str) -> ServerDied:
        if self.process.returncode is not None:
            reason = f"{reason} (exit code {self.process.returncode})"
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*self._tasks), 2)  # let the last stderr in
        return ServerDied(self.name, reason, self.stderr_tail())

    async def check_alive(self) -> None:
        if self.process.returncode is not None:
            raise await self.died("the server exited")

    def send(self, method: str, params: Any) -> Request:
        """Send a request with an explicit id; the answer's arrival time is taken when the client reads it."""
        self.next_id += 1
        future = self.client.protocol.send_request(method, params, msg_id=self.next_id)
        request = Request(self.next_id, future, self.loop.time())
        future.add_done_callback(lambda _: setattr(request, "arrived", self.loop.time()))
        return request

    def cancel(self, request: Request) -> None:
        request.cancelled = True
        self.client.cancel_request(types.CancelParams(id=request.id))

    async def wait(self, request: Request, timeout: float = 60.0) -> Any:
        """The request's result; JSON-RPC errors are raised; exit or timeout raise ServerDied."""
        waiter = asyncio.wrap_future(request.future)
        exited = asyncio.ensure_future(self.process.wait())
        try:
            await asyncio.wait({waiter, exited}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
        if waiter.done():
            error = waiter.exception()
            if error is None:
                return waiter.result()
            if not (isinstance(error, RuntimeError) and self.process.returncode is not None):
                raise error  # a JSON-RPC error answer (pygls fails pending requests with RuntimeError on exit)
        waiter.cancel()
        if self.process.returncode is not None:
            raise await self.died(f"the server exited while {request.id} was pending")
        raise await self.died(f"no answer to request {request.id} in {timeout:.0f} s")

    async def request(self, method: str, params: Any, timeout: float = 60.0) -> Any:
        return await self.wait(self.send(method, params), timeout)

    def set_text(self, uri: str, text: str) -> None:
        """Open the document, or replace its whole text if it is open."""
        version = self.versions.get(uri, 0) + 1
        self.versions[uri] = version
        if version == 1:
            item = types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
            self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        else:
            change = types.TextDocumentContentChangeWholeDocument(text=text)
            self.change(uri, change)

    def insert(self, uri: str, position: types.Position, text: str) -> None:
        self.versions[uri] += 1
        self.change(
            uri, types.TextDocumentContentChangePartial(range=types.Range(position, position), text=text)
        )

    def change(self, uri: str, change: types.TextDocumentContentChangeEvent) -> None:
        document = types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))

    def close_document(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )

    def peak_rss_kib(self) -> dict[str, int]:
        """VmHWM and VmRSS from /proc, in KiB (empty where /proc is unavailable)."""
        out: dict[str, int] = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
        return out

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.process.returncode is None:
                await self.request(types.SHUTDOWN, None, timeout=10)
                self.client.exit(None)
                await asyncio.wait_for(self.process.wait(), 10)
        if self.process.returncode is None:
            self.process.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.stop(), 10)
        for task in self._tasks:
            task.cancel()


def heldout_files(model_dir: Path, paths: Sequence[Path] | None) -> tuple[list[tuple[str, str]], str]:
    """(path, text) of the evaluation files and a note on what was left out.

    By default the standard-library files of the corpus's test split; any file whose content hash is in the
    model's train_hashes.txt, any over 200 KB and any with line breaks LSP and pygls disagree on is left out.
    """
    from inkling.data.clean import content_hash, filter_reason
    from inkling.data.collect import SourceFile, find_candidates, iter_sources, root_names
    from inkling.data.corpus import TRAIN_HASHES_FILE, default_roots
    from inkling.data.split import split_of
    from inkling.eval.leakage import collect_eval_files

    if paths:
        files = [(p, t) for p, t in collect_eval_files(list(paths)) if len(t.encode()) <= MAX_FILE_BYTES]
    else:
        roots = default_roots()
        candidates = [
            c
            for root, name in zip(roots, root_names(roots), strict=True)
            for c in find_candidates(root, name)
        ]
        test = [c for c in candidates if split_of(c.rel_path) == "test"]
        sources = [s for s in iter_sources(test, MAX_FILE_BYTES) if isinstance(s, SourceFile)]
        files = [(str(s.path), s.text) for s in sources if filter_reason(s.text) is None]
    hashes_file = model_dir / TRAIN_HASHES_FILE
    hashes = set(hashes_file.read_text(encoding="utf-8").split()) if hashes_file.is_file() else set()
    kept = [(p, t) for p, t in files if content_hash(t) not in hashes and not _ODD_BREAKS.search(t)]
    note = f"{len(files) - len(kept)} refused (in the training set, or line breaks LSP does not count)"
    if not hashes_file.is_file():
        note += f"; {hashes_file} missing, so leakage was not checked"
    return kept, note


def inline_params(uri: str, position: types.Position) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(types.InlineCompletionTriggerKind.Automatic),
        text_document=types.TextDocumentIdentifier(uri),
        position=position,
    )


def inline_items(answer: Any) -> list[types.InlineCompletionItem]:
    items = answer.items if isinstance(answer, types.InlineCompletionList) else answer
    return list(items or [])


def item_text(item: types.InlineCompletionItem) -> str:
    text = item.insert_text
    return plain(text.value, types.InsertTextFormat.Snippet) if isinstance(text, types.StringValue) else text


def inline_prediction(answer: Any, doc: str, cursor: int) -> str:
    """What follows the cursor once the first item is accepted (its range applied, if it has one)."""
    items = inline_items(answer)
    if not items:
        return ""
    text = item_text(items[0])
    if items[0].range is None:
        return text
    start, end = offset_of(doc, items[0].range.start), offset_of(doc, items[0].range.end)
    return (doc[:start] + text + doc[end:])[cursor:]


def document_for(example: Example, text: str) -> tuple[str, int]:
    """The document at a cut (the rest of the current line removed, its line ending kept) and the cursor."""
    end = example.cut.offset + len(example.target)
    ending = "\r\n" if text.startswith("\r\n", end) else "\n" if text.startswith("\n", end) else ""
    return example.prefix + ending + example.suffix, len(example.prefix)


def completion_hit(item: types.CompletionItem, line_prefix: str, target: str) -> bool:
    """Does accepting the item put the target's first token after the cursor?

    A list item is a whole identifier that replaces the part of the word typed so far (or its textEdit
    range), so the typed part is taken off again before comparing: an item that only repeats the word
    before the cursor (`self` at `self|.run()`) predicts nothing and is a miss.
    """
    match = re.search(r"\w*$", line_prefix)
    start = match.start() if match else len(line_prefix)
    text = item.insert_text or item.label
    edit = item.text_edit
    if edit is not None:
        edit_range = edit.range if isinstance(edit, types.TextEdit) else edit.insert
        start, text = utf16_to_index(line_prefix, edit_range.start.character), edit.new_text
    accepted = line_prefix[:start] + plain(text, item.insert_text_format)
    if accepted.startswith(line_prefix):
        return first_token_match(accepted[len(line_prefix) :], target)
    return first_token_match(accepted[start:], line_prefix[start:] + target)  # it rewrites what was typed


def top_item(answer: Any) -> types.CompletionItem | None:
    items = answer.items if isinstance(answer, types.CompletionList) else answer
    return min(items, key=lambda item: item.sort_text or item.label) if items else None


def no_nan(value: Any) -> Any:
    """The same structure with NaN (no samples) as None, so the JSON is strict."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_nan(v) for v in value]
    return value


def utf16_to_index(line: str, character: int) -> int:
    """The string index of an LSP character offset (UTF-16 code units) in one line."""
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def position_of(text: str, offset: int) -> types.Position:
    """The LSP position (line, UTF-16 character) of a string offset; lines break at \\n only here."""
    line_start = text.rfind("\n", 0, offset) + 1
    return types.Position(text.count("\n", 0, offset), utf16_len(text[line_start:offset]))


def offset_of(text: str, position: types.Position) -> int:
    """The string offset of an LSP position (clamped to the text)."""
    start = 0
    for _ in range(position.line):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end]
    return start + utf16_to_index(line, position.character)


def plain(text: str, item_format: types.InsertTextFormat | None) -> str:
    """Snippet syntax reduced to the text it inserts (placeholders keep their default text)."""
    if item_format != types.InsertTextFormat.Snippet:
        return text
    return _SNIPPET_FIELD.sub(lambda m: m.group(1) or "", text).replace("\\$", "$")


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values) if values else float("nan"),
    }


def cpu_busy_seconds() -> float:
    """CPU time all processes have spent busy since boot, from /proc/stat (0.0 where it is unavailable)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and its children: reaped ones from rusage, running ones from /proc."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid():  # fields[1] is the parent pid; utime and stime follow at 11, 12
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def score_line(prediction: str, target: str) -> dict[str, Any]:
    """EVALUATION.md's line metrics for the first line of a prediction; an empty one misses all three."""
    line = prediction.split("\n", 1)[0]
    if not line.strip():
        return {"prediction": line, "suggested": False, "em": False, "es": 0.0, "ft": False}
    return {
        "prediction": line,
        "suggested": True,
        "em": exact_match(line, target),
        "es": edit_similarity(line, target),
        "ft": first_token_match(line, target),
    }
