"""The prompt the model sees at a cursor: token bytes, token healing and the fill-in-the-middle layout."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

from inkling import specials
from inkling.serving.pieces import PieceEncoder
from inkling.serving.tokenizer import special_id

# A prefix window starts on a line boundary after a multiple of this many characters, so that typing does not
# move the window (and the state cache keeps its tokens) until this many characters have been typed.
WINDOW_STEP = 1024
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


def _byte_decoder() -> dict[str, int]:
    """The byte-level BPE alphabet (GPT-2's bytes_to_unicode), inverted: token character → byte."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {chr(code): byte for byte, code in zip(printable, codes, strict=True)}


class Vocab:
    """Token strings and bytes of a tokenizer, for token healing and incremental decoding."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.encoder = PieceEncoder(tokenizer)
        size = tokenizer.get_vocab_size()
        self.strings = [tokenizer.id_to_token(i) or "" for i in range(size)]
        self.eot = special_id(tokenizer, specials.EOT)
        self.special_ids = {special_id(tokenizer, tok) for tok in specials.ALL}
        decoder = _byte_decoder()
        self.bytes = [
            s.encode() if i in self.special_ids else bytes(decoder[c] for c in s)
            for i, s in enumerate(self.strings)
        ]
        self.not_eot_special_mask = np.zeros(size, dtype=bool)  # never in generated text
        self.not_eot_special_mask[list(self.special_ids - {self.eot})] = True
        ordinary = sorted((b, i) for i, b in enumerate(self.bytes) if b and i not in self.special_ids)
        self._sorted_bytes = [b for b, _ in ordinary]
        self._sorted_ids = [i for _, i in ordinary]
        self._by_bytes = {b: i for b, i in ordinary}
        self._masks: dict[bytes, np.ndarray] = {}
        # Tokens that open a triple-quoted string: a block suggestion does not start with a docstring.
        self.docstring_mask = np.array(
            [b.lstrip().lstrip(b"rbuRBU").startswith((b'"""', b"'''")) for b in self.bytes], dtype=bool
        )
        # Tokens that start with indentation, or open a comment: code asked for by a comment or a `def`
        # starts at the indentation it was given, and with code.
        self.indent_mask = np.array([b[:1] in (b" ", b"\t") for b in self.bytes], dtype=bool)
        self.comment_mask = np.array([b.lstrip().startswith(b"#") for b in self.bytes], dtype=bool)
        self.newline_mask = np.array([b[:1] in (b"\n", b"\r") for b in self.bytes], dtype=bool)
        self.newline_mask[self.eot] = True  # nor may it end before it starts
        # Tokens whose first byte ends an identifier (what may follow a finished name).
        self.delimiter_mask = np.array([bool(b) and not is_word_byte(b[0]) for b in self.bytes], dtype=bool)
        self.delimiter_mask[list(self.special_ids)] = False

    def encode(self, text: str) -> list[int]:
        """The ids of `text`, as the tokenizer gives them (pieces already seen are not encoded again)."""
        return self.encoder.encode(text)

    def word_after(self, lead: bytes) -> np.ndarray:
        """The tokens that are `lead` and then a byte of an identifier."""
        key = b"\1" + lead
        mask = self._masks.get(key)
        if mask is None:
            mask = np.zeros(len(self.bytes), dtype=bool)
            mask[[t for piece, t in self.starting_with(lead) if len(piece) > len(lead) and is_word_byte(piece[len(lead)])]] = True
            self._masks[key] = mask
        return mask

    def token(self, piece: bytes) -> int | None:
        """The ordinary token whose bytes are exactly `piece`, if there is one."""
        return self._by_bytes.get(piece)

    def starting_with(self, head: bytes) -> Iterator[tuple[bytes, int]]:
        """The ordinary tokens whose bytes start with `head` (bytes, id), in byte order."""
        j = bisect_left(self._sorted_bytes, head)  # tokens that start with `head` sort together here
        while j < len(self._sorted_bytes) and self._sorted_bytes[j].startswith(head):
            yield self._sorted_bytes[j], self._sorted_ids[j]
            j += 1

    def exactly(self, pending: bytes) -> np.ndarray:
        """Compatible tokens that start code right after `pending`, if anything: when `pending` is the
        indentation generated code must start at, a token may not indent it further, leave the line blank,
        or open a comment or a docstring there."""
        key = b"=" + pending
        mask = self._masks.get(key)
        if mask is None:
            mask = self.compatible(pending).copy()
            n = len(pending)
            mask[[i for i in np.flatnonzero(mask) if not _starts_code(self.bytes[i][n:])]] = False
            self._masks[key] = mask
        return mask

    def compatible(self, pending: bytes) -> np.ndarray:
        """Tokens that agree with the bytes still owed by token healing: they extend or start them."""
        mask = self._masks.get(pending)
        if mask is not None:
            return mask
        allowed = [
            self._by_bytes[pending[:k]] for k in range(1, len(pending)) if pending[:k] in self._by_bytes
        ]
        allowed += [token for _, token in self.starting_with(pending)]
        mask = np.zeros(len(self.bytes), dtype=bool)
        mask[allowed] = True
        if len(self._masks) > 512:
            self._masks.clear()
        self._masks[pending] = mask
        return mask


def is_word_byte(byte: int) -> bool:
    """Part of a Python identifier (a byte of a non-ASCII character counts)."""
    return byte >= 0x80 or byte == 0x5F or 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A


def _starts_code(rest: bytes) -> bool:
    """Whether `rest` (what a token adds after an indentation) is nothing or the start of code."""
    if not rest:
        return True
    return rest[:1] not in (b" ", b"\t", b"\n", b"\r", b"#") and not rest.lstrip(b"rbuRBU").startswith(
        (b'"""', b"'''")
    )


@dataclass(frozen=True)
class Prompt:
    """Token ids to feed (ending with the token before the first generated one) and the owed bytes."""

    ids: list[int]
    stem: bytes  # the healed-off end of the prefix: the generated text must start with these bytes
    fim: bool  # laid out as fill-in-the-middle (the model ends the middle with the end-of-file token)
    line: str  # the cursor's line before the cursor, as the model sees it (for the block stop rules)


def spaces_for_tabs(text: str) -> str:
    """Indentation tabs as four spaces each: the training code indents with spaces, so the model writes
    better code after spaces; post-processing puts the file's own indentation back."""
    return _LEADING_TABS.sub(lambda m: "    " * len(m.group(0)), text) if "\t" in text else text


def prefix_window(prefix: str, context_chars: int) -> str:
    """The end of the prefix, at most about context_chars + WINDOW_STEP long, starting on a line boundary."""
    excess = len(prefix) - context_chars
    if excess <= 0:
        return prefix
    anchor = excess // WINDOW_STEP * WINDOW_STEP
    start = prefix.find("\n", anchor)
    return prefix[start + 1 :] if start != -1 else prefix[anchor:]


def suffix_window(suffix: str, suffix_chars: int) -> str:
    """The code after the cursor's line, as FIM training saw it (starting with the line break), cut at a
    line end after at most suffix_chars characters."""
    start = suffix.find("\n")
    if start == -1:
        return ""
    window = suffix[start : start + suffix_chars]
    if len(suffix) - start > suffix_chars:
        end = window.rfind("\n")
        window = window[: max(end, 1)]
    return window


def heal(vocab: Vocab, ids: list[int], prefix: str, whitespace: bool = True) -> bytes:
    """Back off the tokens of the prefix's last pre-tokenizer chunk (a word, a run of punctuation or of
    whitespace) and return their bytes, which the generated text must then start with.

    The cut often falls where training text never had a token boundary (`os.pa` before `path`, the
    indentation before `return`); re-generating the whole chunk puts the boundary where the tokenizer would.
    Without `whitespace`, a trailing whitespace chunk stays (FIM middles in training start at a token, so
    the prefix before them ends with its whitespace).
    """
    pre_tokenizer = vocab.tokenizer.pre_tokenizer
    chunks = pre_tokenizer.pre_tokenize_str(prefix[-64:]) if pre_tokenizer is not None and prefix else []
    owed = len(chunks[-1][0]) if chunks else 0  # byte-level chunk: one character per byte
    if not whitespace and prefix[-1:].isspace():
        owed = 0
    popped: list[int] = []
    while (
        sum(len(vocab.bytes[t]) for t in popped) < owed and len(ids) > 1 and ids[-1] not in vocab.special_ids
    ):
        popped.insert(0, ids.pop())
    return b"".join(vocab.bytes[t] for t in popped)


def build_prompt(
    vocab: Vocab, prefix: str, suffix: str, context_chars: int, suffix_chars: int, fim: bool
) -> Prompt:
    """The ids for a cursor between prefix and suffix.

    With `fim` and code after the cursor's line, the layout is suffix-prefix-middle, as in training:
    `<eot><suf>S<pre>P<mid>`. The suffix comes first so that typing, which changes only the end of P,
    keeps every earlier token (and the cached RNN states behind them). The rest of the cursor's own line is
    left out of S: training middles always run to the end of a line, so the model writes the closing
    brackets itself and post-processing replaces the editor's auto-closed ones.
    """
    tokenizer = vocab.tokenizer
    window = spaces_for_tabs(prefix_window(prefix, context_chars))
    after = spaces_for_tabs(suffix_window(suffix, suffix_chars)) if fim else ""
    line = window.rsplit("\n", 1)[-1]
    if not after.strip():
        ids = [vocab.eot, *vocab.encode(window)]
        return Prompt(ids, heal(vocab, ids, window), fim=False, line=line)

    def sid(token: str) -> int:
        return special_id(tokenizer, token)

    head = [vocab.eot, sid(specials.FIM_SUFFIX), *vocab.encode(after), sid(specials.FIM_PREFIX)]
    body = vocab.encode(window)
    ids = [*head, *body]
    stem = heal(vocab, ids, window, whitespace=False)
    return Prompt([*ids, sid(specials.FIM_MIDDLE)], stem, fim=True, line=line)


def docstring_prompt(vocab: Vocab, prefix: str, context_chars: int) -> Prompt:
    """The ids that ask for a function's docstring as the model learned it, after the body: `prefix` runs to
    the end of the function (without its docstring) and then its body's indentation; the marker follows."""
    window = spaces_for_tabs(prefix_window(prefix, context_chars))
    marker = special_id(vocab.tokenizer, specials.DOCSTRING)
    ids = [vocab.eot, *vocab.encode(window), marker]
    return Prompt(ids, b"", fim=False, line=window.rsplit("\n", 1)[-1])
