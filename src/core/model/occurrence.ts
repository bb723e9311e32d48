import type { ImageRef } from './imageRef';
import type { Position, Range } from './range';

/** Where an image reference was written. */
export type ReferenceKind =
  | 'from'
  | 'copy-from'
  | 'mount-from'
  | 'syntax'
  | 'compose-image'
  | 'compose-build-image'
  /** A container image of a Kubernetes workload (Pod, Deployment, CronJob, …) or an image volume. */
  | 'k8s-image'
  /** An `image:` value in a Kubernetes object of another kind (a custom resource): likely, not certainly, an image. */
  | 'k8s-image-guess'
  /** An `images:` entry of a kustomization, as kustomize resolves it. */
  | 'kustomize-image'
  /** An image in a Helm chart's values file. */
  | 'helm-image'
  /** The `image` of a devcontainer. */
  | 'devcontainer-image'
  /** A job container, service container or `docker://` step of a GitHub Actions workflow. */
  | 'gha-image'
  /** An `image` or `services` entry of a GitLab CI file. */
  | 'gitlab-image';

/**
 * Why a written image-like value is not checked. `unparsable-file` marks a whole file (or a limit hit
 * reading it) rather than one value; its kind is `file`.
 */
export type SkipReason =
  | 'stage-alias'
  | 'scratch'
  | 'variable-unresolved'
  | 'invalid-reference'
  | 'variable-in-from'
  | 'stage-order'
  | 'unparsable-file'
  /** A GitHub Actions `${{ … }}` expression: known only when the workflow runs. */
  | 'expression'
  /** A template marker (Helm `{{ }}`, a CI variable without a value in the file): known only when rendered. */
  | 'template'
  /** A kustomize entry whose tag comes from resources TrustLens cannot read or that do not name the image. */
  | 'unresolved';

/**
 * Where the text of an image comes from when it is written through a variable whose value is an ARG
 * default in the same file, e.g. `ARG BASE=alpine:3.19` + `FROM ${BASE}`. A fix edits `range` there.
 */
export interface ArgSource {
  /** The ARG name, e.g. `BASE`. */
  name: string;
  /** The range of the default value text in the ARG instruction. */
  range: Range;
  /** The default value as written, e.g. `alpine:3.19`. */
  text: string;
}

/** A value written in a structured file (YAML, JSON), quotes excluded. */
export interface WrittenField {
  range: Range;
  /** The text as written there, e.g. `1.25` or `` (an empty value). */
  text: string;
}

/**
 * Where the parts of an image are written when they are separate fields (a kustomize entry, a Helm
 * `image:` map), so that a fix edits those fields rather than the text at the occurrence's range.
 */
export interface ImageFields {
  /** How a pin is written: into a `digest:` field (set, or added to the map), or as `tag@sha256:…` in the tag field. */
  pin: 'digest-field' | 'tag-suffix';
  /** The tag field, e.g. `newTag` or `tag`, when written. */
  tag?: WrittenField;
  /** The digest field, when written (possibly empty). */
  digest?: WrittenField;
  /** Where a new `key: value` line goes when a field is missing: after `after`, indented by `indent`. Absent for flow maps. */
  insert?: { after: Position; indent: string };
  /** The key the tag is written under, e.g. `newTag` (for a tag added by a fix). */
  tagKey: string;
}

/** One image that a Dockerfile or compose file pulls, exactly where it is written. */
export interface ImageOccurrence {
  /** The file as given or found, e.g. `examples/Dockerfile`. */
  file: string;
  /** The image text as written (before substitution), e.g. `${BASE}:3.19` or `alpine:3.19`. */
  text: string;
  /** Zero-based range of exactly `text` (quotes excluded). */
  range: Range;
  kind: ReferenceKind;
  /** The normalised reference after substitution. */
  ref: ImageRef;
  /** The platform, e.g. `linux/arm64`, or null. */
  platform: string | null;
  /** The stage name given with `AS`, or null. */
  stage: string | null;
  /** Set when the whole image text comes from one ARG default declared in this file. */
  argSource?: ArgSource;
  /** Variables without a value that expanded to nothing in this reference, e.g. `FLAVOR` in `python:3.12${FLAVOR}`. */
  emptyVariables?: string[];
  /** Set when the image is written as separate fields (a kustomize entry, a Helm `image:` map). */
  fields?: ImageFields;
}

/** A written value that looks like an image but is not checked, with the reason. */
export interface SkippedOccurrence {
  file: string;
  /** Where the value was written, e.g. `from` for `FROM build`; `file` for a file that could not be read. */
  kind: ReferenceKind | 'file';
  text: string;
  range: Range;
  reason: SkipReason;
  /** A human-readable explanation, e.g. `variable TAG has no value`. */
  message: string;
}

/** A file that could not be read or parsed. */
export interface FileError {
  file: string;
  message: string;
  /** Where the problem is, when known. */
  range?: Range;
  /** Set when the reader itself failed (a defect), rather than the file being refused. */
  internal?: true;
}

/** Everything found in one or more files. */
export interface ScanResult {
  references: ImageOccurrence[];
  skipped: SkippedOccurrence[];
  errors: FileError[];
}

/** An empty result to accumulate into. */
export function emptyScan(): ScanResult {
  return { references: [], skipped: [], errors: [] };
}
