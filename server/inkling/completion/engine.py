"""The completion engine: the loaded model on its own single-thread executor, prefix/suffix in, text out."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

from inkling.completion.gate import decide
from inkling.lm.checkpoint import LoadedModel, load_checkpoint
from inkling.lm.decode import Vocab, generate


class Engine:
    """Owns the model; every model call runs on one dedicated thread, never on the protocol's threads."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-model")

    @cached_property
    def _loaded(self) -> tuple[LoadedModel, Vocab]:
        loaded = load_checkpoint(self.model_dir)
        return loaded, Vocab(loaded.tokenizer)

    def complete_sync(self, prefix: str, suffix: str) -> str:
        loaded, vocab = self._loaded
        return generate(loaded.model, vocab, prefix, decide(prefix, suffix))

    async def complete(self, prefix: str, suffix: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, self.complete_sync, prefix, suffix
        )
