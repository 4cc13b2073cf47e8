// The client's lifecycle: find Python, check inkling, start, follow settings, restart (one at a time), stop.

import * as os from "node:os";
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";

import { createClient, notifySettings } from "./client";
import { readExtensionSettings, readServerSettings, SettingsWatch, type ServerSettings } from "./config";
import { Debouncer, SuggestionGate } from "./gate";
import { parseStatus, STATUS_NOTIFICATION } from "./protocol";
import {
  chooseFirst,
  installCommand,
  interpreterFromPythonExtension,
  readBundle,
  resolveInterpreter,
  runProcess,
  showInterpreter,
  type Bundle,
  type Interpreter,
  type PythonExtensionApi,
} from "./python";
import { RestartBudget, Serial } from "./restarts";
import { StatusBar } from "./statusBar";
import { createTrainingEnv, existingTrainingPython, hasTorch } from "./trainingEnv";

const PYTHON_EXTENSION = "ms-python.python";
const SNOOZE_REFRESH_MS = 15_000;

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly gate = new SuggestionGate();
  private readonly statusBar = new StatusBar();
  private readonly debouncer = new Debouncer(75);
  private readonly budget = new RestartBudget();
  private readonly serial = new Serial();
  private readonly watch = new SettingsWatch();
  private readonly disposables: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private interpreter: Interpreter | undefined;
  private snoozeTimer: NodeJS.Timeout | undefined;
  private watchingPythonExtension = false;

  /** The server's libraries carried by a platform .vsix; undefined in one without (the manual route only). */
  private readonly bundle: Bundle | undefined;

  /** The extension's global storage: where the managed training environment lives. */
  private readonly storage: string;

  constructor(extensionPath: string, storage: string) {
    this.bundle = readBundle(extensionPath);
    this.storage = storage;
    this.output = vscode.window.createOutputChannel("Inkling", { log: true });
    this.gate.onDidChange(() => this.switchChanged());
    this.disposables.push(
      this.output,
      this.statusBar,
      vscode.workspace.onDidChangeConfiguration(() => this.configurationChanged()),
    );
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration("inkling");
  }

  /** The running client; throws with a message for the user when there is none. */
  requireClient(): LanguageClient {
    if (this.client === undefined || !this.client.isRunning()) {
      throw new Error('The Inkling server is not running: see "Inkling: Show Logs", then run "Inkling: Restart Server".');
    }
    return this.client;
  }

  start(): Promise<void> {
    return this.serial.run(() => this.startNow());
  }

  /** Stops the server and starts it afresh (with a fresh crash budget); restarts queue up, one at a time. */
  restart(): Promise<void> {
    return this.serial.run(async () => {
      this.output.info("restarting the server");
      await this.stopNow();
      this.budget.reset();
      await this.startNow();
    });
  }

  stop(): Promise<void> {
    return this.serial.run(() => this.stopNow());
  }

  private readSettings(): ServerSettings {
    const extension = readExtensionSettings(this.config);
    const server = readServerSettings(this.config);
    for (const warning of [...extension.warnings, ...server.warnings]) {
      this.output.warn(warning);
    }
    this.debouncer.setDelay(extension.value.debounceMs);
    this.gate.setLanguages(extension.value.languages);
    this.gate.setEnabled(server.value.enabled);
    return server.value;
  }

  private async findInterpreter(): Promise<Interpreter> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const resource = vscode.window.activeTextEditor?.document.uri ?? folder?.uri;
    const pythonExtension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
    return resolveInterpreter({
      settingPath: readExtensionSettings(this.config).value.pythonPath,
      workspaceFolder: folder?.uri.fsPath,
      home: os.homedir(),
      platform: process.platform,
      pythonExtension:
        pythonExtension === undefined
          ? undefined
          : async () => {
              const found = await interpreterFromPythonExtension(pythonExtension, resource, (m) =>
                this.output.warn(m),
              );
              this.watchPythonExtension(pythonExtension);
              return found;
            },
    });
  }

  /** Restarts the server when the user picks another interpreter in the Python extension (and set none here). */
  private watchPythonExtension(extension: vscode.Extension<PythonExtensionApi>): void {
    const event = (extension.exports as { environments?: { onDidChangeActiveEnvironmentPath?: vscode.Event<unknown> } })
      ?.environments?.onDidChangeActiveEnvironmentPath;
    if (this.watchingPythonExtension || event === undefined) {
      return;
    }
    this.watchingPythonExtension = true;
    this.disposables.push(
      event(() => {
        if (this.interpreter?.source !== "setting") {
          this.output.info("the Python extension's interpreter changed");
          void this.restart();
        }
      }),
    );
  }

  private async startNow(): Promise<void> {
    const settings = this.readSettings();
    this.watch.started(readExtensionSettings(this.config).value, settings);
    this.statusBar.setServer(undefined);
    const found = await this.findInterpreter();
    this.output.info(`Python: ${showInterpreter(found)} (${found.source})`);
    const choice = await chooseFirst(found, this.bundle, runProcess);
    for (const message of choice.skipped) {
      this.output.warn(`${message} Trying python3 from the PATH instead.`);
    }
    const interpreter = choice.interpreter;
    this.interpreter = interpreter;
    if (!choice.ok) {
      // A remote window (code-server, SSH, WSL) takes this machine-overridable setting from the Remote settings only.
      const remote = vscode.env.remoteName !== undefined && interpreter.source !== "setting";
      const message = remote
        ? `${choice.message} In this remote window, VS Code reads "inkling.server.pythonPath" from the Remote settings, not from your local user settings.`
        : choice.message;
      this.output.error(message);
      this.statusBar.setClientError(message);
      void this.offerFixes(message, interpreter);
      return;
    }
    const from = interpreter.libs === undefined ? "installed" : "bundled with the extension";
    this.output.info(`inkling ${choice.version} (${from}); starting "${showInterpreter(interpreter)} -m inkling serve"`);
    const client = createClient({
      interpreter,
      trainingPython: existingTrainingPython(this.storage),
      serverSettings: settings,
      languages: readExtensionSettings(this.config).value.languages,
      outputChannel: this.output,
      gate: this.gate,
      debouncer: this.debouncer,
      budget: this.budget,
      onGaveUp: (message) => {
        this.statusBar.setClientError(message);
        void vscode.window.showErrorMessage(message, "Restart Server", "Show Logs").then((choice) => {
          if (choice === "Restart Server") {
            void this.restart();
          } else if (choice === "Show Logs") {
            this.output.show(true);
          }
        });
      },
    });
    client.onNotification(STATUS_NOTIFICATION, (raw: unknown) => {
      const status = parseStatus(raw);
      if (status !== undefined) {
        this.statusBar.setServer(status);
      }
    });
    client.onDidChangeState((event) => {
      if (event.newState === State.Starting) {
        this.statusBar.setServer(undefined);
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      const message = `The Inkling server did not start: ${error instanceof Error ? error.message : String(error)}`;
      this.output.error(message);
      this.statusBar.setClientError(message);
      void vscode.window.showErrorMessage(message, "Show Logs").then((choice) => {
        if (choice === "Show Logs") {
          this.output.show(true);
        }
      });
    }
  }

  /**
   * Whether training can run: the managed environment exists, or the server's Python has PyTorch. Otherwise it
   * offers to make the managed environment (progress, cancel), and restarts the server with it; declined,
   * cancelled or failed, everything stays as it was and training does not start.
   */
  async ensureTraining(): Promise<boolean> {
    const interpreter = this.interpreter;
    if (existingTrainingPython(this.storage) !== undefined || interpreter === undefined || (await hasTorch(interpreter, runProcess))) {
      return true;
    }
    const choice = await vscode.window.showInformationMessage(
      "Training needs PyTorch, which the server's Python does not have. Set up a training environment for Inkling?",
      {
        modal: true,
        detail:
          `It installs PyTorch's CPU build (about 900 MB) into a virtual environment in this extension's storage ` +
          `(${this.storage}), made from "${showInterpreter(interpreter)}". Nothing else on your machine changes.`,
      },
      "Set Up",
    );
    if (choice !== "Set Up") {
      return false;
    }
    const base = { argv: interpreter.argv, source: interpreter.source }; // the venv module is the standard library's
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Inkling: training environment", cancellable: true },
      (progress, token) =>
        createTrainingEnv(
          base,
          this.storage,
          (message) => {
            this.output.info(`training environment: ${message}`);
            progress.report({ message });
          },
          () => token.isCancellationRequested,
        ),
    );
    if (!result.ok) {
      this.output.warn(`training environment: ${result.message}`);
      if (!result.cancelled) {
        void vscode.window.showErrorMessage(`Inkling could not set up its training environment: ${result.message}`);
      }
      return false;
    }
    this.output.info(`training environment ready: ${result.python}; restarting the server to train with it`);
    await this.restart();
    return true;
  }

  private async offerFixes(message: string, interpreter: Interpreter): Promise<void> {
    // With a bundle there is nothing to install into the interpreter: the fix is another Python or the setting.
    const actions = this.bundle === undefined ? ["Copy Install Command", "Open Settings", "Show Logs"] : ["Open Settings", "Show Logs"];
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === "Copy Install Command") {
      await vscode.env.clipboard.writeText(installCommand(interpreter));
    } else if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "inkling.server.pythonPath");
    } else if (choice === "Show Logs") {
      this.output.show(true);
    }
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      if (client.state !== State.Stopped) {
        await client.stop(5_000);
      }
    } catch (error) {
      this.output.warn(`stopping the server: ${String(error)}`);
    }
    await client.dispose().catch(() => undefined);
  }

  private configurationChanged(): void {
    const change = this.watch.changed(readExtensionSettings(this.config).value, readServerSettings(this.config).value);
    if (change === "restart") {
      void this.restart();
      return;
    }
    if (change === "none") {
      return;
    }
    const settings = this.readSettings();
    const client = this.client;
    if (client !== undefined && client.isRunning()) {
      notifySettings(client, settings).catch((error) => this.output.warn(`sending settings: ${String(error)}`));
    }
  }

  /** Turns suggestions on or off in the settings (where the user set them), or ends a snooze. */
  async toggle(): Promise<void> {
    if (this.gate.isSnoozed()) {
      this.gate.resume();
      return;
    }
    const enabled = !this.gate.isEnabled();
    const where = this.config.inspect<boolean>("enabled");
    const target =
      where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    this.gate.setEnabled(enabled);
    await this.config.update("enabled", enabled, target);
  }

  snooze(minutes: number): number {
    return this.gate.snooze(minutes);
  }

  /** Shows the switch and snooze; while snoozed, refreshes the countdown and notices the end of the snooze. */
  private switchChanged(): void {
    this.stopSnoozeTimer();
    const left = this.gate.snoozeLeftMs();
    this.statusBar.setSwitch(this.gate.isEnabled(), left);
    if (left > 0) {
      this.snoozeTimer = setTimeout(() => {
        this.snoozeTimer = undefined;
        this.switchChanged();
      }, Math.min(SNOOZE_REFRESH_MS, left + 50));
    }
  }

  private stopSnoozeTimer(): void {
    if (this.snoozeTimer !== undefined) {
      clearTimeout(this.snoozeTimer);
      this.snoozeTimer = undefined;
    }
  }

  dispose(): void {
    this.stopSnoozeTimer();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
