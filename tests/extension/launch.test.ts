// The server's launch and the import check never import from the user's project: PYTHONSAFEPATH=1, a neutral cwd.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, test } from "node:test";

import { runProcess, serverLaunch } from "../../extension/src/python";

const REPO = join(__dirname, "..", "..", "..");
const repoPython = join(REPO, ".venv", "bin", "python");
const noVenv = !existsSync(repoPython) && "no .venv (make setup)";

/** Whether `folder` is `root` or inside it. */
function inside(folder: string, root: string): boolean {
  const rel = relative(realpathSync(root), realpathSync(folder));
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith("/"));
}

/** A project whose argparse.py and inkling.py write a canary when imported. */
function hostileProject(): { project: string; canary: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), "inkling-launch-"));
  const project = join(root, "project");
  const canary = join(root, "canary.txt");
  mkdirSync(project);
  for (const name of ["argparse", "inkling"]) {
    writeFileSync(join(project, `${name}.py`), `open(${JSON.stringify(canary)}, "a").write("${name}.py ran\\n")\n`);
  }
  return { project, canary, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

describe("serverLaunch", () => {
  test("`-m inkling serve` after the interpreter's own prefix, with PYTHONSAFEPATH=1 and the caller's environment", () => {
    const launch = serverLaunch({ argv: ["conda", "run", "-n", "ink", "python"], source: "setting" }, {
      PATH: "/usr/bin",
      PYTHONSAFEPATH: "",
    });
    assert.equal(launch.command, "conda");
    assert.deepEqual(launch.args, ["run", "-n", "ink", "python", "-m", "inkling", "serve"]);
    assert.equal(launch.options.env.PYTHONSAFEPATH, "1");
    assert.equal(launch.options.env.PYTHONUNBUFFERED, "1");
    assert.equal(launch.options.env.PATH, "/usr/bin");
  });

  test("the working folder is neutral: it exists and is not the workspace nor inside it", () => {
    const workspace = mkdtempSync(join(tmpdir(), "inkling-ws-"));
    try {
      const previous = process.cwd();
      process.chdir(workspace); // as when VS Code was started with `code .` in the project
      try {
        const { cwd } = serverLaunch({ argv: ["python3"], source: "default" }).options;
        assert.equal(existsSync(cwd), true);
        assert.equal(inside(cwd, workspace), false, `${cwd} is inside the workspace ${workspace}`);
      } finally {
        process.chdir(previous);
      }
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test("a real server launched so, even in the project's folder, imports none of its files", { skip: noVenv }, async () => {
    const { project, canary, dispose } = hostileProject();
    try {
      const launch = serverLaunch({ argv: [repoPython], source: "setting" });
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(launch.command, launch.args, { ...launch.options, cwd: project, stdio: ["pipe", "ignore", "ignore"] });
        child.on("exit", resolve);
        child.stdin.end(); // no client: the server stops
      });
      assert.equal(existsSync(canary) ? readFileSync(canary, "utf8") : "", "");
      assert.equal(code, 1); // stdin closed without shutdown: LSP's exit status 1 (the hostile module's is 3)
    } finally {
      dispose();
    }
  });
});

describe("runProcess (the import check)", () => {
  test("runs Python with the safe path in a neutral folder", { skip: noVenv }, async () => {
    const result = await runProcess(repoPython, ["-c", "import os, sys; print(sys.flags.safe_path, os.getcwd())"], 30_000);
    const [safe, cwd] = result.stdout.trim().split(" ");
    assert.equal(safe, "True");
    assert.equal(realpathSync(cwd), realpathSync(tmpdir()));
  });
});
