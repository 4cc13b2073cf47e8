"""The frame reader: every message of a well-formed stream, and after any bad frame the next good one."""

from __future__ import annotations

import json

import pytest

from inkling.lsp.framing import FrameReader, Message, ParseError, Problem, parse_json

GOOD = {"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"position": {"line": 0}}}
BODY = json.dumps(GOOD).encode()
NEXT = {"jsonrpc": "2.0", "id": 8, "method": "shutdown"}


def frame(body: bytes, header: bytes = b"Content-Length: %d\r\n\r\n") -> bytes:
    return header % len(body) + body if b"%d" in header else header + body


def messages(events: list[object]) -> list[object]:
    return [e.value for e in events if isinstance(e, Message)]


def read(data: bytes, limit: int = 1 << 20, chunk: int = 0) -> list[object]:
    reader = FrameReader(parse_json, limit)
    if not chunk:
        return reader.feed(data)
    events: list[object] = []
    for start in range(0, len(data), chunk):
        events.extend(reader.feed(data[start : start + chunk]))
    return events


@pytest.mark.parametrize("chunk", [0, 1, 7, 64])
def test_a_well_formed_stream_gives_every_message_however_it_is_split(chunk: int) -> None:
    stream = frame(BODY) + frame(json.dumps(NEXT).encode(), b"Content-Length: %d\r\nContent-Type: x\r\n\r\n")
    stream += b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(BODY)
    events = read(stream, chunk=chunk)
    assert messages(events) == [GOOD, NEXT, GOOD]
    assert not [e for e in events if not isinstance(e, Message)]  # nothing to complain about


@pytest.mark.parametrize(
    "header",
    [
        b"content-length: %d\r\n\r\n",
        b"CONTENT-LENGTH:%d\r\n\r\n",
        b"Content-Length: %d\n\n",
        b"Content-Length: %d\r\n\n",
    ],
)
def test_headers_in_any_case_and_lf_line_ends_are_read(header: bytes) -> None:
    assert messages(read(frame(BODY, header) + frame(json.dumps(NEXT).encode()))) == [GOOD, NEXT]


BAD_FRAMES = {
    "ten bytes short": frame(BODY, b"Content-Length: %d\r\n\r\n" % (len(BODY) - 10)),
    "ten bytes long": frame(BODY, b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10)),
    "zero": frame(BODY, b"Content-Length: 0\r\n\r\n"),
    "negative": frame(BODY, b"Content-Length: -5\r\n\r\n"),
    "not a number": frame(BODY, b"Content-Length: abc\r\n\r\n"),
    "twenty digits": frame(BODY, b"Content-Length: 99999999999999999999\r\n\r\n"),
    "fifty gigabytes": frame(BODY, b"Content-Length: 50000000000\r\n\r\n"),
    "NUL bytes": b"\x00" * 50 + b"\r\n\r\n" + BODY,
    "no header": BODY,
    "NUL in the header": frame(BODY, b"Content-Length: 1\x002\r\n\r\n"),
    "not JSON": frame(b"{this is not json}"),
    "invalid UTF-8": frame(b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}'),
    "nested 100,000 deep": frame(b"[" * 100_000 + b"]" * 100_000),
}


@pytest.mark.parametrize("name", BAD_FRAMES)
@pytest.mark.parametrize("chunk", [0, 5])
def test_after_a_bad_frame_the_next_good_one_is_read(name: str, chunk: int) -> None:
    events = read(BAD_FRAMES[name] + frame(json.dumps(NEXT).encode()), chunk=chunk)
    assert messages(events)[-1] == NEXT
    assert [e for e in events if isinstance(e, ParseError | Problem)], "a bad frame is reported"


def test_a_frame_that_claims_too_many_bytes_gives_its_message_once_the_client_goes_quiet() -> None:
    reader = FrameReader(parse_json)
    assert messages(reader.feed(frame(BODY, b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10)))) == []
    events = reader.idle()
    assert messages(events) == [GOOD] and isinstance(events[0], Problem)
    assert messages(reader.feed(frame(BODY))) == [GOOD]


def test_a_partial_body_is_not_taken_for_a_message_while_it_is_still_coming() -> None:
    reader = FrameReader(parse_json)
    assert reader.feed(frame(BODY)[:-5]) == [] and reader.idle() == []
    assert messages(reader.feed(frame(BODY)[-5:])) == [GOOD]


def test_a_message_over_the_limit_is_skipped_and_the_next_is_read() -> None:
    big = json.dumps({"jsonrpc": "2.0", "method": "x", "params": "a" * 5000}).encode()
    events = read(frame(big) + frame(BODY), limit=1000, chunk=300)
    assert messages(events) == [GOOD]
    assert any(isinstance(e, Problem) and "over the limit" in e.reason for e in events)


def test_garbage_never_grows_the_buffer_without_bound() -> None:
    reader = FrameReader(parse_json)
    for _ in range(1000):
        reader.feed(b"\x00garbage without any header " * 100)
    assert len(reader.buffer) < 10_000
