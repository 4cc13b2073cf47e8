"""build_server: an InklingServer with every feature module's handlers registered on it."""

from __future__ import annotations

from pathlib import Path

from inkling.lsp import (
    actions,
    documents,
    generation,
    hover,
    lifecycle,
    model_info,
    normalize,
    suggestions,
    training,
)
from inkling.lsp.adapt import Adaptation
from inkling.lsp.instance import InklingServer

# in this order: the commands reach the client's initialize result in the order they are registered
FEATURES = (lifecycle, documents, suggestions, hover, actions, normalize, generation, training, model_info)


def build_server(model_dir: Path) -> InklingServer:
    """A server for the model in `model_dir` (until the client's settings name another)."""
    server = InklingServer(model_dir, Adaptation)
    for feature in FEATURES:
        feature.register(server)
    return server
