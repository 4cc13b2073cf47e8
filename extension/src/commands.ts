// The "Inkling: ..." commands of the palette, each a thin wrapper over the context or a server command.

import * as vscode from "vscode";

import { executeServerCommand, isCancelled, MissingCommandError } from "./client";
import type { Ctx } from "./ctx";
import { generateMessage, modelInfoLine, modelInfoMarkdown, normalizeMessage, trainingOutcome } from "./format";
import { parseMinutes, SNOOZE_LIMITS } from "./gate";
import { progressAsNotifications } from "./progress";
import { SERVER_COMMANDS, type GenerateResult, type ModelInfo, type NormalizeResult } from "./protocol";

/** Runs a command body and turns any failure into an error message (and a log line). */
function guarded(ctx: Ctx, name: string, body: (...args: unknown[]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    try {
      await body(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.output.error(`${name}: ${message}`);
      const choice = await vscode.window.showErrorMessage(`Inkling: ${message}`, "Show Logs");
      if (choice === "Show Logs") {
        ctx.output.show(true);
      }
    }
  };
}

async function toggle(ctx: Ctx): Promise<void> {
  const wasSnoozed = ctx.gate.isSnoozed();
  await ctx.toggle();
  const state = wasSnoozed ? "back on (snooze ended)" : ctx.gate.isEnabled() ? "on" : "off";
  vscode.window.setStatusBarMessage(`Inkling: inline suggestions ${state}`, 3_000);
}

async function snooze(ctx: Ctx, minutesArg: unknown): Promise<void> {
  let minutes = typeof minutesArg === "number" ? parseMinutes(String(minutesArg)) : undefined;
  if (minutes === undefined) {
    const answer = await vscode.window.showInputBox({
      title: "Snooze Inkling",
      prompt: "For how many minutes should inline suggestions stop?",
      value: String(SNOOZE_LIMITS.default),
      validateInput: (text) =>
        parseMinutes(text) === undefined
          ? `A number of minutes from ${SNOOZE_LIMITS.minimum} to ${SNOOZE_LIMITS.maximum}`
          : undefined,
    });
    if (answer === undefined) {
      return;
    }
    minutes = parseMinutes(answer);
  }
  if (minutes === undefined) {
    return;
  }
  const until = new Date(ctx.snooze(minutes));
  const clock = until.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  vscode.window.setStatusBarMessage(`Inkling: suggestions snoozed until ${clock}`, 3_000);
}

async function trigger(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor !== undefined && !ctx.gate.allows(editor.document.languageId)) {
    const why = !ctx.gate.enabledFor(editor.document.languageId)
      ? `are not on for ${editor.document.languageId} files (setting "inkling.languages")`
      : ctx.gate.isSnoozed()
        ? "are snoozed"
        : "are turned off";
    void vscode.window.showInformationMessage(
      `Inkling: inline suggestions ${why}; click Inkling in the status bar to turn them on.`,
    );
    return;
  }
  await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
}

async function normalize(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    throw new Error("Normalize Style works on the active editor: open a Python file first.");
  }
  if (!ctx.gate.enabledFor(editor.document.languageId)) {
    throw new Error(`Inkling is not on for ${editor.document.languageId} files (setting "inkling.languages").`);
  }
  const client = ctx.requireClient();
  const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
  const selection = editor.selection;
  const args: unknown[] = selection.isEmpty ? [uri] : [uri, client.code2ProtocolConverter.asRange(selection)];
  const scope = selection.isEmpty ? "file" : "selection";
  const result = await executeServerCommand<NormalizeResult>(client, SERVER_COMMANDS.normalizeStyle, args);
  ctx.output.info(`normalize style (${scope}): ${JSON.stringify(result)}`);
  const message = normalizeMessage(result, scope);
  if (message !== undefined) {
    vscode.window.setStatusBarMessage(message, 5_000);
  }
}

/** A generating server command at the cursor of the active Python editor: [uri, position]. */
async function generate(ctx: Ctx, command: string, what: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    throw new Error(`${what} works on the active editor: open a Python file first.`);
  }
  if (!ctx.gate.enabledFor(editor.document.languageId)) {
    throw new Error(`Inkling is not on for ${editor.document.languageId} files (setting "inkling.languages").`);
  }
  const client = ctx.requireClient();
  const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
  const position = client.code2ProtocolConverter.asPosition(editor.selection.active);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Inkling: ${what}` },
    () => executeServerCommand<GenerateResult>(client, command, [uri, position]),
  );
  ctx.output.info(`${what}: ${JSON.stringify(result)}`);
  const message = generateMessage(result, what);
  if (message !== undefined) {
    vscode.window.setStatusBarMessage(message, 5_000);
  }
}

const TRAIN_CHOICES: Record<string, number> = { "Train for 5 Minutes": 5, "Train for 20 Minutes": 20 };

async function train(ctx: Ctx): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    throw new Error("Train on This Workspace needs an open folder: open the project to train on first.");
  }
  const folder =
    folders.length === 1
      ? folders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: "Train Inkling on the Python files of which folder?" });
  if (folder === undefined) {
    return;
  }
  const choice = await vscode.window.showInformationMessage(
    `Train Inkling's model on the Python files in "${folder.name}"?`,
    {
      modal: true,
      detail:
        "Training runs on this machine's CPU; its progress shows in a notification, where you can cancel it. " +
        "The new model replaces the current one only if it does better on held-out files of the folder.",
    },
    ...Object.keys(TRAIN_CHOICES),
  );
  if (choice === undefined || !(await ctx.ensureTraining())) {
    return;
  }
  const client = ctx.requireClient();
  ctx.output.info(`training on ${folder.uri.fsPath} for ${TRAIN_CHOICES[choice]} minutes`);
  progressAsNotifications(client);
  let answer: unknown;
  try {
    answer = await executeServerCommand<unknown>(client, SERVER_COMMANDS.trainWorkspace, [
      folder.uri.fsPath,
      TRAIN_CHOICES[choice],
    ]);
  } catch (error) {
    if (isCancelled(error)) {
      void vscode.window.showInformationMessage("Inkling: training cancelled; the current model stays.");
      return;
    }
    if (error instanceof MissingCommandError) {
      throw new Error(
        `this version of the Inkling server cannot train on a workspace (no "${SERVER_COMMANDS.trainWorkspace}" ` +
          `command). Upgrade the inkling package, then run "Inkling: Restart Server"; meanwhile "inkling finetune" ` +
          `trains from a terminal.`,
      );
    }
    throw error;
  }
  ctx.output.info(`training finished: ${JSON.stringify(answer)}`);
  const outcome = trainingOutcome(answer, folder.name);
  if (outcome.severity === "error") {
    void vscode.window.showErrorMessage(outcome.text);
    return;
  }
  if (outcome.model === undefined) {
    void vscode.window.showInformationMessage(outcome.text);
    return;
  }
  const keep = await vscode.window.showInformationMessage(outcome.text, "Keep for This Workspace");
  if (keep !== undefined) {
    // The server uses the new model until it restarts; the setting makes it stay.
    await vscode.workspace.getConfiguration("inkling").update("modelPath", outcome.model, vscode.ConfigurationTarget.Workspace);
  }
}

async function showModelInfo(ctx: Ctx): Promise<void> {
  const client = ctx.requireClient();
  const info = await executeServerCommand<ModelInfo>(client, SERVER_COMMANDS.modelInfo, []);
  ctx.output.info(`model info: ${JSON.stringify(info)}`);
  const choice = await vscode.window.showInformationMessage(modelInfoLine(info), "Details");
  if (choice === "Details") {
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: modelInfoMarkdown(info) });
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

/** Registers every command the manifest contributes. */
export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const commands: Record<string, (...args: unknown[]) => Promise<void>> = {
    "inkling.toggle": () => toggle(ctx),
    "inkling.snooze": (minutes) => snooze(ctx, minutes),
    "inkling.trigger": () => trigger(ctx),
    "inkling.normalize": () => normalize(ctx),
    "inkling.train": () => train(ctx),
    "inkling.codeFromComment": () => generate(ctx, SERVER_COMMANDS.generateCode, "code from comment"),
    "inkling.completeFunctionBody": () => generate(ctx, SERVER_COMMANDS.generateCode, "function body"),
    "inkling.generateDocstring": () => generate(ctx, SERVER_COMMANDS.insertDocstring, "docstring"),
    "inkling.testScaffold": () => generate(ctx, SERVER_COMMANDS.generateTest, "unit test scaffold"),
    "inkling.restart": () => ctx.restart(),
    "inkling.showModelInfo": () => showModelInfo(ctx),
    "inkling.showLogs": () => Promise.resolve(ctx.output.show(true)),
  };
  return Object.entries(commands).map(([id, body]) => vscode.commands.registerCommand(id, guarded(ctx, id, body)));
}
