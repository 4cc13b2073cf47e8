// The managed training environment: a virtual environment in the extension's global storage holding PyTorch's CPU
// build, made on demand when Train on This Workspace finds no PyTorch; the server runs its training children with it.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { neutralCwd, safeEnv, type Interpreter, type Run } from "./python";

/** constraints.txt's pin: the PyTorch the training code is tested with. */
export const TORCH_VERSION = "2.13.0";
/** Where pip finds PyTorch's CPU build (PyPI's Linux and Windows wheels carry CUDA, several GB). The environment
 * variable INKLING_TORCH_INDEX overrides it; set empty, pip uses its own configuration only. */
export const TORCH_INDEX = "https://download.pytorch.org/whl/cpu";

/** The server learns the training interpreter from this environment variable (lsp/training.py). */
export const TRAINING_PYTHON_ENV = "INKLING_TRAINING_PYTHON";

/** The managed environment's folder and its interpreter. */
export function trainingEnv(storage: string, platform: NodeJS.Platform = process.platform): { folder: string; python: string } {
  const folder = path.join(storage, "training-env");
  const python = platform === "win32" ? path.join(folder, "Scripts", "python.exe") : path.join(folder, "bin", "python");
  return { folder, python };
}

/** The managed interpreter when the environment is complete (its marker is written last), else undefined. */
export function existingTrainingPython(storage: string): string | undefined {
  const env = trainingEnv(storage);
  return fs.existsSync(path.join(env.folder, "inkling-ready")) ? env.python : undefined;
}

/** Whether `import torch` would work in the interpreter (find_spec: no 2-second torch import). */
export async function hasTorch(interpreter: Interpreter, run: Run): Promise<boolean> {
  const [command, ...prefix] = interpreter.argv;
  const code = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 3)";
  const result = await run(command, [...prefix, "-c", code], 30_000, interpreter.libs);
  return result.exitCode === 0;
}

/** pip's arguments for PyTorch: the CPU build where PyPI's default is not (the +cpu wheels of the CPU index). */
export function torchArguments(platform: NodeJS.Platform, index: string): string[] {
  const cpuTagged = platform !== "darwin" && index !== "";
  const requirement = cpuTagged ? `torch==${TORCH_VERSION}+cpu` : `torch==${TORCH_VERSION}`;
  return [...(index !== "" ? ["--extra-index-url", index] : []), requirement];
}

/** One step's process: its output lines go to `log`; `cancelled` kills it. */
export type Step = (command: string, args: string[], log: (line: string) => void, cancelled: () => boolean) => Promise<number | null>;

export const runStep: Step = (command, args, log, cancelled) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: neutralCwd(), env: safeEnv(), windowsHide: true });
    const forward = (chunk: Buffer) => chunk.toString().split(/\r?\n/).filter(Boolean).forEach(log);
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    const timer = setInterval(() => {
      if (cancelled()) {
        child.kill();
      }
    }, 200);
    child.on("error", (error) => {
      clearInterval(timer);
      log(String(error));
      resolve(null);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      resolve(code);
    });
  });

export type SetupResult = { ok: true; python: string } | { ok: false; cancelled: boolean; message: string };

/**
 * Makes the managed environment from `base` (the server's interpreter): `venv`, then pip installs `packages` (by
 * default PyTorch's CPU build); `report` gets each step. Cancelled or failed, the folder is removed: nothing stays
 * half made, and the next try starts afresh.
 */
export async function createTrainingEnv(
  base: Interpreter,
  storage: string,
  report: (message: string) => void,
  cancelled: () => boolean,
  step: Step = runStep,
  packages: string[] = torchArguments(process.platform, process.env.INKLING_TORCH_INDEX ?? TORCH_INDEX),
): Promise<SetupResult> {
  const env = trainingEnv(storage);
  fs.rmSync(env.folder, { recursive: true, force: true });
  fs.mkdirSync(storage, { recursive: true });
  const [command, ...prefix] = base.argv;
  const steps: Array<[string, string, string[]]> = [
    ["creating the environment", command, [...prefix, "-m", "venv", env.folder]],
    ["installing PyTorch (CPU build)", env.python, ["-m", "pip", "install", "--disable-pip-version-check", ...packages]],
  ];
  for (const [what, program, args] of steps) {
    report(what);
    const tail: string[] = [];
    const code = await step(program, args, (line) => {
      tail.push(line);
      tail.splice(0, Math.max(0, tail.length - 5));
      report(`${what}: ${line.slice(0, 120)}`);
    }, cancelled);
    if (cancelled() || code !== 0) {
      fs.rmSync(env.folder, { recursive: true, force: true });
      return cancelled()
        ? { ok: false, cancelled: true, message: "cancelled: nothing was kept" }
        : { ok: false, cancelled: false, message: `${what} failed (exit ${code}): ${tail.join(" | ")}` };
    }
  }
  fs.writeFileSync(path.join(env.folder, "inkling-ready"), `torch ${TORCH_VERSION}\n`);
  return { ok: true, python: env.python };
}
