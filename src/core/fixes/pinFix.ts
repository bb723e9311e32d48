import { parseImageRef } from '../model/imageRef';
import type { ImageOccurrence } from '../model/occurrence';
import type { Range } from '../model/range';
import type { CheckResult } from '../trust/checkResult';
import { editTarget, type TextAt } from './editTarget';
import { fieldFix } from './fieldEdits';
import { withDigest, withTagAndDigest } from '../model/imageText';

/** One text replacement in the document being fixed. */
export interface TextReplacement {
  range: Range;
  /** The text there now (the replacement is only applied while it still is). */
  oldText: string;
  newText: string;
  /** The ARG whose default is edited, e.g. `BASE`, or null when the image text itself is. */
  arg: string | null;
}

/** A fix for one reference: an edit, or a reason it cannot be made. */
export type PlannedFix = { kind: 'edit'; replacement: TextReplacement } | { kind: 'disabled'; reason: string };

/**
 * The digest a reference should be pinned to, or undefined when there is nothing to pin: the digest
 * signed for its tag where clients pull from, when the reference is signed (or pins a different digest) and is
 * not pinned to it yet. Digest-only references and images compose builds itself are never pinned, and
 * neither is a digest the policy does not accept: pinning does not make a missing signer sign.
 */
export function pinnableDigest(result: CheckResult): string | undefined {
  if (result.target.kind !== 'reference') return undefined;
  const { ref, kind } = result.target.occurrence;
  if (result.status !== 'signed' && result.status !== 'digest-mismatch') return undefined;
  if (result.findings.some((f) => f.code === 'missing-required-signer' && f.severity !== 'ignore')) return undefined;
  // Only a digest signed where clients pull from (`signed`, or pinned to another digest) is offered.
  if (!result.signedDigest) return undefined;
  if (kind === 'compose-build-image' || (ref.tag === null && ref.digest !== null)) return undefined;
  return ref.digest === result.signedDigest ? undefined : result.signedDigest;
}

/** Plans a rewrite of one occurrence's image text (or its ARG default) with `rewrite`, checked to still name it. */
function planRewrite(occurrence: ImageOccurrence, textAt: TextAt, action: string, digest: string, rewrite: (text: string) => string, tag?: string): PlannedFix | undefined {
  const target = editTarget(occurrence, textAt, action);
  if (!target) return undefined;
  if (!target.ok) return { kind: 'disabled', reason: target.reason };
  if (occurrence.fields) return fieldFix(occurrence, textAt, action, { digest, ...(tag !== undefined ? { tag } : {}) });
  const newText = rewrite(target.text);
  const parsed = parseImageRef(newText);
  if (!parsed.ok || parsed.ref.repository !== occurrence.ref.repository || parsed.ref.digest !== digest) return undefined;
  return { kind: 'edit', replacement: { range: target.range, oldText: target.text, newText, arg: target.arg } };
}

/**
 * "Pin to signed digest" for one verdict: `image:tag` → `image:tag@<signed digest>`, or a wrong pin
 * replaced. Only the image text (or the ARG default it comes from) is edited. Undefined when there is
 * nothing to pin or the document changed since the check.
 */
export function pinFix(result: CheckResult, textAt: TextAt): PlannedFix | undefined {
  const digest = pinnableDigest(result);
  if (!digest || result.target.kind !== 'reference') return undefined;
  return planRewrite(result.target.occurrence, textAt, 'pin it', digest, (text) => withDigest(text, digest));
}

/**
 * Every pin of a document in one list: each signed, unpinned or wrongly pinned reference, the ARG
 * default for ARG-derived ones (once, however many references use it). References that cannot be
 * pinned safely are left out, and so are two different edits of the same text.
 */
export function pinAllFixes(results: readonly CheckResult[], textAt: TextAt): TextReplacement[] {
  const byRange = new Map<string, TextReplacement | null>();
  for (const result of results) {
    const fix = pinFix(result, textAt);
    if (fix?.kind !== 'edit') continue;
    const r = fix.replacement.range;
    const key = `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
    const seen = byRange.get(key);
    if (seen === undefined) byRange.set(key, fix.replacement);
    else if (seen !== null && seen.newText !== fix.replacement.newText) byRange.set(key, null);
  }
  return [...byRange.values()].filter((r): r is TextReplacement => r !== null);
}

/**
 * "Switch to signed tag": the image text (or its ARG default) rewritten as
 * `<name as written>:<tag>@<digest>`, keeping the registry and namespace spelling.
 */
export function switchTagFix(occurrence: ImageOccurrence, tag: string, digest: string, textAt: TextAt): PlannedFix | undefined {
  return planRewrite(occurrence, textAt, 'change its tag', digest, (text) => withTagAndDigest(text, tag, digest), tag);
}

/** Whether a reference can be switched to another tag at all (images compose builds itself cannot). */
export function canSwitchTag(occurrence: ImageOccurrence): boolean {
  return occurrence.kind !== 'compose-build-image';
}
