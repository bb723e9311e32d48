import * as vscode from 'vscode';
import { editTarget } from '../../core/fixes/editTarget';
import { shortDigest } from '../../core/model/imageText';
import { canSwitchTag, pinFix } from '../../core/fixes/pinFix';
import { familiarRepository } from '../../core/model/imageRef';
import type { ImageOccurrence } from '../../core/model/occurrence';
import type { CheckResult } from '../../core/trust/checkResult';
import { toVsRange } from '../diagnostics/convert';
import { referenceArgs, replacementsEdit, textAtOf } from './edits';

/** Command ids the quick fixes run. */
export const COMMANDS = {
  switchTag: 'trustlens.switchToSignedTag',
  showSigners: 'trustlens.showSigners',
  ignoreImage: 'trustlens.ignoreImage',
  signImage: 'trustlens.signImage',
  pinAll: 'trustlens.pinAll',
  trustSigner: 'trustlens.trustSigner',
} as const;

const SWITCH_CODES = ['unsigned-tag', 'not-released'];
const SIGN_CODES = ['unsigned-tag', 'not-released', 'no-trust-data'];
const PIN_CODES = ['digest-mismatch', 'implicit-latest'];
const HAS_TRUST_DATA = ['signed', 'digest-mismatch', 'not-released', 'unsigned'];

/** A verdict on a reference, with the TrustLens diagnostics (finding code each) shown for it. */
export interface Candidate {
  result: CheckResult;
  occurrence: ImageOccurrence;
  diagnostics: { diagnostic: vscode.Diagnostic; code: string }[];
}

function quickFix(title: string, diagnostics: vscode.Diagnostic[]): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  if (diagnostics.length > 0) action.diagnostics = diagnostics;
  return action;
}

const withCodes = (c: Candidate, codes: readonly string[]): vscode.Diagnostic[] =>
  c.diagnostics.filter((d) => codes.includes(d.code)).map((d) => d.diagnostic);

/** "Pin to signed digest" (preferred), or the same title disabled with the reason it cannot be done. */
export function pinAction(doc: vscode.TextDocument, c: Candidate): vscode.CodeAction | undefined {
  const fix = pinFix(c.result, textAtOf(doc));
  if (!fix) return undefined;
  const diagnostics = withCodes(c, PIN_CODES);
  if (fix.kind === 'disabled') {
    const action = quickFix('Pin to signed digest', diagnostics);
    action.disabled = { reason: fix.reason };
    return action;
  }
  const { arg } = fix.replacement;
  const action = quickFix(`Pin to signed digest ${shortDigest(c.result.signedDigest ?? '')}${arg ? ` in ARG ${arg}` : ''}`, diagnostics);
  action.edit = replacementsEdit(doc.uri, [fix.replacement]);
  action.isPreferred = true;
  return action;
}

/** "Switch to signed tag…" on unsigned and unreleased tags: a picker of released tags, closest first. */
export function switchTagAction(doc: vscode.TextDocument, c: Candidate): vscode.CodeAction | undefined {
  const diagnostics = withCodes(c, SWITCH_CODES);
  if (diagnostics.length === 0 || !canSwitchTag(c.occurrence)) return undefined;
  const target = editTarget(c.occurrence, textAtOf(doc), 'change its tag');
  if (!target) return undefined;
  const action = quickFix('Switch to signed tag…', diagnostics);
  if (!target.ok) action.disabled = { reason: target.reason };
  else action.command = { command: COMMANDS.switchTag, title: action.title, arguments: [referenceArgs(doc, toVsRange(c.occurrence.range))] };
  return action;
}

/** "Sign image…" on unsigned, unreleased and unsigned-repository references; "Sign image with cosign…" where cosign found no signature. */
export function signAction(c: Candidate): vscode.CodeAction | undefined {
  const diagnostics = withCodes(c, SIGN_CODES);
  if (diagnostics.length === 0) return undefined;
  const action = quickFix('Sign image…', diagnostics);
  action.command = { command: COMMANDS.signImage, title: action.title, arguments: [{ reference: c.occurrence.ref.reference }] };
  return action;
}

/** "Sign image with cosign…" where the reference's verdict is that cosign found no signature. */
export function cosignSignAction(c: Candidate): vscode.CodeAction | undefined {
  const diagnostics = withCodes(c, ['no-signature']);
  if (diagnostics.length === 0) return undefined;
  const action = quickFix('Sign image with cosign…', diagnostics);
  action.command = { command: COMMANDS.signImage, title: action.title, arguments: [{ reference: c.occurrence.ref.reference, scheme: 'cosign' }] };
  return action;
}

/** "Show signers" for a reference whose repository has verified trust data; reveals it in the Signers view. */
export function showSignersAction(c: Candidate): vscode.CodeAction | undefined {
  if (!HAS_TRUST_DATA.includes(c.result.status)) return undefined;
  const { repository } = c.occurrence.ref;
  const action = quickFix(`Show signers of ${familiarRepository(repository)}`, []);
  action.command = { command: COMMANDS.showSigners, title: action.title, arguments: [{ repository, server: c.result.trustServer }] };
  return action;
}

/** "Trust this signer…" on a signature that verifies but that no policy trusts: writes the rule the finding names, once confirmed. */
export function trustSignerAction(doc: vscode.TextDocument, c: Candidate): vscode.CodeAction | undefined {
  const finding = c.result.findings.find((f) => f.code === 'untrusted-signer' && f.trust);
  if (!finding?.trust) return undefined;
  const action = quickFix(`Trust this signer for ${finding.trust.rule.images.join(', ')}…`, withCodes(c, ['untrusted-signer']));
  action.command = { command: COMMANDS.trustSigner, title: action.title, arguments: [{ uri: doc.uri.toString(), trust: finding.trust }] };
  return action;
}

/**
 * "Ignore this image": adds its repository to `ignore:` in `.trustlens.yaml`. Never preferred, and it
 * names no diagnostics: VS Code lists actions that name diagnostics before those that name none, and
 * ignoring a finding must come after every fix that clears it.
 */
export function ignoreAction(doc: vscode.TextDocument, c: Candidate): vscode.CodeAction | undefined {
  if (c.diagnostics.length === 0) return undefined;
  const repository = c.occurrence.ref.repository;
  const action = quickFix(`Ignore ${familiarRepository(repository)} in .trustlens.yaml`, []);
  action.isPreferred = false;
  action.command = { command: COMMANDS.ignoreImage, title: action.title, arguments: [{ uri: doc.uri.toString(), repository }] };
  return action;
}
