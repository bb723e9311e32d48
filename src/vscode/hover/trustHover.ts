import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { ManifestKindCache, type ManifestKind } from '../../core/report/manifestKind';
import type { Policy } from '../../core/policy/policy';
import { systemClock } from '../../core/ports';
import type { CheckResult } from '../../core/trust/checkResult';
import { repositoryId, repositoryKeyOf } from '../../core/trust/repositories';
import type { RepositoryKey, TrustDetails } from '../../core/trust/trustDetails';
import { readSettings } from '../config';
import { toVsRange } from '../diagnostics/convert';
import { TRUSTLENS_DOCUMENTS } from '../documents';
import type { TrustLensServices } from '../services';

/** The longest a hover waits for the registry and the trust data before showing what it has. */
export const HOVER_BUDGET_MS = 1500;

const TIMED_OUT = Symbol('timed out');

/** Resolves with `promise`, or with TIMED_OUT once `ms` pass or `token` is cancelled. */
function withinBudget<T>(promise: Promise<T>, ms: number, token: vscode.CancellationToken): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(TIMED_OUT), ms);
    const cancel = token.onCancellationRequested(() => done(TIMED_OUT));
    const done = (value: T | typeof TIMED_OUT) => {
      clearTimeout(timer);
      cancel.dispose();
      resolve(value);
    };
    promise.then(done, () => done(TIMED_OUT));
  });
}

/**
 * The hover over an image reference. The verdict is the one diagnostics were built from (never a new
 * check); the registry is asked for the signed digest's kind and the trust service for the verified
 * data behind the verdict, both within {@link HOVER_BUDGET_MS} and the hover's cancellation.
 */
export class TrustHoverProvider implements vscode.HoverProvider {
  readonly #kinds: ManifestKindCache;
  /** The last verified data per repository, for when a fresh answer does not come within the budget. */
  readonly #details = new Map<string, TrustDetails>();

  constructor(private readonly services: TrustLensServices) {
    this.#kinds = new ManifestKindCache({
      resolve: (registry, repository, digest, signal) => services.registry.resolveTag(registry, repository, digest, signal),
      clock: systemClock,
    });
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const result = this.services.results.at(doc.uri, position);
    if (!result || result.target.kind !== 'reference') return undefined;
    const occurrence = result.target.occurrence;
    const range = toVsRange(occurrence.range);
    // Edited since the check: the verdict no longer describes the text under the pointer.
    if (doc.getText(range) !== occurrence.text) return undefined;

    const key = repositoryKeyOf(result);
    const policy = await this.#policy(doc.uri);
    // A verdict of "unverifiable" means the server did not answer the check: asking it again would
    // only hold the hover up for its budget, so the last verified data (if any) is shown instead.
    const warningDays = policy?.expiryWarningDays ?? readSettings(doc.uri).expiryWarningDays;
    const [trust, manifest] = await Promise.all([
      !key ? undefined : result.status === 'unverifiable' ? this.#details.get(repositoryId(key)) : this.#trustDetails(key, policy, warningDays, token),
      this.#manifestKind(result, token),
    ]);
    if (token.isCancellationRequested) return undefined;
    const now = new Date();
    const details = trust?.hoverFor?.(result, now.getTime(), warningDays);

    const settings = readSettings(doc.uri);
    // The hover's text is written by the engine's code, loaded by the check that gave the result.
    const { hoverMarkdown, showSignersUri } = this.services.modules;
    const text = hoverMarkdown({
      result,
      ...(details ? { details } : {}),
      manifest,
      now,
      expiryWarningDays: warningDays,
      unverifiableLevel: settings.unverifiableLevel,
      showSignersUri: key ? showSignersUri(key.gun) : undefined,
    });
    const markdown = new vscode.MarkdownString(text);
    // Only the one link this extension writes may run a command; all other text is escaped.
    markdown.isTrusted = { enabledCommands: ['trustlens.showSigners'] };
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, range);
  }

  async #trustDetails(key: RepositoryKey, policy: Policy | undefined, warningDays: number, token: vscode.CancellationToken): Promise<TrustDetails | undefined> {
    const id = repositoryId(key);
    const controller = new AbortController();
    let pending: Promise<TrustDetails | undefined>;
    try {
      // Within the cache TTL this re-verifies the stored metadata without a request; otherwise it
      // refreshes it. Under the document's policy, so that its trust pins apply.
      pending = this.services.trust.details(key, { signal: controller.signal, now: Date.now(), warningDays, ...(policy ? { policy } : {}) }).then((details) => {
        if (details.problem) {
          this.#details.delete(id);
          return undefined;
        }
        this.#details.set(id, details);
        return details;
      });
    } catch (e) {
      this.services.log.logger.debug(`hover: trust data of ${key.gun}: ${describeError(e)}`);
      return undefined;
    }
    pending.catch((e: unknown) => this.services.log.logger.debug(`hover: trust data of ${key.gun}: ${describeError(e)}`));
    const answer = await withinBudget(pending, HOVER_BUDGET_MS, token);
    controller.abort();
    return answer === TIMED_OUT ? this.#details.get(id) : answer;
  }

  async #manifestKind(result: CheckResult, token: vscode.CancellationToken): Promise<ManifestKind | undefined> {
    if (!result.signedDigest || result.target.kind !== 'reference') return undefined;
    const known = this.#kinds.peek(result.signedDigest);
    if (known) return known;
    const { ref } = result.target.occurrence;
    let lookup: Promise<ManifestKind>;
    try {
      lookup = this.#kinds.get(ref.registry, ref.path, result.signedDigest);
    } catch (e) {
      return { kind: 'unknown', reason: 'failed', detail: describeError(e) };
    }
    const answer = await withinBudget(lookup, HOVER_BUDGET_MS, token);
    return answer === TIMED_OUT ? { kind: 'unknown', reason: 'pending' } : answer;
  }

  /** The document's policy; undefined when its policy file is broken (its diagnostics say so). */
  async #policy(uri: vscode.Uri): Promise<Policy | undefined> {
    try {
      const policy = await this.services.policyFor(uri);
      return policy instanceof Error ? undefined : policy;
    } catch {
      return undefined;
    }
  }

  /** Forgets failed registry lookups (settings changed). */
  forgetFailures(): void {
    this.#kinds.forgetFailures();
  }
}

/** Registers the hover for Dockerfiles and compose files. */
export function registerTrustHover(services: TrustLensServices): vscode.Disposable {
  const provider = new TrustHoverProvider(services);
  return vscode.Disposable.from(
    vscode.languages.registerHoverProvider(TRUSTLENS_DOCUMENTS, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trustlens')) provider.forgetFailures();
    }),
  );
}
