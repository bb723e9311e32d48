import picomatch from 'picomatch';
import { DEFAULT_SEVERITY, type FindingCode, type Severity } from '../model/findings';
import type { TrustPinningConfig } from './trustPinning';

/** One rule of a `.trustlens.yaml` policy. */
export interface PolicyRule {
  /** Glob patterns over normalised repositories, e.g. `registry.example.com/acme/**`. */
  images: string[];
  /** Signer role names (without `targets/`) that must all have signed the released digest, e.g. `[ci, qa]`. */
  requireSigners: string[];
  /** Severity overrides per finding code, e.g. `{ expiring-soon: error }`. */
  severity: Partial<Record<FindingCode, Severity>>;
  /** Signature schemes that must all have signed, e.g. `[notation]` or `[dct, notation]`. */
  require?: string[];
  /** Signature schemes of which at least one must have signed, e.g. `[dct, notation]`. */
  anyOf?: string[];
  /** Scheme sections (e.g. `notation:`), as the scheme's registered parser returned them. */
  sections?: Record<string, unknown>;
}

/** A scheme section of the last matching rule that has one, with that rule's images and file. */
export interface RuleSectionValue {
  readonly value: unknown;
  readonly images: readonly string[];
  readonly file?: string;
}

/** A validated policy. */
export interface Policy {
  /** The file it came from, if any. */
  file?: string;
  /** Trust server per registry host[:port], e.g. `{ "registry.example.com": "https://notary.example.com" }`. */
  trustServers: Record<string, string>;
  rules: PolicyRule[];
  /** Warn this many days before a signature expires (default 30). */
  expiryWarningDays: number;
  /** Repositories (globs) that are not checked at all, e.g. `docker.io/library/busybox`. */
  ignore: string[];
  /** Root keys or CAs that repositories' roots must use, instead of trusting them on first use. */
  trustPinning?: TrustPinningConfig;
  /** Top-level keys the policy file wrote itself, e.g. `['rules', 'expiryWarningDays']`. */
  explicitKeys?: string[];
}

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

export function defaultPolicy(): Policy {
  return { trustServers: {}, rules: [], expiryWarningDays: DEFAULT_EXPIRY_WARNING_DAYS, ignore: [] };
}

/** What a policy says about one repository. */
export interface EffectivePolicy {
  requireSigners: string[];
  severity: Record<FindingCode, Severity>;
  ignored: boolean;
  expiryWarningDays: number;
  /** Schemes every one of which must sign (the last matching rule that says `require`). */
  require?: string[];
  /** Schemes of which one must sign (the last matching rule that says `anyOf`). */
  anyOf?: string[];
  /** Per scheme, the section of the last matching rule that has one. */
  sections?: Record<string, RuleSectionValue>;
}

/** The schemes a repository's rule lists (`require`, else `anyOf`), or undefined when it lists none: then any scheme counts. */
export function listedSchemes(policy: Pick<EffectivePolicy, 'require' | 'anyOf'> | undefined): readonly string[] | undefined {
  return policy?.require ?? policy?.anyOf;
}

const matchers = new Map<string, (s: string) => boolean>();
function matches(pattern: string, repository: string): boolean {
  let m = matchers.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    matchers.set(pattern, m);
  }
  return m(repository);
}

/** Applies every matching rule, in order (a later rule's severity wins; signers accumulate). */
export function effectivePolicy(policy: Policy, repository: string): EffectivePolicy {
  const severity = { ...DEFAULT_SEVERITY };
  const requireSigners = new Set<string>();
  let require: string[] | undefined;
  let anyOf: string[] | undefined;
  const sections: Record<string, RuleSectionValue> = {};
  for (const rule of policy.rules) {
    if (!rule.images.some((p) => matches(p, repository))) continue;
    rule.requireSigners.forEach((s) => requireSigners.add(s));
    Object.assign(severity, rule.severity);
    // Which schemes must sign is one decision: the most specific (last) rule that makes it wins.
    if (rule.require || rule.anyOf) {
      require = rule.require;
      anyOf = rule.anyOf;
    }
    for (const [scheme, value] of Object.entries(rule.sections ?? {})) sections[scheme] = { value, images: rule.images, ...(policy.file ? { file: policy.file } : {}) };
  }
  return {
    requireSigners: [...requireSigners],
    severity,
    ignored: policy.ignore.some((p) => matches(p, repository)),
    expiryWarningDays: policy.expiryWarningDays,
    ...(require ? { require } : {}),
    ...(anyOf ? { anyOf } : {}),
    ...(Object.keys(sections).length > 0 ? { sections } : {}),
  };
}

/** Editor settings that take part in the policy. */
export interface PolicySettings {
  trustServers: Record<string, string>;
  severity: Policy['rules'][number]['severity'];
  expiryWarningDays: number;
}

/**
 * Merges editor settings with the repository's policy file, predictably: the file wins for policy
 * (its rules are applied after the settings' severities; its `expiryWarningDays` wins when written);
 * the user's settings win for trust servers. In an untrusted workspace the file may not choose trust
 * servers at all, so a cloned repository cannot send requests to a server of its choosing.
 */
export function mergePolicy(file: Policy | undefined, settings: PolicySettings, workspaceTrusted: boolean): Policy {
  const base = file ?? defaultPolicy();
  const settingsRule = Object.keys(settings.severity).length > 0 ? [{ images: ['**'], requireSigners: [], severity: settings.severity }] : [];
  return {
    ...(base.file ? { file: base.file } : {}),
    trustServers: { ...(workspaceTrusted ? base.trustServers : {}), ...settings.trustServers },
    // A scheme section can name trust anchors (a folder of CA certificates): an untrusted workspace's file may not add any.
    rules: [...settingsRule, ...(workspaceTrusted ? base.rules : base.rules.map(({ sections: _sections, ...rule }) => rule))],
    expiryWarningDays: base.explicitKeys?.includes('expiryWarningDays') ? base.expiryWarningDays : settings.expiryWarningDays,
    ignore: base.ignore,
    // Pinning only ever refuses roots, so the workspace's file may set it in Restricted Mode too.
    ...(base.trustPinning ? { trustPinning: base.trustPinning } : {}),
  };
}
