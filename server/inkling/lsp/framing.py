"""LSP frames out of a byte stream that may be hostile: headers in any case, CRLF or LF line ends, a size
limit, and resynchronisation on the next valid header after a bad frame, so no frame kills or deafens us."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A header block that starts with Content-Length. A raw line end after the digits cannot occur inside a JSON
# text (strings hold no raw newline, and the words are not JSON outside one), so a match inside a body means
# that the body is not one message and a new frame starts there.
HEADER_START = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
HEADER = re.compile(
    rb"content-length[ \t]*:[ \t]*(\d{1,20})[ \t]*\r?\n(?:[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n){0,8}\r?\n",
    re.IGNORECASE,
)
HEADER_END = re.compile(rb"\r?\n\r?\n")
OTHER_HEADERS = re.compile(
    rb"(?:[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n)+"
)  # Content-Type before the length
MAX_HEADER_BYTES = 4096  # a header block longer than this is garbage
KEEP_WHILE_SCANNING = MAX_HEADER_BYTES  # bytes kept from garbage: a header line may be arriving
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Message:
    value: Any  # what `parse` made of the body


@dataclass(frozen=True)
class ParseError:
    reason: str  # the body is not JSON: JSON-RPC answers -32700 with a null id


@dataclass(frozen=True)
class Problem:
    reason: str  # a framing fault that was skipped over: worth a log line, not an answer


Event = Message | ParseError | Problem


class FrameReader:
    """Feed bytes in, get messages out. `parse` turns a body into a message and raises ValueError (or
    RecursionError, for absurdly nested JSON) when the body is not JSON."""

    def __init__(self, parse: Callable[[bytes], Any], max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES):
        self.parse = parse
        self.max_message_bytes = max_message_bytes
        self.buffer = bytearray()
        self.expected: int | None = None  # body length of the frame being read; None: between frames
        self.scanned = 0  # how far into a partial body we already looked for a next frame
        self.skipped = 0  # bytes of garbage since the last frame, reported once the next frame starts
        self.skipped_sample = b""

    def feed(self, data: bytes) -> list[Event]:
        self.buffer += data
        events: list[Event] = []
        while self._step(events):
            pass
        return events

    def idle(self) -> list[Event]:
        """No bytes came for a while. A frame that claims more bytes than came, and whose bytes so far are
        one whole message, is taken as that message: the client is waiting for an answer."""
        if self.expected is None or not self.buffer:
            return []
        body = bytes(self.buffer)
        try:
            value = self.parse(body)
        except (ValueError, RecursionError):
            return []
        problem = Problem(f"Content-Length {self.expected} but the message ended after {len(body)} bytes")
        self._end_frame(len(body))
        return [problem, Message(value)]

    def _step(self, events: list[Event]) -> bool:
        """Make one move; False when more bytes are needed."""
        if self.expected is None:
            return self._read_header(events)
        return self._read_body(events)

    def _read_header(self, events: list[Event]) -> bool:
        start = HEADER_START.search(self.buffer)
        if start is None:
            garbage = len(self.buffer) - KEEP_WHILE_SCANNING
            if garbage > 0:
                self._skip(garbage, events)
            return False
        if start.start():
            self._skip(start.start(), events)
        if self.skipped:
            events.append(
                Problem(f"skipped {self.skipped} bytes that are not an LSP frame: {self.skipped_sample!r}")
            )
            self.skipped, self.skipped_sample = 0, b""
        match = HEADER.match(self.buffer)
        if match is None:
            if (
                HEADER_END.search(self.buffer, 0, MAX_HEADER_BYTES) is None
                and len(self.buffer) < MAX_HEADER_BYTES
            ):
                return False  # the header is still coming
            line = bytes(self.buffer[: self.buffer.find(b"\n")]).strip()[:80]
            events.append(Problem(f"skipped a bad header {line!r}"))
            del self.buffer[: HEADER_START.match(self.buffer).end()]  # type: ignore[union-attr]
            return True
        length = int(match.group(1))
        del self.buffer[: match.end()]
        if length > self.max_message_bytes:
            events.append(
                Problem(
                    f"skipped a message of {length} bytes, over the limit of {self.max_message_bytes} "
                    "(inkling serve --max-message-mb)"
                )
            )
            return True  # its body is skipped as garbage up to the next header
        self.expected = length
        self.scanned = 0
        return True

    def _read_body(self, events: list[Event]) -> bool:
        assert self.expected is not None
        if len(self.buffer) < self.expected:
            # Wait for the rest, unless a next frame already began: then this one claimed too many bytes.
            found = HEADER.search(self.buffer, max(self.scanned - KEEP_WHILE_SCANNING, 1))
            self.scanned = len(self.buffer)
            if found is None:
                return False
            self._take(found.start(), events, f"Content-Length {self.expected} overran the next frame")
            return True
        self._take(self.expected, events, "")
        return True

    def _take(self, size: int, events: list[Event], overrun: str) -> None:
        """The frame's body is buffer[:size]: a message, or a parse error. When a next frame starts inside a
        bad body, the part before it is tried as the message; otherwise the bad body is scanned for the next
        frame like any garbage (a short length leaves the body's tail in front of it)."""
        try:
            value = self.parse(bytes(self.buffer[:size]))
        except (ValueError, RecursionError) as exc:
            inner = HEADER.search(self.buffer, 1)
            if inner is None or inner.start() > size:
                events.append(ParseError(_describe(exc)))
                self._end_frame(0)
                return
            size, overrun = inner.start(), f"Content-Length {self.expected} overran the next frame"
            try:
                value = self.parse(bytes(self.buffer[:size]))
            except (ValueError, RecursionError) as inner_exc:
                events.append(ParseError(_describe(inner_exc)))
                self._end_frame(size)
                return
        if overrun:
            events.append(Problem(overrun))
        events.append(Message(value))
        self._end_frame(size)

    def _end_frame(self, size: int) -> None:
        del self.buffer[:size]
        self.expected = None
        self.scanned = 0

    def _skip(self, size: int, events: list[Event]) -> None:
        garbage = bytes(self.buffer[:size])
        del self.buffer[:size]
        if garbage.strip(b" \t\r\n") and not OTHER_HEADERS.fullmatch(garbage):
            self.skipped_sample = self.skipped_sample or garbage[:40]
            self.skipped += size


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the message is nested too deeply"
    return f"the message is not JSON: {exc}"[:200]


def parse_json(body: bytes, object_hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """A body as JSON (UTF-8); ValueError or RecursionError when it is not."""
    if not body:
        raise ValueError("empty message")
    return json.loads(body, object_hook=object_hook)
