// What the status bar shows, the status notification's parsing, and the commands' message text.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { generateMessage, modelInfoLine, modelInfoMarkdown, normalizeMessage, summaryLine, trainingOutcome } from "../../extension/src/format";
import { parseStatus, stderrLevel, type StatusParams } from "../../extension/src/protocol";
import { describeStatus, type StatusInput } from "../../extension/src/statusView";

const READY: StatusParams = { state: "ready", model: "default", latencyMs: 41.4, message: "" };
const base: StatusInput = { server: READY, clientError: undefined, enabled: true, snoozeLeftMs: 0 };

describe("describeStatus", () => {
  test("ready: model and latency in the tooltip; a click toggles", () => {
    const view = describeStatus(base);
    assert.equal(view.state, "ready");
    assert.equal(view.label, "Inkling: ready");
    assert.match(view.tooltip, /Model: default/);
    assert.match(view.tooltip, /Last completion: 41 ms/);
    assert.equal(view.command, "inkling.toggle");
  });

  test("each state", () => {
    assert.equal(describeStatus({ ...base, server: undefined }).state, "loading");
    assert.equal(describeStatus({ ...base, server: { ...READY, state: "busy" } }).state, "busy");
    assert.equal(describeStatus({ ...base, enabled: false }).state, "disabled");
    assert.equal(describeStatus({ ...base, server: { ...READY, state: "disabled" } }).state, "disabled");
    const snoozed = describeStatus({ ...base, snoozeLeftMs: 14.2 * 60_000 });
    assert.equal(snoozed.state, "snoozed");
    assert.match(snoozed.text, /15m/);
    const error = describeStatus({ ...base, server: { ...READY, state: "error", message: "cannot load the model" } });
    assert.equal(error.state, "error");
    assert.match(error.tooltip, /cannot load the model/);
    assert.equal(error.command, "inkling.showLogs");
    assert.equal(describeStatus({ ...base, clientError: "no inkling in python3" }).state, "error");
  });
});

describe("parseStatus", () => {
  test("the documented shape, and nothing else", () => {
    assert.deepEqual(parseStatus({ state: "ready", model: "default", latencyMs: 12, message: "" }), {
      state: "ready",
      model: "default",
      latencyMs: 12,
      message: "",
    });
    assert.deepEqual(parseStatus({ state: "loading" }), { state: "loading", model: "", latencyMs: null, message: "" });
    assert.equal(parseStatus({ state: "sleeping" }), undefined);
    assert.equal(parseStatus(null), undefined);
  });
});

describe("stderrLevel", () => {
  test("the server's log levels; unformatted lines (tracebacks) are errors", () => {
    const at = "2026-11-30 07:52:28,859";
    assert.equal(stderrLevel(`${at} inkling.server INFO model default ready`), "debug");
    assert.equal(stderrLevel(`${at} pygls.protocol WARNING Cancel notification for unknown message id`), "warn");
    assert.equal(stderrLevel(`${at} inkling.server ERROR cannot load the model`), "error");
    assert.equal(stderrLevel("Traceback (most recent call last):"), "error");
    assert.equal(stderrLevel("inkling: error: unrecognized arguments: --stdio"), "error");
  });
});

describe("messages", () => {
  const info = {
    name: "default",
    path: "/site-packages/inkling/assets/default",
    parameters: 3_210_000,
    config: { hidden: 512, layers: 2 },
    training: { steps: 9000 },
    lastLatencyMs: null,
  };

  test("model info", () => {
    assert.match(modelInfoLine(info), /^Inkling model "default": 3\.2M parameters, no completion yet/);
    const markdown = modelInfoMarkdown({ ...info, lastLatencyMs: 20 });
    assert.match(markdown, /# Inkling model "default"/);
    assert.match(markdown, /- hidden: 512/);
    assert.match(markdown, /## Training/);
    assert.doesNotMatch(markdown, /## Workspace index|## Background adaptation/);
    const more = modelInfoMarkdown({ ...info, workspace: { files: 12, built: true }, adaptation: { state: "adopted" } });
    assert.match(more, /## Workspace index\n\n- files: 12\n- built: true/);
    assert.match(more, /## Background adaptation\n\n- state: adopted/);
  });

  test("normalize results", () => {
    assert.equal(
      normalizeMessage({ status: "changed", rules: ["quotes", "operators"], applied: true, reason: "" }, "file"),
      "Inkling normalized the file: quotes, operators.",
    );
    assert.match(normalizeMessage({ status: "unchanged", rules: [], applied: false, reason: "" }, "selection") ?? "", /already/);
    assert.equal(normalizeMessage({ status: "skipped", rules: [], applied: false, reason: "syntax" }, "file"), undefined);
  });

  test("generating commands: inserted, the test file created or added to, cancelled; the server says the rest", () => {
    assert.equal(generateMessage({ applied: true, reason: "", text: "x = 1\n" }, "docstring"), "Inkling: docstring inserted.");
    assert.equal(
      generateMessage({ applied: true, reason: "", uri: "file:///p/tests/test_my%20mod.py", created: true }, "unit test scaffold"),
      "Inkling: unit test scaffold created test_my mod.py.",
    );
    assert.match(generateMessage({ applied: true, reason: "", uri: "file:///p/tests/test_m.py", created: false }, "t") ?? "", /added to test_m\.py/);
    assert.equal(generateMessage({ applied: false, reason: "cancelled" }, "function body"), "Inkling: function body cancelled.");
    assert.equal(generateMessage({ applied: false, reason: "the function has a docstring already" }, "docstring"), undefined);
    assert.match(generateMessage({ applied: false, reason: "" }, "docstring") ?? "", /not applied/);
  });

  test("training outcomes: the server's message, an error when it failed, the new model when it switched", () => {
    const failed = trainingOutcome({ status: "failed", message: "Training failed: too few Python files" }, "proj");
    assert.deepEqual(failed, { severity: "error", text: 'Inkling, training on "proj": Training failed: too few Python files', model: undefined });
    const trained = trainingOutcome({ status: "trained", message: "12 files trained on", model: "/m/new", files: 12 }, "proj");
    assert.equal(trained.severity, "info");
    assert.equal(trained.model, "/m/new");
    assert.equal(trainingOutcome({ status: "no-improvement", message: "no improvement", model: null }, "p").model, undefined);
    assert.match(trainingOutcome({ files: 3 }, "p").text, /files: 3/);
  });

  test("training summaries keep scalars", () => {
    assert.equal(summaryLine({ files: 12, loss: 2.34567, model: "/m", nested: { a: 1 } }), "files: 12, loss: 2.346, model: /m");
    assert.equal(summaryLine(undefined), "");
  });
});
