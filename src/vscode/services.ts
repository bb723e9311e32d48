import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import type { RegistryClient } from '../core/net/registryClient';
import type { Policy } from '../core/policy/policy';
import { LIMITS, policyTooLarge } from '../core/parse/limits';
import { PolicyFileError } from '../core/policy/policyError';
import { systemClock } from '../core/ports';
import type { FileMetadataStore } from '../core/composition/backends';
import type { BackendFactory, TrustService } from '../core/trust/trustService';
import type { ScanWorkerClient } from './scan/scanClient';
import { dockerConfigDir, readSettings } from './config';
import { FileSelection } from './fileSelection';
import { engine, type Engine } from './engine/load';
import { createLogChannel } from './logging';
import { ResultsStore } from './results';

interface TrustEngine {
  service: TrustService;
  store: FileMetadataStore;
  registry: RegistryClient;
  close(): Promise<void>;
}

/**
 * The extension's services. Nothing here does work at construction: the trust engine is built on the
 * first check, and rebuilt when settings or workspace trust change.
 */
export class TrustLensServices implements vscode.Disposable {
  readonly log = createLogChannel();
  readonly results = new ResultsStore();
  /** Which files the settings select; the glob matcher is loaded with the engine, only when a setting needs it. */
  readonly files = new FileSelection(() => this.modules.globMatcher);
  readonly #storageDir: string;
  readonly #version: string;
  #engine: TrustEngine | undefined;
  #scanner: ScanWorkerClient | undefined;
  readonly #extraBackends: { factory: BackendFactory; replace: boolean }[] = [];
  readonly #policyCache = new Map<string, { mtimeMs: number; policy: Policy | Error }>();

  constructor(context: vscode.ExtensionContext) {
    this.#storageDir = join(context.globalStorageUri.fsPath, 'trust-metadata');
    this.#version = String((context.extension.packageJSON as { version?: unknown }).version ?? 'dev');
  }
  /**
   * The heavy modules (parsers, the trust engine, signing and keys), loaded on first use. The editor
   * reaches them only through here, so that activation loads none of them.
   */
  get modules(): Engine {
    return engine();
  }


  /** The trust service, built on first use with the current settings and workspace trust. */
  get trust(): TrustService {
    return this.#getEngine().service;
  }

  /** Reads documents off the extension host's thread, started on first use. */
  get scanner(): ScanWorkerClient {
    this.#scanner ??= new (this.modules.ScanWorkerClient)();
    return this.#scanner;
  }

  get store(): FileMetadataStore {
    return this.#getEngine().store;
  }

  /** The registry client (manifest kinds), sharing the trust engine's transport, CAs and request log. */
  get registry(): RegistryClient {
    return this.#getEngine().registry;
  }

  #getEngine(): TrustEngine {
    if (this.#engine) return this.#engine;
    const { FileMetadataStore, RegistryClient, createRegistryTransport, createTrustEngine, standardBackends } = this.modules;
    const settings = readSettings();
    const store = new FileMetadataStore(this.#storageDir);
    const transport = createRegistryTransport({
      dockerConfigDir: dockerConfigDir(),
      // Untrusted workspaces run no credential helper and send no credentials.
      allowCredentials: vscode.workspace.isTrusted,
      clock: systemClock,
      logger: this.log.logger,
      userAgent: `trustlens-vscode/${this.#version}`,
      onRequest: this.log.logRequest,
    });
    const service = createTrustEngine({
      clock: systemClock,
      logger: this.log.logger,
      env: process.env,
      store,
      transport,
      backends: [
        ...(this.#extraBackends.some((b) => b.replace) ? [] : standardBackends({ ttlMs: settings.cacheTtlSeconds * 1000, cacheDir: this.#storageDir, ...(process.env.TRUSTLENS_SIGSTORE_TUF_URL ? { sigstoreTufUrl: process.env.TRUSTLENS_SIGSTORE_TUF_URL } : {}) })),
        ...this.#extraBackends.map((b) => b.factory),
      ],
    });
    const registry = new RegistryClient({
      http: transport.http,
      credentials: transport.credentials,
      logger: this.log.logger,
      // A registry on this machine (localhost:5000) speaks plain http, as docker allows for loopback.
      plainHttpForLoopback: true,
      timeoutMs: 10_000,
    });
    this.#engine = { service, store, registry, close: () => service.close() };
    return this.#engine;
  }

  /**
   * Adds a trust backend after the shipped ones (or, with `replace`, instead of them), from the next
   * check on: the engine is rebuilt. For other extensions and tests; disposing removes it again.
   */
  addBackend(factory: BackendFactory, options: { replace?: boolean } = {}): vscode.Disposable {
    const entry = { factory, replace: options.replace === true };
    this.#extraBackends.push(entry);
    this.reset();
    return new vscode.Disposable(() => {
      const i = this.#extraBackends.indexOf(entry);
      if (i >= 0) this.#extraBackends.splice(i, 1);
      this.reset();
    });
  }

  /** Resolves once the trust engine fetches nothing (updates that cancelled checks shared included). */
  async idle(): Promise<void> {
    await this.#engine?.service.idle();
  }

  /** Drops the engine so the next check rebuilds it (settings or workspace trust changed). */
  reset(): void {
    const engine = this.#engine;
    this.#engine = undefined;
    void engine?.close();
  }

  /**
   * The policy for a document: its nearest `.trustlens.yaml` merged with settings. A broken policy file
   * is an Error, which the caller shows instead of checking.
   */
  async policyFor(uri: vscode.Uri): Promise<Policy | Error> {
    const { findPolicyFile, mergePolicy, parsePolicy } = this.modules;
    const settings = readSettings(uri);
    const fileSettings = { trustServers: settings.trustServers, severity: settings.severity, expiryWarningDays: settings.expiryWarningDays };
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const start = uri.scheme === 'file' ? join(uri.fsPath, '..') : folder?.uri.fsPath;
    const path = start ? findPolicyFile(start) : undefined;
    let file: Policy | Error | undefined;
    if (path) {
      try {
        const { mtimeMs, size } = await stat(path);
        const cached = this.#policyCache.get(path);
        if (cached && cached.mtimeMs === mtimeMs) {
          file = cached.policy;
        } else {
          try {
            // The policy is parsed on this thread: a file too large to parse quickly is refused unread.
            if (size > LIMITS.policyBytes) throw new PolicyFileError(vscode.workspace.asRelativePath(path, false), 1, 1, `not read: ${policyTooLarge(size)}`);
            file = parsePolicy(await readFile(path, 'utf8'), vscode.workspace.asRelativePath(path, false), { baseDir: dirname(path) });
          } catch (e) {
            file = e instanceof Error ? e : new Error(String(e));
          }
          this.#policyCache.set(path, { mtimeMs, policy: file });
        }
      } catch {
        file = undefined;
      }
    }
    if (file instanceof Error) return file;
    return mergePolicy(file, fileSettings, vscode.workspace.isTrusted);
  }

  /** Forgets the cached policy files (a watcher saw one change). */
  invalidatePolicies(): void {
    this.#policyCache.clear();
  }

  dispose(): void {
    this.reset();
    this.#scanner?.dispose();
    this.results.dispose();
    this.log.channel.dispose();
  }
}
