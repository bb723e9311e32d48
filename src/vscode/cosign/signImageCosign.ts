/**
 * "Sign Image…" with cosign: `cosign sign --key cosign.key --tlog-upload=false` from the editor. Asks
 * for the key file (cosign's own encrypted format, as `cosign generate-key-pair` writes it), where to
 * write the signature (the `.sig` tag every cosign reads, or a Sigstore bundle referrer), and the key's
 * passphrase (COSIGN_PASSWORD when set). Nothing is uploaded to a transparency log, and the message
 * says so. The references to the image are then checked again.
 */
import * as vscode from 'vscode';
import { parseImageRef } from '../../core/model/imageRef';
import { systemClock } from '../../core/ports';
import { dockerConfigDir } from '../config';
import { afterPublish, runWithProgress, type WriteDeps } from '../dct/publishing';

/** What the command resolves with when the image was signed (for callers and tests). */
export interface CosignSignOutcome {
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly repository: string;
  /** `sha256:…` */
  readonly digest: string;
  readonly format: 'legacy' | 'bundle';
  /** False when the same key had signed the digest already. */
  readonly written: boolean;
}

const FORMATS: Array<vscode.QuickPickItem & { format: 'legacy' | 'bundle' }> = [
  { label: 'Signature tag (sha256-<hex>.sig)', description: 'every cosign version reads it', format: 'legacy' },
  { label: 'Sigstore bundle referrer', description: 'as cosign 3 writes it (OCI 1.1 referrer)', format: 'bundle' },
];

/** Signs the digest `reference` names in its registry with a cosign key; resolves with what was signed, or `undefined`. */
export async function signImageWithCosign(deps: WriteDeps, reference: string): Promise<CosignSignOutcome | undefined> {
  const parsed = parseImageRef(reference.trim());
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`TrustLens: ${reference} is not an image reference: ${parsed.message}`);
    return undefined;
  }
  const { ref } = parsed;
  const [keyUri] = await vscode.window.showOpenDialog({
    title: 'TrustLens: cosign private key to sign with (cosign.key)',
    openLabel: 'Sign with this key',
    canSelectMany: false,
    filters: { 'cosign keys': ['key'], 'All files': ['*'] },
  }) ?? [];
  if (!keyUri) return undefined;
  const picked = await vscode.window.showQuickPick(FORMATS, {
    title: 'TrustLens: Sign Image with cosign',
    placeHolder: 'Where to write the signature? Nothing is uploaded to a transparency log (as cosign --tlog-upload=false).',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const m = deps.services.modules;
  const passphrases = m.cosignPassphraseSource(process.env, async (request) => {
    if (request.attempt >= 3) return undefined;
    return vscode.window.showInputBox({
      title: 'TrustLens: Sign Image with cosign',
      prompt: `${request.attempt > 0 ? 'Wrong passphrase. ' : ''}Passphrase of the cosign key ${keyUri.fsPath}`,
      password: true,
      ignoreFocusOut: true,
    });
  });
  const version = String((deps.context.extension.packageJSON as { version?: unknown }).version ?? 'dev');
  const outcome = await runWithProgress(deps, `signing ${reference} with cosign`, async (report) => {
    const key = await m.readCosignSigningKey(keyUri.fsPath, passphrases);
    const backend = m.createCosignBackend({
      dockerConfigDir: dockerConfigDir(),
      allowCredentials: true,
      cacheDir: deps.context.globalStorageUri.fsPath,
      clock: systemClock,
      logger: deps.services.log.logger,
      userAgent: `trustlens-vscode/${version}`,
      onRequest: deps.services.log.logRequest,
    });
    try {
      const repo = { registry: ref.registry, repository: ref.path };
      report(`resolving ${ref.digest ?? ref.effectiveTag ?? 'latest'}…`);
      const resolved = await backend.oci.resolve(repo, ref.digest ?? ref.effectiveTag ?? 'latest');
      report(picked.format === 'bundle' ? 'pushing the Sigstore bundle referrer…' : 'adding the signature to the .sig tag…');
      const target = { oci: backend.oci, repo, digest: resolved.digest, key, dockerReference: ref.repository };
      const written = picked.format === 'bundle' ? await m.signBundle(target) : await m.signLegacy(target);
      return { repository: ref.repository, digest: resolved.digest, format: picked.format, written: written.written, keyName: m.describeCosignKey(key.publicKey) };
    } finally {
      await backend.close();
    }
  });
  if (!outcome) return undefined;
  afterPublish(deps, outcome.repository);
  const where = outcome.format === 'bundle' ? 'as a Sigstore bundle referrer' : 'in its .sig tag';
  void vscode.window.showInformationMessage(outcome.written
    ? `TrustLens: signed ${outcome.repository}@${outcome.digest} with the cosign ${outcome.keyName}, ${where}. Nothing was uploaded to a transparency log (as cosign --tlog-upload=false).`
    : `TrustLens: ${outcome.repository}@${outcome.digest} already carries a signature by the cosign ${outcome.keyName} ${where}; nothing was written.`);
  deps.services.log.logger.info(`signed ${outcome.repository}@${outcome.digest} with cosign (${outcome.format})`);
  return { repository: outcome.repository, digest: outcome.digest, format: outcome.format, written: outcome.written };
}
