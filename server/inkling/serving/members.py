"""Monitor-guided decoding at a member-access point: the identifier generated after `expr.` must be one of
the names a static analyser says the receiver has, so the tokens that leave every legal name are masked."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inkling.serving.prompt import Vocab, is_word_byte


@dataclass(frozen=True)
class Members:
    """The legal names after the dot, and the identifier already typed after it (before the cursor)."""

    names: frozenset[bytes]
    typed: bytes = b""
    _masks: dict[bytes, np.ndarray | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, names: frozenset[str] | set[str], typed: str = "") -> Members:
        return cls(frozenset(name.encode() for name in names), typed.encode())

    def start(self, line: bytes) -> int:
        """Where the member's identifier starts in the cursor's line (the line before the cursor)."""
        return len(line) - len(self.typed)

    def allowed(self, vocab: Vocab, ident: bytes) -> np.ndarray | None:
        """The tokens that may follow the identifier `ident` generated so far after the dot: those that keep
        it a prefix of a legal name, or complete one and go on with a delimiter. None: no constraint (the
        identifier is already finished)."""
        if any(not is_word_byte(b) for b in ident):
            return None
        mask = self._masks.get(ident)
        if mask is None:
            mask = _allowed(vocab, self.names, ident)
            self._masks[ident] = mask
        return mask

    def after(self, vocab: Vocab, lead: bytes) -> np.ndarray:
        """The tokens that are `lead` and then the start of a legal name (or a whole one and a delimiter):
        where token healing makes the first token cross the identifier's start."""
        key = b"\0" + lead
        mask = self._masks.get(key)
        if mask is None:
            mask = _allowed(vocab, self.names, b"", lead)
            self._masks[key] = mask
        return mask

    def accepts(self, ident: bytes, more: bytes) -> bool:
        """Whether the identifier `ident` generated so far may go on with the bytes `more`."""
        text = ident + more
        end = next((i for i, b in enumerate(text) if not is_word_byte(b)), None)
        if end is None:
            return any(name.startswith(text) for name in self.names)
        return text[:end] in self.names


def _allowed(vocab: Vocab, names: frozenset[bytes], ident: bytes, lead: bytes = b"") -> np.ndarray:
    mask = np.zeros(len(vocab.bytes), dtype=bool)
    for name in names:
        if not name.startswith(ident):
            continue
        rest = lead + name[len(ident) :]
        if rest == lead:  # a whole name: a delimiter, or the end, may follow
            mask |= vocab.delimiter_mask
            mask[vocab.eot] = True
            continue
        inside = [vocab.token(rest[:k]) for k in range(len(lead) + 1, len(rest) + 1)]  # tokens within the name
        mask[[token for token in inside if token is not None]] = True
        for piece, token in vocab.starting_with(rest):  # tokens that finish the name and go on past it
            if len(piece) > len(rest) and not is_word_byte(piece[len(rest)]):
                mask[token] = True
    return mask
