// Interpreter resolution (setting → Python extension → python3) and the `import inkling` check, with fakes.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, test } from "node:test";

import {
  bundleFolders,
  cannotStartMessage,
  checkInkling,
  chooseFirst,
  chooseServer,
  expandPath,
  installCommand,
  interpreterFromPythonExtension,
  readBundle,
  resolveInterpreter,
  runProcess,
  type Bundle,
  type ExtensionHandle,
  type Interpreter,
  type PythonExtensionApi,
  type Run,
  type RunResult,
} from "../../extension/src/python";

const HOME = "/home/ada";
const REPO = join(__dirname, "..", "..", "..");

function extension(api: PythonExtensionApi, active = true): ExtensionHandle & { activations: number } {
  const handle = {
    isActive: active,
    exports: active ? api : undefined,
    activations: 0,
    activate: async () => {
      handle.activations += 1;
      return api;
    },
  };
  return handle;
}

function fakeRun(result: Partial<RunResult>, calls: Array<[string, string[]]> = []): Run {
  return async (command, args) => {
    calls.push([command, args]);
    return { exitCode: 0, stdout: "", stderr: "", ...result };
  };
}

describe("expandPath", () => {
  test("home and workspace variables, relative paths from the workspace, bare commands kept", () => {
    assert.equal(expandPath("~/venv/bin/python", HOME), "/home/ada/venv/bin/python");
    assert.equal(expandPath("${userHome}/py", HOME), "/home/ada/py");
    assert.equal(expandPath("${workspaceFolder}/.venv/bin/python", HOME, "/w"), "/w/.venv/bin/python");
    assert.equal(expandPath(".venv/bin/python", HOME, "/w"), "/w/.venv/bin/python");
    assert.equal(expandPath("python3.12", HOME, "/w"), "python3.12");
    assert.equal(expandPath("/usr/bin/python3", HOME, "/w"), "/usr/bin/python3");
  });
});

describe("resolveInterpreter", () => {
  const base = { home: HOME, platform: "linux" as NodeJS.Platform, workspaceFolder: "/w" };

  test("the setting wins, and the Python extension is not even asked", async () => {
    let asked = false;
    const found = await resolveInterpreter({
      ...base,
      settingPath: "~/envs/ink/bin/python",
      pythonExtension: async () => {
        asked = true;
        return ["/other/python"];
      },
    });
    assert.deepEqual(found, { argv: ["/home/ada/envs/ink/bin/python"], source: "setting" });
    assert.equal(asked, false);
  });

  test("without the setting, the Python extension's interpreter", async () => {
    const found = await resolveInterpreter({ ...base, settingPath: " ", pythonExtension: async () => ["/w/.venv/bin/python"] });
    assert.deepEqual(found, { argv: ["/w/.venv/bin/python"], source: "python-extension" });
  });

  test("without both, python3 (python on Windows)", async () => {
    assert.deepEqual(await resolveInterpreter({ ...base, settingPath: "" }), { argv: ["python3"], source: "default" });
    assert.deepEqual(await resolveInterpreter({ ...base, settingPath: "", pythonExtension: async () => undefined }), {
      argv: ["python3"],
      source: "default",
    });
    assert.deepEqual((await resolveInterpreter({ ...base, platform: "win32", settingPath: "" })).argv, ["python"]);
  });
});

describe("interpreterFromPythonExtension", () => {
  const log = (): void => undefined;

  test("not installed: undefined", async () => {
    assert.equal(await interpreterFromPythonExtension(undefined, undefined, log), undefined);
  });

  test("the environments API, resolved to the executable; the extension is activated first when needed", async () => {
    const handle = extension(
      {
        environments: {
          getActiveEnvironmentPath: () => ({ id: "venv", path: "/w/.venv" }),
          resolveEnvironment: async () => ({ executable: { uri: { fsPath: "/w/.venv/bin/python" } } }),
        },
      },
      false,
    );
    assert.deepEqual(await interpreterFromPythonExtension(handle, undefined, log), ["/w/.venv/bin/python"]);
    assert.equal(handle.activations, 1);
  });

  test("the environment path when it cannot be resolved", async () => {
    const handle = extension({ environments: { getActiveEnvironmentPath: () => ({ path: "/usr/bin/python3.11" }) } });
    assert.deepEqual(await interpreterFromPythonExtension(handle, undefined, log), ["/usr/bin/python3.11"]);
  });

  test("the older settings API, whole command line (conda run ...)", async () => {
    const handle = extension({ settings: { getExecutionDetails: () => ({ execCommand: ["conda", "run", "-n", "ml", "python"] }) } });
    assert.deepEqual(await interpreterFromPythonExtension(handle, undefined, log), ["conda", "run", "-n", "ml", "python"]);
  });

  test("an API that throws gives undefined and a log line", async () => {
    const lines: string[] = [];
    const handle = extension({
      environments: {
        getActiveEnvironmentPath: () => {
          throw new Error("not ready");
        },
      },
    });
    assert.equal(await interpreterFromPythonExtension(handle, undefined, (m) => lines.push(m)), undefined);
    assert.match(lines[0], /not ready/);
  });
});

describe("checkInkling", () => {
  const venv: Interpreter = { argv: ["/w/.venv/bin/python"], source: "setting" };

  test("imports: ok with the version, run as `<python> -c ...`", async () => {
    const calls: Array<[string, string[]]> = [];
    assert.deepEqual(await checkInkling(venv, fakeRun({ stdout: "0.1.0\n" }, calls)), { ok: true, version: "0.1.0" });
    assert.equal(calls[0][0], "/w/.venv/bin/python");
    assert.equal(calls[0][1][0], "-c");
    assert.match(calls[0][1][1], /import inkling/);
  });

  test("a prefix of the command line goes before -c", async () => {
    const calls: Array<[string, string[]]> = [];
    await checkInkling({ argv: ["conda", "run", "python"], source: "python-extension" }, fakeRun({ stdout: "0.1.0" }, calls));
    assert.deepEqual(calls[0][1].slice(0, 3), ["run", "python", "-c"]);
  });

  test("no such interpreter", async () => {
    const check = await checkInkling(venv, fakeRun({ exitCode: null, spawnError: "ENOENT" }));
    assert.deepEqual(check, { ok: false, reason: "not-found", detail: "ENOENT" });
  });

  test("no inkling package", async () => {
    const stderr = 'Traceback (most recent call last):\n  File "<string>", line 1\nModuleNotFoundError: No module named \'inkling\'\n';
    const check = await checkInkling(venv, fakeRun({ exitCode: 1, stderr }));
    assert.deepEqual(check, { ok: false, reason: "no-inkling", detail: "ModuleNotFoundError: No module named 'inkling'" });
  });

  test("a broken install", async () => {
    const check = await checkInkling(venv, fakeRun({ exitCode: 1, stderr: "ImportError: cannot import name 'x'" }));
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.reason, "failed");
  });

  test("an interpreter that hangs", async () => {
    const check = await checkInkling(venv, fakeRun({ exitCode: null, timedOut: true }));
    assert.deepEqual(check, { ok: false, reason: "failed", detail: "it did not finish within 30 s" });
  });

  test("the message names the interpreter, where it came from, and the install command", () => {
    const message = cannotStartMessage({ argv: ["python3"], source: "default" }, { ok: false, reason: "no-inkling", detail: "" });
    assert.match(message, /"python3"/);
    assert.match(message, /the default/);
    assert.match(message, /python3 -m pip install -c constraints\.txt -e \./);
    assert.match(message, /checkout of Inkling/);
    assert.match(message, /inkling\.server\.pythonPath/);
    assert.equal(
      installCommand({ argv: ["/opt/my env/python"], source: "setting" }),
      '"/opt/my env/python" -m pip install -c constraints.txt -e .',
    );
  });

  test("the real runner: a missing executable and a real process", async () => {
    assert.equal((await runProcess("/nonexistent/python3", [], 5_000)).spawnError, "ENOENT");
    const node = await runProcess(process.execPath, ["-e", "process.stdout.write('hi'); process.exit(3)"], 5_000);
    assert.deepEqual({ code: node.exitCode, out: node.stdout }, { code: 3, out: "hi" });
    const slow = await runProcess(process.execPath, ["-e", "setTimeout(() => {}, 5000)"], 200);
    assert.equal(slow.timedOut, true);
  });

  const repoPython = join(REPO, ".venv", "bin", "python");
  test("the repository's .venv imports inkling", { skip: !existsSync(repoPython) && "no .venv (make setup)" }, async () => {
    const check = await checkInkling({ argv: [repoPython], source: "setting" }, runProcess);
    assert.equal(check.ok, true, JSON.stringify(check));
  });
});

/** A runner that plays a Python of `version`: it answers the version probe, and imports inkling only from `libs`
 * (when `installed`, also without them). Calls are recorded with the libs they got. */
function fakePython(version: string, installed: boolean, calls: Array<{ args: string[]; libs?: string[] }> = []): Run {
  return async (_command, args, _timeoutMs, libs) => {
    calls.push({ args, libs });
    const code = args[args.length - 1];
    if (code.includes("version_info")) {
      return { exitCode: 0, stdout: version, stderr: "" };
    }
    if (installed || libs !== undefined) {
      return { exitCode: 0, stdout: "0.1.0", stderr: "" };
    }
    return { exitCode: 1, stdout: "", stderr: "ModuleNotFoundError: No module named 'inkling'" };
  };
}

describe("the bundled server (a platform .vsix)", () => {
  const bundle: Bundle = { root: "/ext/bundled/libs", pythons: ["3.11", "3.12", "3.13"] };
  const python3: Interpreter = { argv: ["python3"], source: "default" };

  test("readBundle reads bundle.json's Pythons; no bundle, or a broken record, is none", () => {
    const root = mkdtempSync(join(tmpdir(), "inkling-ext-"));
    try {
      assert.equal(readBundle(root), undefined);
      mkdirSync(join(root, "bundled", "libs"), { recursive: true });
      writeFileSync(join(root, "bundled", "libs", "bundle.json"), "{not json");
      assert.equal(readBundle(root), undefined);
      writeFileSync(join(root, "bundled", "libs", "bundle.json"), JSON.stringify({ pythons: ["3.11", "3.12"] }));
      assert.deepEqual(readBundle(root), { root: join(root, "bundled", "libs"), pythons: ["3.11", "3.12"] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("the folders for a Python: common, then its own version's; none for a version the bundle lacks", () => {
    assert.deepEqual(bundleFolders(bundle, "3.12"), ["/ext/bundled/libs/common", "/ext/bundled/libs/cp312"]);
    assert.equal(bundleFolders(bundle, "3.10"), undefined);
  });

  test("python3 without inkling runs the bundle's, with the folders on its path", async () => {
    const calls: Array<{ args: string[]; libs?: string[] }> = [];
    const choice = await chooseServer(python3, bundle, fakePython("3.12", false, calls));
    assert.equal(choice.ok, true);
    assert.deepEqual(choice.interpreter.libs, ["/ext/bundled/libs/common", "/ext/bundled/libs/cp312"]);
    assert.deepEqual(calls.at(-1)?.libs, choice.interpreter.libs); // the import check ran with them
  });

  test("the setting's interpreter with inkling installed keeps its own (the manual route); without, the bundle", async () => {
    const setting: Interpreter = { argv: ["/venv/bin/python"], source: "setting" };
    const own = await chooseServer(setting, bundle, fakePython("3.11", true));
    assert.deepEqual(own, { ok: true, interpreter: setting, version: "0.1.0" });
    const bundled = await chooseServer(setting, bundle, fakePython("3.11", false));
    assert.equal(bundled.ok, true);
    assert.deepEqual(bundled.interpreter.libs, ["/ext/bundled/libs/common", "/ext/bundled/libs/cp311"]);
  });

  test("a too old, an unsupported or a missing Python: a message that says what to install", async () => {
    const old = await chooseServer(python3, bundle, fakePython("3.9", false));
    assert.equal(old.ok, false);
    assert.match(!old.ok ? old.message : "", /needs Python 3\.11 or newer, and "python3" .* is Python 3\.9\. Install Python 3\.11, 3\.12, 3\.13/);
    const newer = await chooseServer(python3, bundle, fakePython("3.14", false));
    assert.match(!newer.ok ? newer.message : "", /needs one of Python 3\.11, 3\.12, 3\.13, and "python3" .* is Python 3\.14/);
    const missing = await chooseServer(python3, bundle, fakeRun({ exitCode: null, spawnError: "ENOENT" }));
    assert.match(!missing.ok ? missing.message : "", /did not run \(ENOENT\)\. Install Python 3\.11/);
  });

  test("without a bundle, a Python without inkling gets the install message, as before", async () => {
    const choice = await chooseServer(python3, undefined, fakePython("3.12", false));
    assert.equal(choice.ok, false);
    assert.match(!choice.ok ? choice.message : "", /cannot import the inkling package/);
  });

  test("the first that qualifies: the Python extension's too old interpreter gives way to python3", async () => {
    const selected: Interpreter = { argv: ["/old/bin/python"], source: "python-extension" };
    const run: Run = async (command, args, timeoutMs, libs) =>
      fakePython(command === "/old/bin/python" ? "3.9" : "3.12", false)(command, args, timeoutMs, libs);
    const choice = await chooseFirst(selected, bundle, run, "linux");
    assert.equal(choice.ok, true);
    assert.deepEqual(choice.interpreter.argv, ["python3"]);
    assert.match(choice.skipped[0] ?? "", /"\/old\/bin\/python" .* is Python 3\.9/);
    const setting: Interpreter = { argv: ["/old/bin/python"], source: "setting" };
    const kept = await chooseFirst(setting, bundle, run, "linux"); // the setting is the user's choice: no fallback
    assert.equal(kept.ok, false);
    assert.deepEqual(kept.interpreter.argv, ["/old/bin/python"]);
  });

  test("the real runner puts the folders first on PYTHONPATH", async () => {
    const out = await runProcess(process.execPath, ["-e", "process.stdout.write(process.env.PYTHONPATH ?? '')"], 5_000, ["/a", "/b"]);
    assert.equal(out.stdout.split(delimiter).slice(0, 2).join(","), "/a,/b");
  });
});
