/**
 * Scripted answers for the prompts of TrustLens's write commands inside the extension host, where
 * an input box cannot be typed into: `vscode.window.showInputBox`, `showQuickPick`,
 * `showOpenDialog` and the `show…Message` notifications are replaced while a test
 * runs, and every call is recorded so the test can check what the user was asked and shown.
 */
import * as vscode from 'vscode';

/** One prompt as the user would have seen it. */
export interface Asked {
  readonly kind: 'input' | 'pick' | 'open' | 'warning' | 'info' | 'error';
  /** The prompt, placeholder or message. */
  readonly text: string;
  /** For input boxes: whether typing is hidden. */
  readonly password?: boolean;
  /** For input boxes: the prefilled value; for quick picks: the labels offered. */
  readonly value?: string;
  /** For warnings: whether they were modal. */
  readonly modal?: boolean;
  /** For messages: the buttons offered, e.g. `['Load Key…', 'Add Signer…']`. */
  readonly items?: readonly string[];
  /** For modal messages: the text under the message. */
  readonly detail?: string;
}

/** How to answer. Each returns `undefined` to cancel. */
export interface Answers {
  /** A passphrase box (`password: true`), by its prompt. */
  passphrase(prompt: string): string | undefined;
  /** Any other input box; default: accept the prefilled value. */
  input?(prompt: string, value: string | undefined): string | undefined;
  /** The label to pick. */
  pick?(labels: readonly string[]): string | undefined;
  open?(): vscode.Uri | undefined;
  /** The button to press on a warning. */
  warning?(message: string): string | undefined;
  /** The button to press on an error or information message; default: none (it is closed). */
  message?(message: string, items: readonly string[]): string | undefined;
}

/** The message options and buttons of a `show…Message(message, options?, ...items)` call. */
function messageArgs(rest: readonly unknown[]): { options: vscode.MessageOptions; items: string[] } {
  const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? rest[0] as vscode.MessageOptions : {};
  const items = rest.map((r) => (typeof r === 'string' ? r : (r as { title?: unknown } | null)?.title)).filter((t): t is string => typeof t === 'string');
  return { options, items };
}

/** Installs the answers; `restore()` puts VS Code's functions back. */
export function scriptPrompts(answers: Answers): { asked: Asked[]; restore(): void } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const names = ['showInputBox', 'showQuickPick', 'showOpenDialog', 'showWarningMessage', 'showInformationMessage', 'showErrorMessage'];
  const originals = names.map((n) => w[n]);
  const asked: Asked[] = [];
  w.showInputBox = async (o: vscode.InputBoxOptions = {}) => {
    const text = o.prompt ?? '';
    asked.push({ kind: 'input', text, password: o.password === true, ...(o.value === undefined ? {} : { value: o.value }) });
    const answer = o.password ? answers.passphrase(text) : (answers.input ?? ((_p: string, v: string | undefined) => v))(text, o.value);
    // A real box would not accept an answer its validation refuses.
    const problem = answer === undefined ? undefined : await o.validateInput?.(answer);
    if (problem) throw new Error(`the input box "${text}" refused the scripted answer: ${typeof problem === 'string' ? problem : problem.message}`);
    return answer;
  };
  w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, o: vscode.QuickPickOptions = {}) => {
    const list = await items;
    const labels = list.map((i) => i.label);
    asked.push({ kind: 'pick', text: o.placeHolder ?? o.title ?? '', value: labels.join(' | ') });
    const label = answers.pick?.(labels);
    return list.find((i) => i.label === label);
  };
  w.showOpenDialog = async (o: vscode.OpenDialogOptions = {}) => {
    asked.push({ kind: 'open', text: o.title ?? '' });
    const uri = answers.open?.();
    return uri ? [uri] : undefined;
  };
  w.showWarningMessage = async (message: string, ...rest: unknown[]) => {
    const { options, items } = messageArgs(rest);
    asked.push({ kind: 'warning', text: message, modal: options.modal === true, items, ...(options.detail === undefined ? {} : { detail: options.detail }) });
    return answers.warning?.(message);
  };
  w.showInformationMessage = async (message: string, ...rest: unknown[]) => {
    const { items } = messageArgs(rest);
    asked.push({ kind: 'info', text: message, items });
    return answers.message?.(message, items);
  };
  w.showErrorMessage = async (message: string, ...rest: unknown[]) => {
    const { items } = messageArgs(rest);
    asked.push({ kind: 'error', text: message, items });
    return answers.message?.(message, items);
  };
  return {
    asked,
    restore: () => names.forEach((n, i) => (w[n] = originals[i])),
  };
}
