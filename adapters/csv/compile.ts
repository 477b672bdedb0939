import type { SoftwarePackage } from '@aws-sdk/client-securityhub';
import type { Finding } from '../../src/adapter.js';
import type { CsvHeader } from '../../src/csv/header.js';
import { ConverterError } from '../../src/errors.js';
import type { ColumnRef, ColumnRefs, CsvMap, CvssColumns, ResolvedWhen, SeverityScale } from './spec.js';
import { cellValue } from './values.js';

/** Reads one value from a row: trimmed, `''` when blank. */
export type Getter = (fields: readonly string[]) => string;

/** A CVSS source: its version (when known) and score/vector getters. */
export interface CompiledCvss {
  /** Sources of one group are alternatives: only the first with a score counts. */
  group: string;
  version?: string;
  versionOf?: Getter;
  score: Getter;
  vector?: Getter;
}

/** A {@link CsvMap} bound to one header: column references turned into getters. */
export interface CompiledMap {
  readonly name: string;
  readonly title: Getter;
  readonly identity: readonly Getter[];
  readonly ruleId: Getter | undefined;
  readonly ruleIdPrefix: string;
  readonly description: Getter | undefined;
  readonly evidence: Getter | undefined;
  readonly severity: Getter | undefined;
  readonly severityScale: SeverityScale;
  /** In order of preference for the severity fallback: v4, v3, v2, then a score of unknown version. */
  readonly cvss: readonly CompiledCvss[];
  /** Every one of these cells is scanned for vulnerability ids. */
  readonly cve: readonly Getter[];
  readonly epss: Getter | undefined;
  readonly exploitAvailable: Getter | undefined;
  readonly packageName: Getter | undefined;
  readonly packageVersion: Getter | undefined;
  readonly packageFixedIn: Getter | undefined;
  readonly packagePath: Getter | undefined;
  readonly packageManager: Getter | undefined;
  readonly resourceId: Getter | undefined;
  readonly resourceType: Getter | undefined;
  readonly container: CompiledContainer | undefined;
  readonly port: Getter | undefined;
  readonly remediation: Getter | undefined;
  /** Every one of these cells is scanned for URLs. */
  readonly references: readonly Getter[];
  readonly url: Getter | undefined;
  readonly firstSeen: Getter | undefined;
  readonly lastSeen: Getter | undefined;
  readonly confidence: Getter | undefined;
  readonly resolved: CompiledCondition | undefined;
  readonly compliance: CompiledCompliance | undefined;
  readonly types: readonly string[] | undefined;
  readonly vendor: string;
  readonly details: readonly (readonly [string, Getter])[];
  readonly productFields: readonly (readonly [string, Getter])[];
  /** Columns read by `cve` (rows that differ only there are merged silently). */
  readonly cveColumns: ReadonlySet<number>;
  /** Columns no field reads, with the ProductFields key their non-blank values are kept under. */
  readonly unmapped: readonly (readonly [key: string, index: number])[];
  /** A built-in profile's finishing step for each row's finding ({@link bindRefine}). */
  readonly refine?: (finding: Finding, fields: readonly string[], pkg: SoftwarePackage | undefined) => void;
}

/**
 * Binds a profile's `refine(finding, cell, pkg)` to a header: cells are read by column name, indexes looked up once;
 * `pkg` is the row's package as the map reads it (also when the row has no vulnerability id to hang it on).
 */
export function bindRefine(
  refine: (finding: Finding, cell: (column: string) => string, pkg: SoftwarePackage | undefined) => void,
  header: CsvHeader,
): (finding: Finding, fields: readonly string[], pkg: SoftwarePackage | undefined) => void {
  const indexes = new Map<string, number>();
  return (finding, fields, pkg) =>
    refine(
      finding,
      (column) => {
        let index = indexes.get(column);
        if (index === undefined) {
          index = header.indexOf(column);
          indexes.set(column, index);
        }
        return index === -1 ? '' : cellValue(fields[index]);
      },
      pkg,
    );
}

/** {@link ContainerColumns} bound to a header. */
export interface CompiledContainer {
  readonly when: CompiledCondition | undefined;
  readonly image: Getter | undefined;
  readonly imageId: Getter | undefined;
  readonly name: Getter | undefined;
}

/** A `{column, values}` condition bound to a header: values lower-cased. */
export interface CompiledCondition {
  readonly column: Getter;
  readonly values: ReadonlySet<string>;
}

/** {@link ComplianceColumns} bound to a header. */
export interface CompiledCompliance {
  /** Compliance rows are those where this is blank; `undefined`: every row. */
  readonly whenBlank: Getter | undefined;
  readonly status: Getter | undefined;
  readonly types: readonly string[];
}

/** Types of compliance rows unless the map says otherwise. */
export const COMPLIANCE_TYPES = ['Software and Configuration Checks/Industry and Regulatory Standards'];

/**
 * Binds a map to a header. In `strict` mode (a user's `--csv-map`) every field must find at least one of its
 * columns and every identity column must exist, else `E_CONFIG` names the missing column and the header; in
 * lenient mode (built-in profiles, whose optional columns vary between export versions) missing columns are
 * simply absent.
 */
export function compileMap(
  map: CsvMap,
  header: CsvHeader,
  strict: boolean,
  defaultName = 'csv-map',
): CompiledMap {
  const cveColumns = new Set<number>();
  const ctx: CompileContext = { header, strict, used: new Set() };
  const first = (path: string, refs: ColumnRefs | undefined): Getter | undefined =>
    refs === undefined ? undefined : firstOf(path, refs, ctx);
  const all = (path: string, refs: ColumnRefs | undefined, columns?: Set<number>): Getter[] => {
    if (refs === undefined) return [];
    const getters = listOf(refs)
      .map((ref) => compileRef(ref, ctx, columns))
      .filter((g): g is Getter => g !== undefined);
    if (strict && getters.length === 0) missing(path, refs, ctx);
    return getters;
  };
  const title = first('title', map.title);
  if (title === undefined) missing('title', map.title, ctx);
  const identity = map.identity.map((refs, i) => first(`identity[${i}]`, refs) ?? blank);
  const pairs = (path: string, record: Readonly<Record<string, ColumnRefs>> | undefined) =>
    Object.entries(record ?? {}).flatMap(([key, refs]) => {
      const getter = first(`${path}.${key}`, refs);
      return getter === undefined ? [] : [[key, getter] as const];
    });
  const condition = (path: string, when: ResolvedWhen | undefined): CompiledCondition | undefined => {
    const column = when === undefined ? undefined : first(`${path}.column`, when.column);
    return column === undefined
      ? undefined
      : { column, values: new Set(when!.values.map((v) => v.trim().toLowerCase())) };
  };
  const pkg = map.package ?? {};
  const container = map.container;
  const compliance = map.compliance;
  const compiled: Omit<CompiledMap, 'unmapped'> = {
    name: map.name ?? defaultName,
    title: title!,
    identity,
    ruleId: first('ruleId', map.ruleId),
    ruleIdPrefix: map.ruleIdPrefix ?? '',
    description: first('description', map.description),
    evidence: first('evidence', map.evidence),
    severity: first('severity', map.severity),
    severityScale: map.severityScale ?? 'label',
    cvss: compileCvss(map.cvss, ctx),
    cve: all('cve', map.cve, cveColumns),
    epss: first('epss', map.epss),
    exploitAvailable: first('exploitAvailable', map.exploitAvailable),
    packageName: first('package.name', pkg.name),
    packageVersion: first('package.version', pkg.version),
    packageFixedIn: first('package.fixedIn', pkg.fixedIn),
    packagePath: first('package.path', pkg.path),
    packageManager: first('package.manager', pkg.manager),
    resourceId: first('resourceId', map.resourceId),
    resourceType: first('resourceType', map.resourceType),
    container:
      container === undefined
        ? undefined
        : {
            when: condition('container.when', container.when),
            image: first('container.image', container.image),
            imageId: first('container.imageId', container.imageId),
            name: first('container.name', container.name),
          },
    port: first('port', map.port),
    remediation: first('remediation', map.remediation),
    references: all('references', map.references),
    url: first('url', map.url),
    firstSeen: first('firstSeen', map.firstSeen),
    lastSeen: first('lastSeen', map.lastSeen),
    confidence: first('confidence', map.confidence),
    resolved: condition('resolved', map.resolved),
    compliance:
      compliance === undefined
        ? undefined
        : {
            whenBlank: first('compliance.whenBlank', compliance.whenBlank),
            status: first('compliance.status', compliance.status),
            types: compliance.types ?? COMPLIANCE_TYPES,
          },
    types: map.types,
    vendor: map.vendor ?? map.name ?? defaultName,
    details: pairs('details', map.details),
    productFields: pairs('productFields', map.productFields),
    cveColumns,
  };
  return { ...compiled, unmapped: unmappedColumns(header, ctx.used, compiled.productFields) };
}

interface CompileContext {
  header: CsvHeader;
  strict: boolean;
  /** Every column some field reads. */
  used: Set<number>;
}

/**
 * The columns no field reads, each with a ProductFields key: its name as written (`column 7` when the name is
 * empty), made unique against the map's own keys and each other.
 */
function unmappedColumns(
  header: CsvHeader,
  used: ReadonlySet<number>,
  productFields: readonly (readonly [string, Getter])[],
): [string, number][] {
  const keys = new Set(productFields.map(([key]) => key));
  const out: [string, number][] = [];
  header.names.forEach((name, index) => {
    if (used.has(index)) return;
    const trimmed = name
      .replace(/\uFEFF/g, '')
      .trim()
      .replace(/\s+/g, ' ');
    let key = trimmed === '' ? `column ${index + 1}` : trimmed;
    // A repeated name (Twistlock's two `Type` columns) says which column it is.
    if (keys.has(key) || (trimmed !== '' && header.indexOf(name) !== index))
      key = `${key} (column ${index + 1})`;
    keys.add(key);
    out.push([key, index]);
  });
  return out;
}

const blank: Getter = () => '';

function listOf(refs: ColumnRefs): readonly ColumnRef[] {
  return Array.isArray(refs) ? (refs as readonly ColumnRef[]) : [refs as ColumnRef];
}

function firstOf(path: string, refs: ColumnRefs, ctx: CompileContext): Getter | undefined {
  const getters = listOf(refs)
    .map((ref) => compileRef(ref, ctx))
    .filter((g): g is Getter => g !== undefined);
  if (getters.length === 0) {
    if (ctx.strict) missing(path, refs, ctx);
    return undefined;
  }
  if (getters.length === 1) return getters[0];
  return (fields) => {
    for (const getter of getters) {
      const value = getter(fields);
      if (value !== '') return value;
    }
    return '';
  };
}

function columnIndex(ref: string | number, header: CsvHeader): number {
  if (typeof ref === 'number') return ref >= 1 && ref <= header.width ? ref - 1 : -1;
  return header.indexOf(ref);
}

/** A getter for one reference, or `undefined` when its column is not in the header. */
function compileRef(ref: ColumnRef, ctx: CompileContext, columns?: Set<number>): Getter | undefined {
  if (typeof ref === 'string' || typeof ref === 'number') {
    const index = columnIndex(ref, ctx.header);
    if (index === -1) return undefined;
    columns?.add(index);
    ctx.used.add(index);
    return (fields) => cellValue(fields[index]);
  }
  if ('value' in ref) {
    const value = ref.value.trim();
    return () => value;
  }
  return compileTemplate(ref.template, ctx, columns);
}

/**
 * `{Column}` and `{#3}` placeholders filled from the row. A template whose placeholders are all blank gives `''`,
 * so it can sit in a fallback list. Strict mode refuses a template naming a missing column; lenient mode reads it
 * as blank, and drops the template when none of its columns exist.
 */
function compileTemplate(template: string, ctx: CompileContext, columns?: Set<number>): Getter | undefined {
  const literals: string[] = [];
  const indexes: number[] = [];
  let last = 0;
  let found = 0;
  for (const match of template.matchAll(/\{([^{}]+)\}/g)) {
    literals.push(template.slice(last, match.index));
    const name = match[1]!;
    const index = columnIndex(/^#\d+$/.test(name) ? Number(name.slice(1)) : name, ctx.header);
    if (index === -1 && ctx.strict) return undefined;
    if (index !== -1) {
      found++;
      columns?.add(index);
      ctx.used.add(index);
    }
    indexes.push(index);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  if (found === 0) return undefined;
  return (fields) => {
    let out = literals[0]!;
    let any = false;
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i]!;
      const value = index === -1 ? '' : cellValue(fields[index]);
      if (value !== '') any = true;
      out += value + literals[i + 1]!;
    }
    // Parentheses around blank placeholders go: `{Title} ({Resource Name})` with no name is just the title.
    return any
      ? out
          .replace(/\s*\(\s*\)/g, '')
          .replace(/[ \t]{2,}/g, ' ')
          .trim()
      : '';
  };
}

function compileCvss(spec: CsvMap['cvss'], ctx: CompileContext): CompiledCvss[] {
  if (spec === undefined) return [];
  const isColumns =
    typeof spec === 'object' && !Array.isArray(spec) && !('template' in spec) && !('value' in spec);
  const columns: CvssColumns = isColumns ? (spec as CvssColumns) : { score: spec as ColumnRefs };
  const first = (path: string, refs: ColumnRefs | undefined): Getter | undefined =>
    refs === undefined ? undefined : firstOf(path, refs, ctx);
  const out: CompiledCvss[] = [];
  const versions = [
    ['v4', '4.0', columns.v4, columns.v4Vector],
    ['v3', '3', columns.v3, columns.v3Vector],
    ['v2', '2.0', columns.v2, columns.v2Vector],
  ] as const;
  for (const [key, fallback, score, vector] of versions) {
    if (score === undefined) continue;
    const vectorGetter = first(`cvss.${key}Vector`, vector);
    let found = 0;
    // One source per candidate column, so the version can come from that column's name (`CVSS v3.0 Base Score`).
    for (const ref of listOf(score)) {
      const getter = compileRef(ref, ctx);
      if (getter === undefined) continue;
      found++;
      out.push({
        group: key,
        version: versionInName(columnName(ref, ctx.header)) ?? fallback,
        score: getter,
        ...(vectorGetter !== undefined ? { vector: vectorGetter } : {}),
      });
    }
    if (found === 0 && ctx.strict) missing(`cvss.${key}`, score, ctx);
  }
  const score = first(isColumns ? 'cvss.score' : 'cvss', columns.score);
  if (score !== undefined) {
    const vector = first('cvss.vector', columns.vector);
    const versionOf = first('cvss.version', columns.version);
    out.push({
      group: 'score',
      score,
      ...(vector !== undefined ? { vector } : {}),
      ...(versionOf !== undefined ? { versionOf } : {}),
    });
  }
  return out;
}

function columnName(ref: ColumnRef, header: CsvHeader): string | undefined {
  if (typeof ref !== 'string' && typeof ref !== 'number') return undefined;
  const index = columnIndex(ref, header);
  return index === -1 ? undefined : header.names[index];
}

/** `3.1` from `CVSSv3.1 Base (nvd)`, `2.0` from `CVSS v2.0 Base Score`. */
function versionInName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : /(?:^|[^\d.])([234]\.\d)(?![\d.])/.exec(name)?.[1];
}

function missing(path: string, refs: ColumnRefs, ctx: CompileContext): never {
  const wanted = listOf(refs)
    .map((ref) =>
      typeof ref === 'string'
        ? JSON.stringify(ref)
        : typeof ref === 'number'
          ? `column ${ref}`
          : JSON.stringify(ref),
    )
    .join(' or ');
  throw new ConverterError(
    'E_CONFIG',
    `csv map: ${path}: no ${wanted} in the header ${ctx.header.describe()}`,
    { adapter: 'csv', line: ctx.header.line },
  );
}
