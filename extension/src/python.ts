// Finds the Python interpreter that runs the server (setting → Python extension → python3) and checks it has inkling,
// from its own environment or from the libraries a platform .vsix carries (bundled/libs).

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export type InterpreterSource = "setting" | "python-extension" | "default";

/** An interpreter as a command line: the executable and any arguments before `-m inkling serve` (conda run ...). */
export interface Interpreter {
  argv: string[];
  source: InterpreterSource;
  /** The bundled library folders put on PYTHONPATH (a platform .vsix); absent: inkling is installed in it. */
  libs?: string[];
}

/** The oldest Python the server runs on (pyproject.toml's requires-python). */
export const MIN_PYTHON = "3.11";

const SOURCE_NAMES: Record<InterpreterSource, string> = {
  setting: 'the setting "inkling.server.pythonPath"',
  "python-extension": "the Python extension's selected interpreter",
  default: "the default, since neither the setting nor the Python extension named one",
};

/** The parts of the ms-python.python API this extension uses (newer `environments` and older `settings`). */
export interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: unknown): { id?: string; path: string } | undefined;
    resolveEnvironment?(
      environment: { id?: string; path: string },
    ): Promise<{ executable?: { uri?: { fsPath: string } } } | undefined>;
  };
  settings?: {
    getExecutionDetails?(resource?: unknown): { execCommand: string[] | undefined };
  };
}

/** What `vscode.extensions.getExtension` returns, reduced to what is used here. */
export interface ExtensionHandle {
  isActive: boolean;
  exports: unknown;
  activate(): Thenable<unknown>;
}

export interface ResolveInputs {
  /** inkling.server.pythonPath, as the user wrote it ("" when unset). */
  settingPath: string;
  /** The first workspace folder, for ${workspaceFolder} and relative paths. */
  workspaceFolder?: string;
  home: string;
  platform: NodeJS.Platform;
  /** The Python extension's active interpreter, when it is installed and has one. */
  pythonExtension?: () => Promise<string[] | undefined>;
}

/** `~`, `${userHome}` and `${workspaceFolder}` expanded; a relative path with a separator is taken from the workspace. */
export function expandPath(raw: string, home: string, workspaceFolder?: string): string {
  let value = raw.trim();
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    value = home + value.slice(1);
  }
  value = value.replace(/\$\{userHome\}/g, home);
  if (workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    const isBareCommand = !value.includes("/") && !value.includes("\\");
    if (!isBareCommand && !path.isAbsolute(value)) {
      value = path.join(workspaceFolder, value);
    }
  }
  return value;
}

/** The Python extension's active interpreter for `resource`, or undefined when there is none or its API fails. */
export async function interpreterFromPythonExtension(
  extension: ExtensionHandle | undefined,
  resource: unknown,
  log: (message: string) => void,
): Promise<string[] | undefined> {
  if (extension === undefined) {
    return undefined;
  }
  try {
    const api = (extension.isActive ? extension.exports : await extension.activate()) as PythonExtensionApi | undefined;
    const environments = api?.environments;
    if (environments !== undefined) {
      const active = environments.getActiveEnvironmentPath(resource);
      if (active !== undefined && environments.resolveEnvironment !== undefined) {
        const executable = (await environments.resolveEnvironment(active))?.executable?.uri?.fsPath;
        if (executable) {
          return [executable];
        }
      }
      if (active?.path) {
        return [active.path];
      }
    }
    const command = api?.settings?.getExecutionDetails?.(resource).execCommand;
    if (command !== undefined && command.length > 0 && command.every((part) => part.length > 0)) {
      return [...command];
    }
  } catch (error) {
    log(`the Python extension did not name an interpreter: ${String(error)}`);
  }
  return undefined;
}

/** The interpreter to run: the setting, else the Python extension's, else python3 (python on Windows). */
export async function resolveInterpreter(inputs: ResolveInputs): Promise<Interpreter> {
  if (inputs.settingPath.trim() !== "") {
    return { argv: [expandPath(inputs.settingPath, inputs.home, inputs.workspaceFolder)], source: "setting" };
  }
  if (inputs.pythonExtension !== undefined) {
    const found = await inputs.pythonExtension();
    if (found !== undefined && found.length > 0) {
      return { argv: found, source: "python-extension" };
    }
  }
  return { argv: [inputs.platform === "win32" ? "python" : "python3"], source: "default" };
}

/**
 * The environment every Python process of the extension gets: PYTHONSAFEPATH=1 keeps the current folder (and a
 * script's folder) off sys.path (Python >= 3.11), so a project file named like a module (argparse.py, inkling.py)
 * is never imported in place of it.
 */
export function safeEnv(base: NodeJS.ProcessEnv = process.env, libs?: string[]): NodeJS.ProcessEnv {
  if (libs === undefined || libs.length === 0) {
    return { ...base, PYTHONSAFEPATH: "1" };
  }
  const after = base.PYTHONPATH ? [base.PYTHONPATH] : [];
  return { ...base, PYTHONSAFEPATH: "1", PYTHONPATH: [...libs, ...after].join(path.delimiter) };
}

/** The working folder of the extension's Python processes: neutral, never a workspace folder (os.tmpdir()). */
export function neutralCwd(): string {
  return os.tmpdir();
}

/** How the server is started: `<interpreter> -m inkling serve`, with the safe path and a neutral working folder. */
export interface ServerLaunch {
  command: string;
  args: string[];
  options: { env: NodeJS.ProcessEnv; cwd: string };
}

export function serverLaunch(interpreter: Interpreter, base: NodeJS.ProcessEnv = process.env): ServerLaunch {
  const [command, ...prefix] = interpreter.argv;
  return {
    command,
    // No `transport`: TransportKind.stdio would append "--stdio", which `inkling serve` rejects; stdio is its default.
    args: [...prefix, "-m", "inkling", "serve"],
    options: { env: { ...safeEnv(base, interpreter.libs), PYTHONUNBUFFERED: "1" }, cwd: neutralCwd() },
  };
}

/** How a finished process went; `spawnError` is set when it could not start (ENOENT, EACCES, ...). */
export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  spawnError?: string;
  timedOut?: boolean;
}

export type Run = (command: string, args: string[], timeoutMs: number, libs?: string[]) => Promise<RunResult>;

/** Runs a Python process to the end (never rejects), with the safe path (and `libs` on it) in a neutral folder. */
export const runProcess: Run = (command, args, timeoutMs, libs) =>
  new Promise((resolve) => {
    const options = { timeout: timeoutMs, windowsHide: true, env: safeEnv(process.env, libs), cwd: neutralCwd() };
    execFile(command, args, options, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: string | number; killed?: boolean }) | null;
      const code = failure?.code;
      if (failure?.killed === true) {
        resolve({ exitCode: null, stdout: String(stdout), stderr: String(stderr), timedOut: true });
        return;
      }
      if (typeof code === "string") {
        resolve({ exitCode: null, stdout: String(stdout), stderr: String(stderr), spawnError: code });
        return;
      }
      const exitCode = error === null ? 0 : typeof code === "number" ? code : null;
      resolve({ exitCode, stdout: String(stdout), stderr: String(stderr) });
    });
  });

export type ImportCheck =
  | { ok: true; version: string }
  | { ok: false; reason: "not-found" | "no-inkling" | "failed"; detail: string };

export const IMPORT_CHECK_TIMEOUT_MS = 30_000;

/** Whether `import inkling` works in the interpreter; on success, the installed inkling version. */
export async function checkInkling(interpreter: Interpreter, run: Run): Promise<ImportCheck> {
  const [command, ...prefix] = interpreter.argv;
  const timeoutSeconds = IMPORT_CHECK_TIMEOUT_MS / 1000;
  const result = await run(
    command,
    [...prefix, "-c", "import inkling, sys; sys.stdout.write(inkling.__version__)"],
    IMPORT_CHECK_TIMEOUT_MS,
    interpreter.libs,
  );
  if (result.spawnError !== undefined) {
    const notFound = result.spawnError === "ENOENT" || result.spawnError === "EACCES";
    return { ok: false, reason: notFound ? "not-found" : "failed", detail: result.spawnError };
  }
  if (result.timedOut === true) {
    return { ok: false, reason: "failed", detail: `it did not finish within ${timeoutSeconds} s` };
  }
  if (result.exitCode === 0) {
    return { ok: true, version: result.stdout.trim() };
  }
  const lines = result.stderr.trim().split(/\r?\n/);
  const last = lines[lines.length - 1] ?? "";
  const missing = /ModuleNotFoundError|No module named/.test(result.stderr);
  return { ok: false, reason: missing ? "no-inkling" : "failed", detail: last || `exit code ${result.exitCode}` };
}

/** The interpreter as the user would type it. */
export function showInterpreter(interpreter: Interpreter): string {
  return interpreter.argv.map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(" ");
}

/** The command that installs inkling into this interpreter, run in a checkout of Inkling (it is not on PyPI). */
export function installCommand(interpreter: Interpreter): string {
  return `${showInterpreter(interpreter)} -m pip install -c constraints.txt -e .`;
}

/** The message shown when the server cannot start from this interpreter: what was tried, why it failed, the fix. */
export function cannotStartMessage(interpreter: Interpreter, check: Exclude<ImportCheck, { ok: true }>): string {
  const shown = showInterpreter(interpreter);
  const tried = `Inkling could not start its server with the Python interpreter "${shown}" (${SOURCE_NAMES[interpreter.source]})`;
  const fix =
    `Install Inkling into it by running "${installCommand(interpreter)}" in your checkout of Inkling (it is not on PyPI), ` +
    `or set "inkling.server.pythonPath" to a Python that has it.`;
  switch (check.reason) {
    case "not-found":
      return `${tried}: it was not found (${check.detail}). Set "inkling.server.pythonPath" to a Python that has Inkling installed, or select one with the Python extension.`;
    case "no-inkling":
      return `${tried}: it cannot import the inkling package. ${fix}`;
    case "failed":
      return `${tried}: "import inkling" failed: ${check.detail}. ${fix}`;
  }
}

/** The server's libraries that a platform .vsix carries (scripts/bundle_libs.py): `common` and one folder per Python. */
export interface Bundle {
  root: string;
  /** The Python versions it has folders for ("3.11", ...). */
  pythons: string[];
}

/** The bundle under `<extension>/bundled/libs`, or undefined in a .vsix without one (the manual route only). */
export function readBundle(extensionPath: string): Bundle | undefined {
  const root = path.join(extensionPath, "bundled", "libs");
  try {
    const record = JSON.parse(fs.readFileSync(path.join(root, "bundle.json"), "utf8")) as { pythons?: unknown };
    const pythons = Array.isArray(record.pythons) ? record.pythons.filter((v): v is string => typeof v === "string") : [];
    return pythons.length > 0 ? { root, pythons } : undefined;
  } catch {
    return undefined;
  }
}

/** The folders to put on PYTHONPATH for a Python of `version` ("3.12"), or undefined when the bundle has none. */
export function bundleFolders(bundle: Bundle, version: string): string[] | undefined {
  if (!bundle.pythons.includes(version)) {
    return undefined;
  }
  return [path.join(bundle.root, "common"), path.join(bundle.root, `cp${version.replace(".", "")}`)];
}

function olderThan(version: string, minimum: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  const [minMajor, minMinor] = minimum.split(".").map(Number);
  return major < minMajor || (major === minMajor && minor < minMinor);
}

/** How the server will run: an interpreter (with the bundle's folders when it uses them) and inkling's version. */
export type ServerChoice =
  | { ok: true; interpreter: Interpreter; version: string }
  | { ok: false; interpreter: Interpreter; message: string };

/**
 * The interpreter the server runs with. The setting's interpreter runs its own inkling when it has one (the manual
 * route); any other, or one without inkling, runs the bundle's when the .vsix carries one: its Python version is
 * checked first, so a missing, too old or unsupported Python gets a message that says what to install.
 */
export async function chooseServer(interpreter: Interpreter, bundle: Bundle | undefined, run: Run): Promise<ServerChoice> {
  if (bundle === undefined || interpreter.source === "setting") {
    const check = await checkInkling(interpreter, run);
    if (check.ok) {
      return { ok: true, interpreter, version: check.version };
    }
    if (bundle === undefined) {
      return { ok: false, interpreter, message: cannotStartMessage(interpreter, check) };
    }
  }
  const shown = showInterpreter(interpreter);
  const [command, ...prefix] = interpreter.argv;
  const probe = await run(command, [...prefix, "-c", "import sys; sys.stdout.write('%d.%d' % sys.version_info[:2])"], IMPORT_CHECK_TIMEOUT_MS);
  const install = `Install Python ${bundle.pythons.join(", ")} (python.org or your system's packages), or set "inkling.server.pythonPath" to one.`;
  const version = probe.stdout.trim();
  if (probe.exitCode !== 0 || !/^\d+\.\d+$/.test(version)) {
    const why = probe.spawnError ?? (probe.timedOut === true ? "it did not answer" : probe.stderr.trim().split(/\r?\n/).pop());
    return {
      ok: false,
      interpreter,
      message: `Inkling needs Python ${MIN_PYTHON} or newer, and "${shown}" (${SOURCE_NAMES[interpreter.source]}) did not run (${why || `exit code ${probe.exitCode}`}). ${install}`,
    };
  }
  const libs = bundleFolders(bundle, version);
  const tooOld = olderThan(version, MIN_PYTHON);
  if (tooOld || libs === undefined) {
    const need = tooOld ? `Python ${MIN_PYTHON} or newer` : `one of Python ${bundle.pythons.join(", ")}`;
    return {
      ok: false,
      interpreter,
      message: `Inkling needs ${need}, and "${shown}" (${SOURCE_NAMES[interpreter.source]}) is Python ${version}. ${install}`,
    };
  }
  const bundled = { ...interpreter, libs };
  const check = await checkInkling(bundled, run);
  return check.ok
    ? { ok: true, interpreter: bundled, version: check.version }
    : { ok: false, interpreter: bundled, message: cannotStartMessage(bundled, check) };
}

/**
 * The server for the first interpreter that qualifies: `found`, then, with a bundle and when `found` came from the
 * Python extension, python3 from the PATH (the setting, when set, is the user's choice and has no fallback). When
 * none qualifies, the answer for `found`; `skipped` holds the messages of those passed over.
 */
export async function chooseFirst(
  found: Interpreter,
  bundle: Bundle | undefined,
  run: Run,
  platform: NodeJS.Platform = process.platform,
): Promise<ServerChoice & { skipped: string[] }> {
  const first = await chooseServer(found, bundle, run);
  if (first.ok || bundle === undefined || found.source !== "python-extension") {
    return { ...first, skipped: [] };
  }
  const fallback: Interpreter = { argv: [platform === "win32" ? "python" : "python3"], source: "default" };
  const second = await chooseServer(fallback, bundle, run);
  return second.ok ? { ...second, skipped: [first.message] } : { ...first, skipped: [] };
}
