// Finds the Python interpreter that runs the server (setting → Python extension → python3) and checks it has inkling.

import { execFile } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

export type InterpreterSource = "setting" | "python-extension" | "default";

/** An interpreter as a command line: the executable and any arguments before `-m inkling serve` (conda run ...). */
export interface Interpreter {
  argv: string[];
  source: InterpreterSource;
}

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
export function safeEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PYTHONSAFEPATH: "1" };
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
    options: { env: { ...safeEnv(base), PYTHONUNBUFFERED: "1" }, cwd: neutralCwd() },
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

export type Run = (command: string, args: string[], timeoutMs: number) => Promise<RunResult>;

/** Runs a Python process to the end (never rejects), with the safe path in a neutral working folder. */
export const runProcess: Run = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    const options = { timeout: timeoutMs, windowsHide: true, env: safeEnv(), cwd: neutralCwd() };
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
