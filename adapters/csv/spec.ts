import { ConverterError } from '../../src/errors.js';
import { isJsonObject } from '../../src/internal/json-object.js';

/**
 * Where a value comes from: a column name (matched case-insensitively), a 1-based column number, a template
 * such as `{ "template": "{CVE ID} in {Packages}" }` (`{#3}` = column 3), or a constant `{ "value": "Other" }`.
 */
export type ColumnRef = string | number | { readonly template: string } | { readonly value: string };

/** One reference or several; for single values the first that is not blank wins. */
export type ColumnRefs = ColumnRef | readonly ColumnRef[];

/** How the severity column is read. Words (`High`, `moderate`, `Info`…) are understood by every scale. */
export const SEVERITY_SCALES = ['label', 'nessus', 'qualys', 'cvss'] as const;

/** One of {@link SEVERITY_SCALES}. */
export type SeverityScale = (typeof SEVERITY_SCALES)[number];

/** CVSS columns by version; `score`/`vector`/`version` for a score whose version is in another column or unknown. */
export interface CvssColumns {
  readonly v4?: ColumnRefs;
  readonly v3?: ColumnRefs;
  readonly v2?: ColumnRefs;
  readonly score?: ColumnRefs;
  readonly v4Vector?: ColumnRefs;
  readonly v3Vector?: ColumnRefs;
  readonly v2Vector?: ColumnRefs;
  readonly vector?: ColumnRefs;
  readonly version?: ColumnRefs;
}

/** Columns describing the vulnerable package (ASFF `Vulnerabilities[].VulnerablePackages[]`). */
export interface PackageColumns {
  readonly name?: ColumnRefs;
  readonly version?: ColumnRefs;
  readonly fixedIn?: ColumnRefs;
  readonly path?: ColumnRefs;
  readonly manager?: ColumnRefs;
}

/**
 * Columns of a container (ASFF `Container`). A row whose `image` or `imageId` cell holds something, or whose `when`
 * column holds one of its values (a Kubernetes workload kind), gets a `Container` resource (`Details.Container`:
 * `ImageName`, `ImageId`, `Name`), named after the image, else after the row's `resourceId`; other rows keep the
 * ordinary resource (a host, …).
 */
export interface ContainerColumns {
  /** Rows that are containers without naming an image, e.g. `{"column": "Resource Type", "values": ["Pod"]}`. */
  readonly when?: ResolvedWhen;
  /** The image reference, e.g. `registry/repository:tag` (a template can build it from several columns). */
  readonly image?: ColumnRefs;
  /** The image id or digest (`sha256:…`). */
  readonly imageId?: ColumnRefs;
  /** The running container's name, when the row names one. */
  readonly name?: ColumnRefs;
}

/**
 * Rows that are compliance (configuration) check results rather than vulnerabilities: they get `Compliance.Status`
 * and the compliance types, never vulnerability entries.
 */
export interface ComplianceColumns {
  /** Rows are compliance results only when this column is blank (Prisma: `CVE ID`); without it, every row. */
  readonly whenBlank?: ColumnRefs;
  /**
   * The check's status: `pass`/`passed`/`healthy`/`compliant` → PASSED, `fail`/`failed`/`unhealthy`/
   * `noncompliant` → FAILED, `warning`/`warn` → WARNING, `notapplicable`/`not applicable`/`skipped`/`error` →
   * NOT_AVAILABLE. Blank or without this column: FAILED (an export that lists the check failed it).
   */
  readonly status?: ColumnRefs;
  /** ASFF Types of compliance rows. @defaultValue `["Software and Configuration Checks/Industry and Regulatory Standards"]` */
  readonly types?: readonly string[];
}

/** Marks a row resolved (`RecordState: ARCHIVED`) when `column` holds one of `values` (case-insensitive). */
export interface ResolvedWhen {
  readonly column: ColumnRefs;
  readonly values: readonly string[];
}

/**
 * Which columns of a CSV give which finding field. Built-in profiles are written in it, and `--csv-map` reads it
 * from JSON. Only `title` and `identity` are required.
 */
export interface CsvMap {
  /** Short name; namespaces the Ids and is the default scope. @defaultValue `csv-map` */
  readonly name?: string;
  readonly title: ColumnRefs;
  /** Columns whose values identify a finding (hashed into the ASFF Id); a list is a fallback (first non-blank). */
  readonly identity: readonly ColumnRefs[];
  readonly ruleId?: ColumnRefs;
  /** Put before the rule id in the GeneratorId, e.g. `qualys-qid/`. */
  readonly ruleIdPrefix?: string;
  readonly description?: ColumnRefs;
  /** What the scanner saw (plugin output, a check's cause): it leads the description, before `description`. */
  readonly evidence?: ColumnRefs;
  readonly severity?: ColumnRefs;
  /** @defaultValue `label` */
  readonly severityScale?: SeverityScale;
  readonly cvss?: ColumnRefs | CvssColumns;
  /** Cells scanned for CVE ids (and GHSA ids); every id found becomes a `Vulnerabilities[]` entry. */
  readonly cve?: ColumnRefs;
  /** EPSS probability (0–1). */
  readonly epss?: ColumnRefs;
  /** `yes`/`true` or `no`/`false`. */
  readonly exploitAvailable?: ColumnRefs;
  readonly package?: PackageColumns;
  readonly resourceId?: ColumnRefs;
  /** ASFF resource type; default `AzureResource` for Azure resource ids (`/subscriptions/…`), else `Other`. */
  readonly resourceType?: ColumnRefs;
  /** When the row names a container image, the resource is that image (`Container`). */
  readonly container?: ContainerColumns;
  /** Appended to the resource Id as `host:port` unless blank or 0. */
  readonly port?: ColumnRefs;
  readonly remediation?: ColumnRefs;
  /** Cells with reference URLs (any separator); the first also becomes the remediation URL. */
  readonly references?: ColumnRefs;
  /** `SourceUrl`: the finding in the scanner's product. */
  readonly url?: ColumnRefs;
  /** ISO-8601 timestamps; other date formats are kept in ProductFields instead. */
  readonly firstSeen?: ColumnRefs;
  readonly lastSeen?: ColumnRefs;
  /** 0–100. */
  readonly confidence?: ColumnRefs;
  readonly resolved?: ResolvedWhen;
  readonly compliance?: ComplianceColumns;
  /** ASFF Types for findings without a CVE; those with one get `Software and Configuration Checks/Vulnerabilities/CVE`. */
  readonly types?: readonly string[];
  /** `Vulnerabilities[].Vendor.Name`. */
  readonly vendor?: string;
  /** Keys and columns copied into `Resources[0].Details.Other`. */
  readonly details?: Readonly<Record<string, ColumnRefs>>;
  /** Keys and columns copied into `ProductFields`. */
  readonly productFields?: Readonly<Record<string, ColumnRefs>>;
}

const REF_FIELDS = [
  'title',
  'ruleId',
  'description',
  'evidence',
  'severity',
  'cve',
  'epss',
  'exploitAvailable',
  'resourceId',
  'resourceType',
  'port',
  'remediation',
  'references',
  'url',
  'firstSeen',
  'lastSeen',
  'confidence',
] as const satisfies readonly (keyof CsvMap)[];
const CVSS_KEYS = [
  'v4',
  'v3',
  'v2',
  'score',
  'v4Vector',
  'v3Vector',
  'v2Vector',
  'vector',
  'version',
] as const;
const PACKAGE_KEYS = ['name', 'version', 'fixedIn', 'path', 'manager'] as const;
const CONTAINER_KEYS = ['image', 'imageId', 'name', 'when'] as const;
const COMPLIANCE_KEYS = ['whenBlank', 'status', 'types'] as const;
const OTHER_KEYS = [
  'name',
  'identity',
  'ruleIdPrefix',
  'severityScale',
  'cvss',
  'package',
  'container',
  'compliance',
  'resolved',
  'types',
  'vendor',
  'details',
  'productFields',
] as const;

/** Every key a CSV map may have. */
export const CSV_MAP_KEYS: readonly string[] = [...REF_FIELDS, ...OTHER_KEYS].sort();

const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * Checks that `value` is a valid {@link CsvMap} and returns it; throws `E_CONFIG` naming the first problem
 * (`csv map <where>: <path> …`), so a typo such as `"tittle"` fails loudly instead of silently mapping nothing.
 */
export function parseCsvMap(value: unknown, where = ''): CsvMap {
  const fail = (path: string, problem: string): never => {
    const subject = path === '' ? problem : `${path} ${problem}`;
    throw new ConverterError('E_CONFIG', `csv map${where === '' ? '' : ` ${where}`}: ${subject}`);
  };
  const ref = (path: string, item: unknown): void => {
    if (typeof item === 'string') {
      if (item.trim() === '') fail(path, 'is an empty column name');
      return;
    }
    if (typeof item === 'number') {
      if (!Number.isInteger(item) || item < 1) fail(path, 'must be a column number from 1');
      return;
    }
    if (isJsonObject(item)) {
      const keys = Object.keys(item);
      if (keys.length === 1 && typeof item.template === 'string') {
        if (item.template.match(PLACEHOLDER) === null)
          fail(`${path}.template`, 'has no {column} placeholder');
        for (const [, name] of item.template.matchAll(PLACEHOLDER)) {
          if (/^#/.test(name!) && !/^#[1-9]\d*$/.test(name!))
            fail(`${path}.template`, `has a bad column number {${name}}`);
        }
        return;
      }
      if (keys.length === 1 && typeof item.value === 'string') return;
    }
    fail(path, 'must be a column name, a column number, {"template": "…{Column}…"} or {"value": "…"}');
  };
  const refs = (path: string, item: unknown): void => {
    if (Array.isArray(item)) {
      if (item.length === 0) fail(path, 'is an empty list');
      for (const [i, entry] of item.entries()) ref(`${path}[${i}]`, entry);
    } else ref(path, item);
  };
  const known = (path: string, object: Record<string, unknown>, keys: readonly string[]): void => {
    for (const key of Object.keys(object)) {
      if (!keys.includes(key)) fail(`${path}${key}`, `is not a known key (known: ${keys.join(', ')})`);
    }
  };
  const refMap = (path: string, item: unknown): void => {
    if (!isJsonObject(item)) fail(path, 'must be an object of name → column');
    for (const [key, entry] of Object.entries(item as Record<string, unknown>)) {
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(key))
        fail(`${path}.${key}`, 'must be 1–64 letters, digits or _.:-');
      refs(`${path}.${key}`, entry);
    }
  };
  const text = (path: string, item: unknown): void => {
    if (typeof item !== 'string' || item.trim() === '') fail(path, 'must be a non-empty string');
  };
  const rowCondition = (path: string, condition: unknown): void => {
    if (!isJsonObject(condition)) {
      fail(path, 'must be {"column": …, "values": […]}');
      return;
    }
    known(`${path}.`, condition, ['column', 'values']);
    refs(`${path}.column`, condition.column);
    if (!Array.isArray(condition.values) || condition.values.length === 0)
      fail(`${path}.values`, 'must be a non-empty list');
    for (const [i, entry] of (condition.values as unknown[]).entries()) text(`${path}.values[${i}]`, entry);
  };

  if (!isJsonObject(value)) return fail('', 'must be a JSON object');
  const map = value as Record<string, unknown>;
  known('', map, CSV_MAP_KEYS);
  if (map.title === undefined) fail('title', 'is required (the column with the finding title)');
  if (!Array.isArray(map.identity) || map.identity.length === 0) {
    fail(
      'identity',
      'is required: a list of the columns that identify a finding, e.g. ["Host", "Port", "Check ID"]',
    );
  }
  for (const key of REF_FIELDS) if (map[key] !== undefined) refs(key, map[key]);
  for (const [i, entry] of (map.identity as unknown[]).entries()) refs(`identity[${i}]`, entry);
  for (const key of ['name', 'ruleIdPrefix', 'vendor'] as const)
    if (map[key] !== undefined) text(key, map[key]);
  if (
    map.severityScale !== undefined &&
    !(SEVERITY_SCALES as readonly unknown[]).includes(map.severityScale)
  ) {
    fail('severityScale', `must be one of ${SEVERITY_SCALES.join(', ')}`);
  }
  if (map.cvss !== undefined) {
    const cvss = map.cvss;
    if (isJsonObject(cvss) && cvss.template === undefined && cvss.value === undefined) {
      known('cvss.', cvss, CVSS_KEYS);
      for (const [key, entry] of Object.entries(cvss)) refs(`cvss.${key}`, entry);
    } else refs('cvss', cvss);
  }
  if (map.package !== undefined) {
    if (!isJsonObject(map.package)) fail('package', `must be an object with ${PACKAGE_KEYS.join(', ')}`);
    known('package.', map.package as Record<string, unknown>, PACKAGE_KEYS);
    for (const [key, entry] of Object.entries(map.package as Record<string, unknown>))
      refs(`package.${key}`, entry);
  }
  if (map.container !== undefined) {
    if (!isJsonObject(map.container))
      fail('container', `must be an object with ${CONTAINER_KEYS.join(', ')}`);
    known('container.', map.container as Record<string, unknown>, CONTAINER_KEYS);
    for (const [key, entry] of Object.entries(map.container as Record<string, unknown>)) {
      if (key === 'when') rowCondition('container.when', entry);
      else refs(`container.${key}`, entry);
    }
  }
  if (map.compliance !== undefined) {
    const compliance = map.compliance;
    if (!isJsonObject(compliance))
      return fail('compliance', `must be an object with ${COMPLIANCE_KEYS.join(', ')}`);
    known('compliance.', compliance, COMPLIANCE_KEYS);
    if (compliance.whenBlank !== undefined) refs('compliance.whenBlank', compliance.whenBlank);
    if (compliance.status !== undefined) refs('compliance.status', compliance.status);
    if (compliance.types !== undefined) {
      if (!Array.isArray(compliance.types) || compliance.types.length === 0)
        fail('compliance.types', 'must be a non-empty list of strings');
      for (const [i, entry] of (compliance.types as unknown[]).entries())
        text(`compliance.types[${i}]`, entry);
    }
  }
  if (map.resolved !== undefined) rowCondition('resolved', map.resolved);
  if (map.types !== undefined) {
    if (!Array.isArray(map.types) || map.types.length === 0)
      fail('types', 'must be a non-empty list of strings');
    for (const [i, entry] of (map.types as unknown[]).entries()) text(`types[${i}]`, entry);
  }
  if (map.details !== undefined) refMap('details', map.details);
  if (map.productFields !== undefined) refMap('productFields', map.productFields);
  return map as unknown as CsvMap;
}
