"""Generating a completion: prompt encoding with token healing, greedy decoding and the line/block stop rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from tokenizers import Tokenizer

from inkling import specials
from inkling.lm.model import RNNLanguageModel
from inkling.lm.tokenizer import special_id


@dataclass(frozen=True)
class DecodeConfig:
    max_tokens: int = 48  # per line
    max_lines: int = 8  # block mode
    context_chars: int = 6000  # only the end of the prefix is encoded; the RNN state carries the rest


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
        size = tokenizer.get_vocab_size()
        self.strings = [tokenizer.id_to_token(i) or "" for i in range(size)]
        self.special_ids = {special_id(tokenizer, tok) for tok in specials.ALL}
        decoder = _byte_decoder()
        self.bytes = [
            s.encode() if i in self.special_ids else bytes(decoder[c] for c in s)
            for i, s in enumerate(self.strings)
        ]
        self.special_mask = torch.zeros(size, dtype=torch.bool)
        self.special_mask[list(self.special_ids)] = True

    def compatible(self, pending: bytes) -> torch.Tensor:
        """Tokens that agree with the bytes still owed by token healing: they extend or start them."""
        allowed = [
            i
            for i, b in enumerate(self.bytes)
            if b and i not in self.special_ids and (b.startswith(pending) or pending.startswith(b))
        ]
        mask = torch.zeros(len(self.bytes), dtype=torch.bool)
        mask[allowed] = True
        return mask


def encode_prompt(tokenizer: Tokenizer, prefix: str, context_chars: int) -> list[int]:
    """Encode the end of the prefix, starting at a line boundary so the first tokens are the real ones."""
    if len(prefix) > context_chars:
        start = prefix.find("\n", len(prefix) - context_chars)
        prefix = prefix[start + 1 :] if start != -1 else prefix[-context_chars:]
    eot = special_id(tokenizer, specials.EOT)
    return [eot, *tokenizer.encode(prefix).ids]


def heal(vocab: Vocab, ids: list[int], prefix: str) -> bytes:
    """Back off the tokens of the prefix's last pre-tokenizer chunk (a word, a run of punctuation or of
    whitespace) and return their bytes, which the generated text must then start with.

    The cut often falls where training text never had a token boundary (`os.pa` before `path`, the
    indentation before `return`); re-generating the whole chunk puts the boundary where the tokenizer would.
    """
    pre_tokenizer = vocab.tokenizer.pre_tokenizer
    chunks = pre_tokenizer.pre_tokenize_str(prefix[-64:]) if pre_tokenizer is not None and prefix else []
    owed = len(chunks[-1][0]) if chunks else 0  # byte-level chunk: one character per byte
    popped: list[int] = []
    while (
        sum(len(vocab.bytes[t]) for t in popped) < owed and len(ids) > 1 and ids[-1] not in vocab.special_ids
    ):
        popped.insert(0, ids.pop())
    return b"".join(vocab.bytes[t] for t in popped)


@torch.no_grad()
def generate(
    model: RNNLanguageModel,
    vocab: Vocab,
    prefix: str,
    mode: str = "line",
    config: DecodeConfig = DecodeConfig(),
    cancelled: Callable[[], bool] = lambda: False,
) -> str:
    """Greedy continuation of `prefix`: the rest of the line, or (mode "block") the body of an empty block.

    Token healing (see `heal`): a half-typed identifier is continued with the tokenizer's real
    boundary, never restarted.
    """
    device = next(model.parameters()).device
    ids = encode_prompt(vocab.tokenizer, prefix, config.context_chars)
    stem = heal(vocab, ids, prefix)
    pending = stem
    logits, hidden = model(torch.tensor([ids], device=device), model.init_hidden(1, device))
    current_line = prefix.rsplit("\n", 1)[-1]
    out = bytearray()
    tokens: list[int] = []
    ends: list[int] = []  # len(out) after each token
    max_tokens = config.max_tokens * (config.max_lines if mode == "block" else 1)
    for _ in range(max_tokens):
        if cancelled():  # checked at every token: a newer keystroke makes this answer useless
            return ""
        step_logits = logits[0, -1]
        if pending:
            step_logits = step_logits.masked_fill(~vocab.compatible(pending), float("-inf"))
        elif out:
            step_logits = step_logits.masked_fill(vocab.special_mask, float("-inf"))
        token = int(torch.argmax(step_logits))
        if token in vocab.special_ids:
            break
        piece = vocab.bytes[token]
        pending = pending[len(piece) :] if pending.startswith(piece) else b""
        out += piece
        tokens.append(token)
        ends.append(len(out))
        loop = repetition_start(tokens)
        if loop is not None:  # a greedy decoder caught in a loop: keep one copy and stop
            del out[ends[loop - 1] if loop else 0 :]
            break
        text = out[len(stem) :].decode("utf-8", errors="replace")
        if _should_stop(text, mode, current_line, config):
            break
        logits, hidden = model(torch.tensor([[token]], device=device), hidden)
    return _cut(out[len(stem) :].decode("utf-8", errors="replace"), mode, current_line)


def repetition_start(tokens: list[int], max_unit: int = 8, min_span: int = 6) -> int | None:
    """Where the tail of `tokens` began repeating one unit (of 1..max_unit tokens) three or more times
    over at least `min_span` tokens: the index after the unit's first copy; None when it does not."""
    for unit in range(1, max_unit + 1):
        copies = max(3, -(-min_span // unit))
        if len(tokens) < unit * copies:
            continue
        tail = tokens[-unit:]
        if all(tokens[-unit * (i + 1) : len(tokens) - unit * i] == tail for i in range(1, copies)):
            return len(tokens) - unit * (copies - 1)
    return None


def _should_stop(text: str, mode: str, current_line: str, config: DecodeConfig) -> bool:
    if mode == "line":
        return "\n" in text
    lines = text.split("\n")
    return len(lines) > config.max_lines or _cut(text, mode, current_line).count("\n") < len(lines) - 2


def _cut(text: str, mode: str, current_line: str) -> str:
    """Apply the stop rules to the generated text: end of line; for a block, a blank line or a dedent."""
    if mode == "line":
        return text.split("\n", 1)[0].rstrip("\r")
    lines = text.split("\n")
    base = _indent(current_line + lines[0])
    kept = [lines[0]]
    for line in lines[1:]:
        if not line.strip() or _indent(line) < base:
            break
        kept.append(line)
    return "\n".join(kept).rstrip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
