"""Byte-level BPE tokenizer: train it on the corpus, save and load it, and hash it for checkpoints."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from inkling import specials
from inkling.atomic import atomic_write
from inkling.errors import InklingError

TOKENIZER_FILE = "tokenizer.json"


def train_tokenizer(texts: Iterable[str], vocab_size: int = 8192, min_frequency: int = 2) -> Tokenizer:
    """Train a byte-level BPE whose decode(encode(text)) == text for any text, specials included."""
    if vocab_size < 256 + len(specials.ALL):
        raise InklingError(f"vocabulary size {vocab_size} is too small: byte-level BPE needs at least 261")
    tokenizer = Tokenizer(models.BPE())
    # No normalizer, no prefix space, no offset trimming: the text must come back byte for byte.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(specials.ALL),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_non_empty(texts), trainer=trainer)
    return tokenizer


def _non_empty(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        if text:
            yield text


def save_tokenizer(tokenizer: Tokenizer, out_dir: Path) -> Path:
    path = out_dir / TOKENIZER_FILE
    atomic_write(path, lambda tmp: tokenizer.save(str(tmp)))
    return path


def load_tokenizer(path: Path) -> Tokenizer:
    """Load `tokenizer.json` from a file or a folder that holds one."""
    file = path / TOKENIZER_FILE if path.is_dir() else path
    if not file.is_file():
        raise InklingError(f"no tokenizer at {file}")
    try:
        tokenizer = Tokenizer.from_file(str(file))
    except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
        raise InklingError(f"cannot read tokenizer {file}: {str(exc).splitlines()[0]}") from exc
    missing = [tok for tok in specials.ALL if tokenizer.token_to_id(tok) is None]
    if missing:
        raise InklingError(f"tokenizer {file} lacks the special tokens {', '.join(missing)}")
    return tokenizer


def tokenizer_hash(tokenizer: Tokenizer) -> str:
    """A stable fingerprint of the vocabulary and merges, stored in checkpoints to catch mismatches."""
    return hashlib.sha256(tokenizer.to_str().encode("utf-8")).hexdigest()[:16]


def special_id(tokenizer: Tokenizer, token: str) -> int:
    token_id = tokenizer.token_to_id(token)
    if token_id is None:
        raise InklingError(f"tokenizer lacks the special token {token}")
    return int(token_id)
