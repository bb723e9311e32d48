/**
 * "TrustLens: Sign Image…" (`trustlens.signImage`): `docker trust sign` from the editor. Takes
 * `{ reference, signer? }` from the quick fix, or asks for the `IMAGE:TAG` (prefilled from the
 * reference under the cursor) and, when the key store holds signer keys, which key signs.
 */
import * as vscode from 'vscode';
import { TrustLensError } from '../../core/errors';
import { shortKeyId } from '../../core/model/keyId';
import { parseImageRef } from '../../core/model/imageRef';
import { parseTaggedRef } from '../../core/trust/dct/signing/references';
import { describeWhoCanSign, type SigningError } from '../../core/trust/dct/signing/signingErrors';
import type { CheckResult } from '../../core/trust/checkResult';
import { afterPublish, keyStore, operationPassphrases, refusedInRestrictedMode, runWithProgress, withPublisher, type WriteDeps } from './publishing';

/** What the command resolves with when the tag was signed (for callers and tests). */
export interface SignImageOutcome {
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
  readonly tag: string;
  /** `sha256:…` */
  readonly digest: string;
  readonly isIndex: boolean;
  /** e.g. `['targets/releases', 'targets/alice']` */
  readonly signedRoles: readonly string[];
  readonly initialized: boolean;
}

const ADMIN_ROLES = new Set(['root', 'targets', 'snapshot', 'timestamp', '']);

/** `IMAGE:TAG` of a verdict: the reference as checked, without a digest. */
function taggedText(result: CheckResult | undefined): string | undefined {
  if (result?.target.kind !== 'reference') return undefined;
  const { ref } = result.target.occurrence;
  return ref.effectiveTag ? `${ref.repository}:${ref.effectiveTag}` : ref.repository;
}

async function askReference(deps: WriteDeps): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const value = editor && taggedText(deps.services.results.at(editor.document.uri, editor.selection.active));
  return vscode.window.showInputBox({
    title: 'TrustLens: Sign Image',
    prompt: 'The image to sign, as IMAGE:TAG. TrustLens signs the digest the registry holds for the tag.',
    ...(value ? { value } : {}),
    ignoreFocusOut: true,
    validateInput: (text) => {
      try {
        parseTaggedRef(text.trim());
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
}

/** `null` for the repository key, a signer name, or `undefined` when the user cancelled. */
async function askSigner(deps: WriteDeps): Promise<string | null | undefined> {
  const keys = (await keyStore(deps.services).list()).filter((k) => !ADMIN_ROLES.has(k.role));
  if (keys.length === 0) return null;
  const items: Array<vscode.QuickPickItem & { signer: string | null }> = [
    { label: 'Repository key', description: 'as docker trust sign does without a signer', signer: null },
    ...[...new Set(keys.map((k) => k.role))].map((role) => ({
      label: role,
      description: `signer key ${keys.filter((k) => k.role === role).map((k) => shortKeyId(k.keyId)).join(', ')}`,
      signer: role,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'TrustLens: Sign Image', placeHolder: 'Sign with which key?', ignoreFocusOut: true });
  return picked?.signer;
}

/** The trust server a verdict used for this repository, so the write goes where the read came from. */
function knownServers(deps: WriteDeps, gun: string, registry: string): Record<string, string> {
  for (const [, results] of deps.services.results.entries()) {
    for (const r of results) {
      if (r.target.kind === 'reference' && r.target.occurrence.ref.repository === gun && r.trustServer) return { [registry]: r.trustServer };
    }
  }
  return {};
}

/**
 * Shows a signing that no key on this machine could do as the way out: who can sign the repository,
 * and buttons to load one of their keys, to add a signer, or to copy the `signer add` command for the
 * repository owner. False for any other failure.
 */
function explainNoSigningKey(reference: string, server: string | undefined, e: unknown): boolean {
  if (!TrustLensError.is(e, 'no-signing-key')) return false;
  const who = (e as SigningError).whoCanSign;
  if (!who) return false;
  const command = `trustlens signer add NAME ${who.gun} --key NAME.pub`;
  const actions = { load: 'Load Key…', add: 'Add Signer…', copy: 'Copy signer add Command' } as const;
  void vscode.window.showErrorMessage(
    `TrustLens: cannot sign ${reference}: no key on this machine can sign ${who.gun}, and ${describeWhoCanSign(who)}. `
    + `Load one of their keys, or have the repository owner add you as a signer (${command}).`,
    actions.load, actions.add, actions.copy,
  ).then((choice) => {
    if (choice === actions.load) void vscode.commands.executeCommand('trustlens.loadKey');
    if (choice === actions.add) void vscode.commands.executeCommand('trustlens.addSigner', { repository: who.gun, ...(server ? { server } : {}) });
    if (choice === actions.copy) void vscode.env.clipboard.writeText(command).then(() => vscode.window.setStatusBarMessage(`TrustLens: copied ${command}`, 5000));
  });
  return true;
}

/** Which scheme signs: Docker Content Trust, or another the composition root offers; `undefined` when cancelled. */
async function askScheme(deps: WriteDeps): Promise<string | undefined> {
  const others = Object.entries(deps.otherSchemes ?? {});
  if (others.length === 0) return 'dct';
  const items: Array<vscode.QuickPickItem & { scheme: string }> = [
    { label: 'Docker Content Trust', detail: 'docker trust sign: trust data on the registry\'s notary server', scheme: 'dct' },
    ...others.map(([scheme, o]) => ({ label: o.label, detail: o.detail, scheme })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'TrustLens: Sign Image', placeHolder: 'Sign with which scheme?', ignoreFocusOut: true });
  return picked?.scheme;
}

/** Signs one image tag; resolves with what was signed, or `undefined`. */
export async function signImage(deps: WriteDeps, arg?: unknown): Promise<SignImageOutcome | unknown> {
  if (refusedInRestrictedMode('sign images')) return undefined;
  const given = (arg && typeof arg === 'object' ? arg : {}) as { reference?: unknown; signer?: unknown; scheme?: unknown };
  const text = typeof given.reference === 'string' ? given.reference : await askReference(deps);
  if (text === undefined) return undefined;
  // From the palette the scheme is asked for; a caller that names a reference means DCT unless it says otherwise.
  const scheme = typeof given.scheme === 'string' ? given.scheme : arg === undefined ? await askScheme(deps) : 'dct';
  if (scheme === undefined) return undefined;
  if (scheme !== 'dct') {
    const other = deps.otherSchemes?.[scheme];
    if (!other) {
      void vscode.window.showErrorMessage(`TrustLens: cannot sign with ${scheme}: TrustLens signs with Docker Content Trust${Object.keys(deps.otherSchemes ?? {}).map((s) => ` or ${s}`).join('')}.`);
      return undefined;
    }
    return other.sign(deps, text.trim());
  }
  const parsed = parseImageRef(text.trim());
  // Quick fixes pass the reference as written: `alpine` means `alpine:latest`; a digest is dropped.
  const reference = parsed.ok && !parsed.ref.digest && parsed.ref.effectiveTag ? `${parsed.ref.repository}:${parsed.ref.effectiveTag}` : text.trim();
  const signer = typeof given.signer === 'string' ? given.signer : await askSigner(deps);
  if (signer === undefined) return undefined;
  const passphrases = operationPassphrases(deps);
  let servers: Record<string, string> = {};
  const outcome = await runWithProgress(deps, `signing ${reference}`, async (report, signal) => {
    const ref = parseTaggedRef(reference);
    report(`resolving the digest of ${ref.tag}…`);
    servers = knownServers(deps, ref.repository, ref.registry);
    return withPublisher(deps, servers, passphrases, async (publisher) => {
      const done = await deps.services.modules.signInSteps(publisher, deps.services.registry, reference, {
        ...(signer === null ? {} : { signer }),
        signal,
        onStep: (step) => {
          if (step.kind === 'resolved') report(`checking the trust data of ${ref.repository} (creating it if there is none)…`);
          if (step.kind === 'publishing') report(`publishing the signature of ${ref.tag}…`);
        },
      });
      return { done, ref };
    });
  }, (e) => explainNoSigningKey(reference, Object.values(servers)[0], e));
  if (!outcome) return undefined;
  const { done, ref } = outcome;
  afterPublish(deps, ref.repository);
  const what = done.descriptor.isIndex ? 'multi-platform index' : 'manifest';
  const notes = done.signed.notes.filter((n) => !n.startsWith('created signer')).map((n) => ` Note: ${n}.`).join('');
  const created = done.initialized ? ` Created the trust data of ${ref.repository}.` : '';
  void vscode.window.showInformationMessage(
    `TrustLens: signed ${ref.repository}:${ref.tag}: ${what} ${done.descriptor.digest} in ${done.signed.signedRoles.join(', ')}.${created}${notes}`,
    'Show Signers',
  ).then((choice) => choice && vscode.commands.executeCommand('trustlens.showSigners', { repository: ref.repository, server: done.signed.server }));
  deps.services.log.logger.info(`signed ${ref.repository}:${ref.tag} (${what} ${done.descriptor.digest}) in ${done.signed.signedRoles.join(', ')}`);
  return {
    gun: ref.repository,
    tag: ref.tag,
    digest: done.descriptor.digest,
    isIndex: done.descriptor.isIndex,
    signedRoles: done.signed.signedRoles,
    initialized: done.initialized,
  };
}

/** Registers `trustlens.signImage`. */
export function registerSignImage(deps: WriteDeps): vscode.Disposable {
  return vscode.commands.registerCommand('trustlens.signImage', (arg?: unknown) => signImage(deps, arg));
}
