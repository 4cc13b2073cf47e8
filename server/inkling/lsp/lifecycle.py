"""The session's lifecycle: initialize, initialized (the model loads), configuration changes, shutdown."""

from __future__ import annotations

from lsprotocol import types

from inkling.lsp import project
from inkling.lsp.instance import InklingServer


def initialize(ls: InklingServer, params: types.InitializeParams) -> None:
    ls.requested_model = ls.apply_settings(params.initialization_options)


async def initialized(ls: InklingServer, params: types.InitializedParams) -> None:
    await ls.load_model(ls.requested_model)
    project.start_index(ls)
    await ls.adaptation.follow_settings()


async def shutdown(ls: InklingServer, params: None) -> None:
    await ls.adaptation.stop("the server is shutting down")  # no training child outlives the server


async def did_change_configuration(ls: InklingServer, params: types.DidChangeConfigurationParams) -> None:
    ls.requested_model = ls.apply_settings(params.settings)
    project.start_index(ls)
    await ls.adaptation.follow_settings()
    if ls.requested_model != ls.engine.model_dir or not ls.engine.loaded:
        await ls.load_model(ls.requested_model)
    elif ls.status.state in ("ready", "disabled"):
        ls.set_status("ready" if ls.engine.settings.enabled else "disabled")


def register(server: InklingServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.SHUTDOWN)(shutdown)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
