import { isNonBlank } from '../../src/asff/text.js';

/** The four kinds of record a Trivy result can list. */
export type TrivyRecordKind = 'vulnerability' | 'misconfiguration' | 'secret' | 'license';

/** Result keys that hold record lists, and the kind of record each holds. */
export const RECORD_LISTS = {
  Vulnerabilities: 'vulnerability',
  Misconfigurations: 'misconfiguration',
  Secrets: 'secret',
  Licenses: 'license',
} as const satisfies Record<string, TrivyRecordKind>;

/** A key of {@link RECORD_LISTS}. */
export type RecordListKey = keyof typeof RECORD_LISTS;

/** True when `key` names a record list of a Trivy result. */
export function isRecordListKey(key: unknown): key is RecordListKey {
  return typeof key === 'string' && Object.hasOwn(RECORD_LISTS, key);
}

/** The image facts read from the report's `Metadata` (only what findings use). */
export interface ImageMetadata {
  imageId?: string;
  repoTags?: string[];
  repoDigests?: string[];
  architecture?: string;
}

/** Report-level facts every finding of the report shares. */
export interface ReportContext {
  /** `ArtifactName` (v2) — the image, path or repository scanned. */
  artifactName?: string;
  /** `ArtifactType`: container_image, filesystem, repository, vm, rootfs, cyclonedx, spdx … */
  artifactType?: string;
  /** `ClusterName` (trivy k8s); may be the empty string. */
  clusterName?: string;
  /** Set for the k8s layouts, where findings belong to Kubernetes resources. */
  kubernetes?: boolean;
  image?: ImageMetadata;
  /** Used as the artifact when the report names none (schema v1): the input file name. */
  fallbackName?: string;
}

/** The Kubernetes resource a `trivy k8s` result belongs to. Cluster-scoped resources have no namespace. */
export interface KubernetesContext {
  namespace?: string;
  kind?: string;
  name?: string;
  /** The images the resource runs, from its `Metadata` (one object, or an array in newer Trivy). */
  images?: ImageMetadata[];
}

/** Result-level facts: `Target`, `Class` (v2 only) and `Type` (absent for secret and license results). */
export interface ResultContext {
  target: string;
  class?: string;
  type?: string;
}

/** Everything a record needs from the levels above it. */
export interface RecordScope {
  report: ReportContext;
  kubernetes?: KubernetesContext;
  result: ResultContext;
}

export {
  asJsonObject as obj,
  isJsonObject as isObject,
  type JsonObject,
} from '../../src/internal/json-object.js';

/** A non-blank string, kept as written (no trimmed copy: descriptions are long), else `undefined`. */
export function str(value: unknown): string | undefined {
  return isNonBlank(value) ? value : undefined;
}

/** A finite number, else `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The non-blank strings of an array (anything else is ignored). */
export function strList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    const text = str(item);
    if (text !== undefined) out.push(text);
  }
  return out;
}

/** The value as an array, else an empty array. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A shallow copy of `value` without the keys whose value is `undefined` (the SDK shapes stay tidy). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

/** The entries of `value` whose value is a string (for `Details.Other`, which takes strings only). */
export function stringEntries(value: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out;
}
