// Shows the server's cancellable work-done progress (training) as a notification with a Cancel button.
//
// vscode-languageclient shows server-initiated progress in the status bar only (ProgressLocation.Window), where it
// cannot be cancelled. Taking over `window/workDoneProgress/create` before a long command fixes that; the client's
// own handler comes back by itself when the server restarts.

import * as vscode from "vscode";
import {
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type LanguageClient,
  type ProgressToken,
  type WorkDoneProgressBegin,
  type WorkDoneProgressReport,
} from "vscode-languageclient/node";

/** One piece of server progress, from begin to end (or to the client stopping). */
class Tracked {
  private reported = 0;
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private finish: (() => void) | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: LanguageClient,
    private readonly token: ProgressToken,
    private readonly onEnd: () => void,
  ) {
    this.subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === "begin") {
        this.begin(value);
      } else if (value.kind === "report") {
        this.report(value);
      } else {
        this.end();
      }
    });
  }

  private begin(params: WorkDoneProgressBegin): void {
    const location = params.cancellable ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    void vscode.window.withProgress(
      { location, title: params.title, cancellable: params.cancellable === true },
      (progress, cancellation) => {
        this.progress = progress;
        cancellation.onCancellationRequested(() => {
          void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
        });
        this.report(params);
        return new Promise<void>((resolve) => (this.finish = resolve));
      },
    );
  }

  private report(params: WorkDoneProgressBegin | WorkDoneProgressReport): void {
    let increment: number | undefined;
    if (typeof params.percentage === "number") {
      const percentage = Math.max(0, Math.min(params.percentage, 100));
      increment = Math.max(0, percentage - this.reported);
      this.reported += increment;
    }
    this.progress?.report({ message: params.message, increment });
  }

  end(): void {
    this.subscription.dispose();
    this.finish?.();
    this.finish = undefined;
    this.onEnd();
  }
}

const activeByClient = new WeakMap<LanguageClient, Set<Tracked>>();

/** Server progress from now on shows as a notification (cancellable when the server says so). Call it before each
 * long command: a server restart gives the request back to the client's own handler. */
export function progressAsNotifications(client: LanguageClient): void {
  let active = activeByClient.get(client);
  if (active === undefined) {
    const tracked = new Set<Tracked>();
    active = tracked;
    activeByClient.set(client, tracked);
    client.onDidChangeState(() => {
      if (!client.isRunning()) {
        tracked.forEach((item) => item.end());
        tracked.clear();
      }
    });
  }
  const tracked = active;
  client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    const item = new Tracked(client, token, () => tracked.delete(item));
    tracked.add(item);
  });
}
