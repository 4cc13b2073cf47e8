"""The modelInfo command: the model, its training, the last latency, the analysis, workspace and adaptation."""

from __future__ import annotations

from typing import Any

from inkling.lsp.instance import InklingServer

MODEL_INFO = "inkling.modelInfo"


async def model_info(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: none, or "analysisSamples" for the static analysis's timings too."""

    def info() -> dict[str, Any]:
        checkpoint = ls.engine.runtime.checkpoint
        return {
            "name": checkpoint.path.name,
            "path": str(checkpoint.path),
            "parameters": checkpoint.num_parameters(),
            "config": checkpoint.config.to_dict(),
            "training": checkpoint.meta.get("training", {}),
            "lastLatencyMs": ls.engine.last_latency_ms,
            # the static analysis's cost so far (MemberAnalyzer.stats); its timings too with "analysisSamples"
            "analysis": ls.engine.analyzer.stats("analysisSamples" in args)
            if ls.engine.settings.constrain_members
            else None,
            "workspace": ls.engine.project.stats() if ls.engine.project is not None else None,
            # background adaptation (adaptToWorkspace): idle/running/adopted/rejected/failed/stopped
            "adaptation": ls.adaptation.to_json(),
        }

    return await ls.engine.call(info)


def register(server: InklingServer) -> None:
    server.command(MODEL_INFO)(model_info)
