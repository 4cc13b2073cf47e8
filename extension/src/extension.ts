// The extension's entry points: activate builds the context, registers the commands and starts the server.

import type * as vscode from "vscode";

import { registerCommands } from "./commands";
import { Ctx } from "./ctx";

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  ctx = new Ctx(context.extensionPath, context.globalStorageUri.fsPath);
  context.subscriptions.push(ctx, ...registerCommands(ctx));
  void ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
