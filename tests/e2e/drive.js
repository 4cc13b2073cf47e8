// Drives VS Code (code-server) in headless Chromium like a person: open a file, take Inkling's ghost text, run commands.
//
// Usage: node drive.js URL PROJECT_DIR ARTIFACTS_DIR
// Environment: CHROMIUM (the browser), TYPED (what to type at the end of paths.py), FIRST_RUN=1 (stop once the
// ghost text is accepted and saved: the first-run test).
// Prints one JSON line with what it saw; exits non-zero (after a screenshot) when a step fails.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const [url, project, artifacts] = process.argv.slice(2);
const TYPED = process.env.TYPED ?? ".path.";
const started = Date.now();
const timings = {};
const seen = {};

function mark(step) {
  timings[step] = Number(((Date.now() - started) / 1000).toFixed(2));
  console.error(`drive: ${timings[step].toFixed(1)} s ${step}`);
}

/** Monaco renders spaces as no-break spaces. */
const clean = (text) => (text ?? "").replace(/\u00a0/g, " ");

async function poll(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The text of the active editor, without ghost text. */
async function editorText(page) {
  return clean(
    await page.evaluate(() => {
      const lines = document.querySelector(".editor-group-container.active .monaco-editor .view-lines");
      if (!lines) {
        return "";
      }
      const copy = lines.cloneNode(true);
      copy.querySelectorAll("[class*=ghost-text]").forEach((node) => node.remove());
      return copy.textContent;
    }),
  );
}

async function openFile(page, name, expected) {
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await poll(`${name} in the editor`, 30_000, async () => (await editorText(page)).includes(expected));
}

/** The status bar item's accessible label, "Inkling: ready" and so on. */
async function statusLabel(page) {
  const item = page.locator('[id="inkling.inkling.inkling.status"]').first(); // <publisher>.<name>.<item id>
  return (await item.count()) > 0 ? await item.getAttribute("aria-label") : null;
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: 10_000 });
}

/** Puts the cursor at (line, column), both 1-based, through the quick input's go-to-line mode. */
async function goTo(page, line, column) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: 10_000 });
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "inkling-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    mark("workbench");

    await openFile(page, "paths.py", "def config_path");
    mark("file open");
    await poll('the status bar to say "Inkling: ready"', 90_000, async () => (await statusLabel(page)) === "Inkling: ready");
    mark("server ready");

    // Type at the end of the last line, then wait for the model's ghost text.
    await page.locator(".editor-group-container.active .monaco-editor .view-lines").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(TYPED, { delay: 40 });
    // The suggestion's first line, inline after the cursor (later lines of a block render in a view zone below).
    const ghost = page.locator(".editor-group-container.active .monaco-editor .view-lines .ghost-text-decoration");
    let triggered = false;
    const ghostStarted = Date.now();
    seen.ghostText = await poll("ghost text", 60_000, async () => {
      if ((await ghost.count()) > 0) {
        const text = clean(await ghost.first().textContent());
        if (text.trim() !== "") {
          return text;
        }
      }
      if (!triggered && Date.now() - ghostStarted > 15_000) {
        triggered = true; // a fallback through the extension's own keybinding (Trigger Suggestion)
        await page.keyboard.press("Control+Alt+Space");
      }
      return null;
    });
    seen.triggeredByKeybinding = triggered;
    mark("ghost text");
    await page.screenshot({ path: path.join(artifacts, "vscode_ghost_text.png") });

    await page.keyboard.press("Tab");
    await poll("the ghost text to be inserted", 10_000, async () => (await editorText(page)).includes(TYPED + seen.ghostText));
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+S");
    const pathsFile = path.join(project, "paths.py");
    await poll("paths.py saved", 15_000, async () => fs.readFileSync(pathsFile, "utf8").includes(TYPED + seen.ghostText.trimEnd()));
    mark("accepted and saved");
    if (process.env.FIRST_RUN === "1") {
      seen.status = await statusLabel(page);
      console.log(JSON.stringify({ ...seen, timings }));
      return;
    }

    await runCommand(page, "Inkling: Show Model Info");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "Inkling model" }).first();
    await toast.waitFor({ timeout: 20_000 });
    seen.modelInfo = clean(await toast.locator(".notification-list-item-message").first().textContent());
    mark("model info");

    await openFile(page, "messy.py", "GREETING");
    await runCommand(page, "Inkling: Normalize Style");
    await poll("the normalized text in the editor", 20_000, async () => (await editorText(page)).includes('NAME = "world"'));
    await page.keyboard.press("Control+S");
    const messyFile = path.join(project, "messy.py");
    await poll("messy.py saved", 15_000, async () => fs.readFileSync(messyFile, "utf8").includes('NAME = "world"'));
    mark("normalized and saved");

    // Hover over a function's name: the model's one-line summary, marked as generated.
    await openFile(page, "paths.py", "def config_path");
    await goTo(page, 8, 7); // on `data_dir`
    await runCommand(page, "Show or Focus Hover");
    const hover = page.locator(".monaco-hover", { hasText: "Inkling, generated" }).first();
    await hover.waitFor({ timeout: 30_000 });
    seen.hover = clean(await hover.textContent());
    await page.screenshot({ path: path.join(artifacts, "vscode_hover.png") });
    await page.keyboard.press("Escape");
    mark("hover");

    // Insert Generated Docstring from the palette, on the function's `def` line.
    await openFile(page, "shapes.py", "def area");
    await goTo(page, 1, 5);
    await runCommand(page, "Inkling: Insert Generated Docstring");
    await poll("the docstring in the editor", 30_000, async () => (await editorText(page)).includes('"""'));
    await page.keyboard.press("Control+S");
    const shapesFile = path.join(project, "shapes.py");
    await poll("shapes.py saved", 15_000, async () => fs.readFileSync(shapesFile, "utf8").includes('"""'));
    mark("docstring inserted and saved");

    seen.status = await statusLabel(page);
    await page.screenshot({ path: path.join(artifacts, "vscode_final.png") });
    mark("done");
    console.log(JSON.stringify({ ...seen, timings }));
  } catch (error) {
    await page.screenshot({ path: path.join(artifacts, "vscode_failure.png") }).catch(() => undefined);
    seen.status = await statusLabel(page).catch(() => null);
    console.error(`drive: failed: ${error instanceof Error ? error.message : String(error)}`);
    console.log(JSON.stringify({ ...seen, timings, error: String(error) }));
    process.exitCode = 1;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main();
