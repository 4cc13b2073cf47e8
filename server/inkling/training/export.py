"""Export: a copy of a trained model for shipping, its weights optionally stored as float16 (numpy: it runs
without torch)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from inkling.atomic import atomic_write
from inkling.errors import InklingError
from inkling.serving.checkpoint import (
    CONFIG_FILE,
    RESUME_FILE,
    WEIGHTS_FILE,
    load_checkpoint,
    save_checkpoint,
)
from inkling.serving.tokenizer import TOKENIZER_FILE


def export_checkpoint(src: Path, dst: Path, half: bool) -> Path:
    """A copy of the model in src (weights, config, tokenizer and its other records, not a resume state) in
    dst, its weights stored as float16 when `half`: how the shipped model is written."""
    checkpoint = load_checkpoint(src)
    if dst.resolve() == src.resolve():
        raise InklingError("export to another folder than the model's")
    save_checkpoint(dst, checkpoint.config, checkpoint.tokenizer, checkpoint.tensors, checkpoint.meta, half=half)
    written = {WEIGHTS_FILE, CONFIG_FILE, TOKENIZER_FILE, RESUME_FILE}
    for extra in sorted(src.iterdir()):
        if extra.is_file() and extra.name not in written:
            atomic_write(dst / extra.name, functools.partial(shutil.copyfile, extra))
    return dst
