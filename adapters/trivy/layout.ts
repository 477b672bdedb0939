import type { JsonKind } from '../../src/json/index.js';

/**
 * The shapes of Trivy JSON output:
 * - `null`: the literal `null` Trivy before 0.20 printed for a clean scan;
 * - `v1-array`: schema v1 (Trivy < 0.20), a top-level array of results, `Vulnerabilities` may be `null`;
 * - `v2-report` / `v2-report-without-results`: `SchemaVersion` 2 with `ArtifactName`, `ArtifactType`,
 *   `Metadata` and `Results` — or no `Results` at all when everything was skipped;
 * - `k8s-lists`: older `trivy k8s`, `{ClusterName, Vulnerabilities: [resource…], Misconfigurations: [resource…]}`;
 * - `k8s-resources`: newer `trivy k8s`, `{ClusterName, Resources: [resource…]}`; cluster-scoped resources
 *   (ClusterRole, ClusterRoleBinding …) in it have no `Namespace` — the third k8s variant, handled per resource.
 *
 * Each k8s resource is `{Namespace?, Kind, Name, Results: [result…]}`.
 */
export type TrivyLayout =
  | 'null'
  | 'v1-array'
  | 'v2-report'
  | 'v2-report-without-results'
  | 'k8s-lists'
  | 'k8s-resources';

/** What the top level of the document looked like. */
export interface RootShape {
  /** Kind of the root value; `null` for the literal null. `undefined` until the first byte is read. */
  kind: JsonKind | 'null' | undefined;
  /** Top-level keys seen so far (object root). */
  keys: ReadonlySet<string>;
}

/**
 * The layout of a document from its root, or `undefined` when it is not (or not yet recognisably) Trivy.
 * Called while streaming, as top-level keys arrive, and once more at the end, where `undefined` is fatal.
 */
export function identifyLayout(root: RootShape): TrivyLayout | undefined {
  const has = (key: string): boolean => root.keys.has(key);
  switch (true) {
    case root.kind === 'null':
      return 'null';
    case root.kind === 'array':
      return 'v1-array';
    case root.kind !== 'object':
      return undefined;
    case has('ClusterName') && !has('Resources') && (has('Vulnerabilities') || has('Misconfigurations')):
      return 'k8s-lists';
    // A cluster report with nothing found has ClusterName alone.
    case has('ClusterName') || has('Resources'):
      return 'k8s-resources';
    case has('Results'):
      return 'v2-report';
    case has('SchemaVersion') || has('ArtifactName') || has('ArtifactType'):
      return 'v2-report-without-results';
    default:
      return undefined;
  }
}

/** True for the `trivy k8s` layouts, whose findings belong to Kubernetes resources. */
export function isKubernetesLayout(layout: TrivyLayout | undefined): boolean {
  return layout === 'k8s-lists' || layout === 'k8s-resources';
}

/** The report header facts that decide whether findings can be built yet. */
export interface ReportHeaderState {
  /** Top-level header keys fully read (`Metadata` counts once its object has ended). */
  seen: ReadonlySet<string>;
  artifactType: string | undefined;
}

/**
 * True once the report header holds everything findings need, so records can be mapped as they stream by.
 * Until then they are spooled (key order is not guaranteed: `Metadata` may follow `Results`).
 * Image scans need `Metadata` (image id, digests, tags); other v2 reports only the artifact name and type;
 * k8s reports the cluster name; v1 arrays and `null` have no header at all.
 */
export function isReportHeaderComplete(layout: TrivyLayout | undefined, header: ReportHeaderState): boolean {
  switch (layout) {
    case undefined:
      return false;
    case 'null':
    case 'v1-array':
      return true;
    case 'v2-report':
    case 'v2-report-without-results':
      return (
        header.seen.has('ArtifactName') &&
        header.seen.has('ArtifactType') &&
        (header.artifactType !== 'container_image' || header.seen.has('Metadata'))
      );
    case 'k8s-lists':
    case 'k8s-resources':
      return header.seen.has('ClusterName');
  }
}

/** Result classes that never carry a `Type` (Trivy omits it for them). */
const CLASSES_WITHOUT_TYPE: ReadonlySet<string> = new Set(['secret', 'license', 'license-file']);

/**
 * True once a result's header (`Target`, `Class`, `Type`) is complete, so its records need not wait for the
 * result to end. Schema v1 results have no `Class`; secret and license results have no `Type`.
 */
export function isResultHeaderComplete(
  schemaV1: boolean,
  seen: ReadonlySet<string>,
  resultClass: unknown,
): boolean {
  if (!seen.has('Target')) return false;
  if (schemaV1) return seen.has('Type');
  if (!seen.has('Class')) return false;
  return seen.has('Type') || (typeof resultClass === 'string' && CLASSES_WITHOUT_TYPE.has(resultClass));
}

/** A one-line account of a document that is not Trivy, for the E_FORMAT message. */
export function describeRoot(kind: RootShape['kind'], keys: readonly string[]): string {
  if (kind === 'object') {
    return keys.length === 0
      ? 'a JSON object with no recognised keys'
      : `a JSON object with keys ${keys.map((key) => JSON.stringify(key)).join(', ')}`;
  }
  return kind === 'scalar' ? 'a JSON scalar (string, number or boolean)' : `a JSON ${kind ?? 'document'}`;
}
