import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { shortDigest } from '../../core/model/imageText';
import { switchTagFix } from '../../core/fixes/pinFix';
import type { SignedTag as SignedTagChoice } from '../../core/trust/trustDetails';
import { familiarRepository } from '../../core/model/imageRef';
import { locateReference, replacementsEdit, textAtOf, type ReferenceArgs } from '../codeActions/edits';
import type { TrustLensServices } from '../services';

/** Arguments of `trustlens.switchToSignedTag`: the reference, and optionally the tag to switch to (no picker). */
export interface SwitchTagArgs extends ReferenceArgs {
  tag?: string;
}

/**
 * "Switch to signed tag…": lists the tags the repository releases, from its verified trust data,
 * closest to the current tag first, and rewrites the image as `<name as written>:<tag>@<digest>`.
 */
export function registerSwitchTag(services: TrustLensServices): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.switchToSignedTag', async (args?: SwitchTagArgs) => {
    try {
      return await switchTag(services, args);
    } catch (e) {
      void vscode.window.showErrorMessage(`TrustLens: cannot switch the tag: ${describeError(e)}`);
      return false;
    }
  });
}

async function switchTag(services: TrustLensServices, args: SwitchTagArgs | undefined): Promise<boolean> {
  const located = await locateReference(args);
  const result = located && services.results.at(located.doc.uri, located.position);
  if (!located || result?.target.kind !== 'reference') {
    void vscode.window.showInformationMessage('TrustLens: place the cursor on a checked image reference to switch its tag.');
    return false;
  }
  const { doc } = located;
  const occurrence = result.target.occurrence;
  const policy = await services.policyFor(doc.uri);
  if (policy instanceof Error) throw policy;
  const repo = familiarRepository(occurrence.ref.repository);
  const key = services.trust.repositoryKeys(occurrence, policy)[0];
  if (!key) {
    void vscode.window.showInformationMessage(`TrustLens: ${repo} is not checked under this workspace's policy.`);
    return false;
  }
  const details = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `TrustLens: reading the signed tags of ${repo}` },
    () => services.trust.details(key, { policy, result, now: Date.now(), warningDays: policy.expiryWarningDays }),
  );
  if (details.problem) {
    void vscode.window.showWarningMessage(`TrustLens: no verified trust data for ${repo}: ${details.problem.message}`);
    return false;
  }
  const current = occurrence.ref.effectiveTag;
  const choices = details.signedTags;
  if (choices.length === 0) {
    void vscode.window.showInformationMessage(`TrustLens: ${repo} has no released signed tags on ${key.server}.`);
    return false;
  }
  const choice = args?.tag !== undefined ? choices.find((c) => c.tag === args.tag) : await pick(choices, repo, current);
  if (!choice) {
    if (args?.tag !== undefined) void vscode.window.showWarningMessage(`TrustLens: ${repo}:${args.tag} is not a released signed tag.`);
    return false;
  }
  const fix = switchTagFix(occurrence, choice.tag, choice.digest, textAtOf(doc));
  if (!fix) {
    void vscode.window.showInformationMessage('TrustLens: the document changed since it was checked; try again in a moment.');
    return false;
  }
  if (fix.kind === 'disabled') {
    void vscode.window.showWarningMessage(`TrustLens: ${fix.reason}`);
    return false;
  }
  return vscode.workspace.applyEdit(replacementsEdit(doc.uri, [fix.replacement]));
}

function describeSigners(choice: SignedTagChoice): string {
  const by = choice.signers.length > 0 ? choice.signers.join(', ') : 'the repository key';
  return `signed by ${by} in ${choice.role}`;
}

async function pick(choices: readonly SignedTagChoice[], repo: string, current: string | null): Promise<SignedTagChoice | undefined> {
  const items = choices.map((choice) => ({ label: choice.tag, description: shortDigest(choice.digest), detail: describeSigners(choice), choice }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Switch ${repo}${current ? `:${current}` : ''} to a signed tag`,
    placeHolder: current ? `Released tags of ${repo}, closest to ${current} first` : `Released tags of ${repo}`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.choice;
}
