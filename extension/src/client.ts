// Builds the LanguageClient: the server command line, documents, initializationOptions, middleware and crash policy.

import * as readline from "node:readline";
import type { Readable } from "node:stream";
import type * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorCodes,
  LSPErrorCodes,
  ExecuteCommandRequest,
  LanguageClient,
  ResponseError,
  RevealOutputChannelOn,
  type DocumentSelector,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import type { ServerSettings } from "./config";
import { inlineCompletionMiddleware, type Debouncer, type SuggestionGate } from "./gate";
import { stderrLevel } from "./protocol";
import { serverLaunch, type Interpreter } from "./python";
import type { RestartBudget } from "./restarts";
import { TRAINING_PYTHON_ENV } from "./trainingEnv";

export interface ClientParts {
  interpreter: Interpreter;
  /** The managed training environment's interpreter, when there is one: the server trains with it. */
  trainingPython?: string;
  serverSettings: ServerSettings;
  languages: string[];
  outputChannel: vscode.LogOutputChannel;
  gate: SuggestionGate;
  debouncer: Debouncer;
  budget: RestartBudget;
  /** Called when the server crashed too often and stays down; the argument says so for the user. */
  onGaveUp(message: string): void;
}

/** Documents of the enabled languages, saved or not. */
export function documentSelector(languages: readonly string[]): DocumentSelector {
  return languages.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
}

function crashPolicy(parts: ClientParts): ErrorHandler {
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      if (parts.budget.crashed()) {
        return { action: CloseAction.Restart, message: "The Inkling server stopped unexpectedly: restarting it." };
      }
      const minutes = Math.round(parts.budget.windowMs / 60_000);
      const message =
        `The Inkling server stopped ${parts.budget.limit + 1} times within ${minutes} minutes, so it stays down. ` +
        `See "Inkling: Show Logs" for why, then run "Inkling: Restart Server".`;
      parts.onGaveUp(message);
      return { action: CloseAction.DoNotRestart, message, handled: true };
    },
  };
}

/** Copies a stream of the server's log into the output channel, line by line, at each line's own level. */
function pipeLog(input: Readable, channel: vscode.LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false })
    .on("line", (line: string) => channel[stderrLevel(line)](line));
}

export function createClient(parts: ClientParts): LanguageClient {
  // PYTHONSAFEPATH=1 and a working folder outside the workspace: the project's own files are never imported.
  const base = parts.trainingPython === undefined ? process.env : { ...process.env, [TRAINING_PYTHON_ENV]: parts.trainingPython };
  const serverOptions: ServerOptions = serverLaunch(parts.interpreter, base);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(parts.languages),
    outputChannel: parts.outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // Only the server's own keys, never the extension-only ones (server.pythonPath, languages, debounceMs).
    // `synchronize.configurationSection: "inkling"` is deliberately not used: it would send the whole section,
    // and the server logs a warning for every key it does not know, on every change. `Ctx` sends the server's
    // keys itself with workspace/didChangeConfiguration (see `notifySettings`).
    initializationOptions: parts.serverSettings,
    stdioOptions: { stdout: pipeLog, stderr: pipeLog },
    errorHandler: crashPolicy(parts),
    middleware: {
      provideInlineCompletionItems: inlineCompletionMiddleware<
        vscode.TextDocument,
        vscode.Position,
        vscode.InlineCompletionContext,
        vscode.CancellationToken,
        vscode.InlineCompletionItem[] | vscode.InlineCompletionList
      >(parts.gate, parts.debouncer),
    },
  };
  return new LanguageClient("inkling", "Inkling", serverOptions, clientOptions);
}

/** Sends the server its settings; the server takes the section under "inkling" (settings.py `parse_settings`). */
export async function notifySettings(client: LanguageClient, settings: ServerSettings): Promise<void> {
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { inkling: settings } });
}

/** The server does not offer this command (an older inkling package). */
export class MissingCommandError extends Error {
  constructor(readonly command: string) {
    super(
      `This Inkling server does not offer the command "${command}": upgrade the inkling package in the ` +
        `interpreter the server runs with ("Inkling: Show Logs" names it), then run "Inkling: Restart Server".`,
    );
  }
}

/** The request was cancelled (by the user, from the progress notification). */
export function isCancelled(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

/** Runs one of the server's commands and returns its answer; MissingCommandError when the server lacks it. */
export async function executeServerCommand<T>(client: LanguageClient, command: string, args: unknown[]): Promise<T> {
  const offered = client.initializeResult?.capabilities.executeCommandProvider?.commands;
  if (offered !== undefined && !offered.includes(command)) {
    throw new MissingCommandError(command);
  }
  try {
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
  } catch (error) {
    const unknown =
      error instanceof ResponseError &&
      (error.code === ErrorCodes.MethodNotFound ||
        (error.message.includes(command) && /not defined|unknown|not found/i.test(error.message)));
    if (unknown) {
      throw new MissingCommandError(command);
    }
    throw error;
  }
}
