// The managed training environment, made with real processes: a real venv, a real pip; success leaves a ready
// environment, failure and cancellation leave nothing; PyTorch's pin is constraints.txt's.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";

import type { Interpreter } from "../../extension/src/python";
import {
  createTrainingEnv,
  existingTrainingPython,
  runStep,
  torchArguments,
  TORCH_VERSION,
  trainingEnv,
} from "../../extension/src/trainingEnv";

const REPO = join(__dirname, "..", "..", "..");
const PYTHON: Interpreter = { argv: ["python3"], source: "default" };
const noPython = (() => {
  try {
    execFileSync("python3", ["-c", "import venv, ensurepip"], { stdio: "ignore" });
    return false;
  } catch {
    return "no python3 with venv and ensurepip";
  }
})();

function storage(): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), "inkling-storage-"));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

describe("the training environment", () => {
  test("PyTorch's pin is constraints.txt's; the CPU build from its index, except on macOS", () => {
    assert.match(readFileSync(join(REPO, "constraints.txt"), "utf8"), new RegExp(`^torch==${TORCH_VERSION.replace(/\./g, "\\.")}$`, "m"));
    assert.deepEqual(torchArguments("linux", "https://x/cpu"), ["--extra-index-url", "https://x/cpu", `torch==${TORCH_VERSION}+cpu`]);
    assert.deepEqual(torchArguments("darwin", "https://x/cpu"), ["--extra-index-url", "https://x/cpu", `torch==${TORCH_VERSION}`]);
    assert.deepEqual(torchArguments("linux", ""), [`torch==${TORCH_VERSION}`]);
  });

  test("made: a venv whose pip ran, marked ready only at the end", { skip: noPython }, async () => {
    const place = storage();
    try {
      assert.equal(existingTrainingPython(place.path), undefined);
      const reports: string[] = [];
      // pip installs what the venv already has: a real pip run that needs no package index.
      const result = await createTrainingEnv(PYTHON, place.path, (m) => reports.push(m), () => false, runStep, ["--no-index", "pip"]);
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(existingTrainingPython(place.path), trainingEnv(place.path).python);
      assert.ok(existsSync(trainingEnv(place.path).python));
      assert.ok(reports.includes("creating the environment") && reports.includes("installing PyTorch (CPU build)"), reports.join("\n"));
    } finally {
      place.dispose();
    }
  });

  test("a failed install leaves nothing, and says which step failed and why", { skip: noPython }, async () => {
    const place = storage();
    try {
      const result = await createTrainingEnv(PYTHON, place.path, () => undefined, () => false, runStep, [
        "--no-index",
        "inkling-no-such-package-anywhere",
      ]);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : "", /installing PyTorch \(CPU build\) failed \(exit 1\): .*inkling-no-such-package-anywhere/);
      assert.equal(existsSync(trainingEnv(place.path).folder), false);
      assert.equal(existingTrainingPython(place.path), undefined);
    } finally {
      place.dispose();
    }
  });

  test("cancelled during a step: the process is stopped and nothing stays", { skip: noPython }, async () => {
    const place = storage();
    try {
      let cancel = false;
      const started = Date.now();
      const result = await createTrainingEnv(
        PYTHON,
        place.path,
        (message) => {
          if (message === "creating the environment") {
            cancel = true; // venv would take seconds: stopped at once
          }
        },
        () => cancel,
      );
      assert.deepEqual(result, { ok: false, cancelled: true, message: "cancelled: nothing was kept" });
      assert.equal(existsSync(trainingEnv(place.path).folder), false);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      place.dispose();
    }
  });
});
