import { basename } from 'node:path';
import type { AdapterContext, Finding } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import { type JsonKind, type JsonPathSegment, type JsonSelect, streamJson } from '../../src/json/index.js';
import {
  describeRoot,
  identifyLayout,
  isKubernetesLayout,
  isReportHeaderComplete,
  isResultHeaderComplete,
  type TrivyLayout,
} from './layout.js';
import { type IssueSink, mapRecord, safeSecretRecord } from './map.js';
import { NdjsonSpool } from './spool.js';
import {
  type ImageMetadata,
  isObject,
  isRecordListKey,
  type KubernetesContext,
  RECORD_LISTS,
  type ReportContext,
  type ResultContext,
  str,
  strList,
  type TrivyRecordKind,
} from './types.js';

const ADAPTER = 'trivy';

/** Knobs for tests and benchmarks; the defaults suit real use. */
export interface TrivyParseTuning {
  /** In-memory part of each spool before it moves to a temp file. @defaultValue 1 MiB */
  spoolMemoryBytes?: number;
}

const REPORT_KEYS: ReadonlySet<string> = new Set([
  'SchemaVersion',
  'ArtifactName',
  'ArtifactType',
  'ClusterName',
]);
const METADATA_KEYS: ReadonlySet<string> = new Set(['ImageID', 'RepoTags', 'RepoDigests']);
const RESULT_KEYS: ReadonlySet<string> = new Set(['Target', 'Class', 'Type']);
const KUBERNETES_KEYS: ReadonlySet<string> = new Set(['Namespace', 'Kind', 'Name']);
/**
 * What a k8s resource's records wait for: its identity and the images it runs (`Metadata`, an object or — newer
 * Trivy — an array, written before `Results`). A resource without one of them (cluster-scoped: no Namespace;
 * older reports: no Metadata) is complete when it ends.
 */
const KUBERNETES_HEADER = [...KUBERNETES_KEYS, 'Metadata'];
/** Top-level lists of `trivy k8s` resources. */
const KUBERNETES_LISTS: ReadonlySet<string> = new Set(['Resources', 'Vulnerabilities', 'Misconfigurations']);
/** Unknown top-level keys remembered for the E_FORMAT message. */
const MAX_NAMED_KEYS = 8;

/** What a path in the document means to the adapter. */
type PathRole =
  | { role: 'report-key'; key: string }
  | { role: 'metadata' }
  | { role: 'metadata-key'; key: string }
  | { role: 'image-config' }
  | { role: 'image-architecture' }
  | { role: 'list'; key: string }
  | { role: 'kubernetes' }
  | { role: 'kubernetes-key'; key: string }
  | { role: 'kubernetes-metadata' }
  | { role: 'kubernetes-results' }
  | { role: 'result' }
  | { role: 'result-key'; key: string }
  | { role: 'record-list'; kind: TrivyRecordKind }
  | { role: 'record'; kind: TrivyRecordKind }
  | { role: 'ignored' };

const IGNORED: PathRole = { role: 'ignored' };
const RESULT: PathRole = { role: 'result' };

/** Roles below a result, which sits at `path[base]` (v1: the root array; v2: `Results`; k8s: a resource's `Results`). */
function resultRole(path: readonly JsonPathSegment[], base: number): PathRole {
  const depth = path.length - base;
  if (depth === 1) return typeof path[base] === 'number' ? RESULT : IGNORED;
  const key = path[base + 1];
  if (depth === 2) {
    if (typeof key === 'string' && RESULT_KEYS.has(key)) return { role: 'result-key', key };
    return isRecordListKey(key) ? { role: 'record-list', kind: RECORD_LISTS[key] } : IGNORED;
  }
  return depth === 3 && isRecordListKey(key) && typeof path[base + 2] === 'number'
    ? { role: 'record', kind: RECORD_LISTS[key] }
    : IGNORED;
}

/** The role of a path, given the kind of the root value. Pure: `select` runs ahead of the events. */
function classifyPath(rootKind: JsonKind | undefined, path: readonly JsonPathSegment[]): PathRole {
  if (rootKind === 'array') return resultRole(path, 0);
  if (rootKind !== 'object' || path.length === 0) return IGNORED;
  const top = path[0] as string;
  if (path.length === 1) {
    if (REPORT_KEYS.has(top)) return { role: 'report-key', key: top };
    if (top === 'Metadata') return { role: 'metadata' };
    return top === 'Results' || KUBERNETES_LISTS.has(top) ? { role: 'list', key: top } : IGNORED;
  }
  if (top === 'Results') return resultRole(path, 1);
  if (top === 'Metadata') {
    const key = path[1] as string;
    if (path.length === 2) {
      if (METADATA_KEYS.has(key)) return { role: 'metadata-key', key };
      return key === 'ImageConfig' ? { role: 'image-config' } : IGNORED;
    }
    return path.length === 3 && key === 'ImageConfig' && path[2] === 'architecture'
      ? { role: 'image-architecture' }
      : IGNORED;
  }
  if (!KUBERNETES_LISTS.has(top)) return IGNORED;
  if (path.length === 2) return typeof path[1] === 'number' ? { role: 'kubernetes' } : IGNORED;
  const key = path[2];
  if (path.length === 3) {
    if (typeof key === 'string' && KUBERNETES_KEYS.has(key)) return { role: 'kubernetes-key', key };
    if (key === 'Metadata') return { role: 'kubernetes-metadata' };
    return key === 'Results' ? { role: 'kubernetes-results' } : IGNORED;
  }
  return key === 'Results' ? resultRole(path, 3) : IGNORED;
}

/** A record waiting for the headers above it: spooled as one NDJSON line when a header is still incomplete. */
interface PendingRecord {
  kind: TrivyRecordKind;
  record: unknown;
  recordIndex: number;
  line: number;
  byte: number;
  result?: ResultContext;
  kubernetes?: KubernetesContext;
}

/** One open level of the document whose header records depend on: the report, a k8s resource, a result. */
interface Frame {
  level: 'report' | 'kubernetes' | 'result';
  /** Header values read so far. */
  header: Record<string, unknown>;
  seen: Set<string>;
  /** Set when the header is complete (or the level has ended): records below map straight away. */
  settled: boolean;
  /** Records spooled while this level's header was incomplete. */
  spool: NdjsonSpool | undefined;
  /** The context records below take from this level, built once from the header (cleared when it changes). */
  context: ResultContext | KubernetesContext | undefined;
  index: number;
  line: number;
  byte: number;
}

function newFrame(level: Frame['level'], index: number, line: number, byte: number): Frame {
  return {
    level,
    header: {},
    seen: new Set(),
    settled: false,
    spool: undefined,
    context: undefined,
    index,
    line,
    byte,
  };
}

/**
 * Streams a Trivy JSON report into findings, one vulnerability, misconfiguration, secret (or, with
 * `ctx.options.trivyLicenses`, license) at a time. Records whose report, k8s-resource or result header has not
 * been read yet (JSON key order is free) wait in an NDJSON spool under `ctx.tempDir` and are replayed when
 * the header completes; spools are deleted on every exit path.
 */
export async function* parseTrivy(
  input: AsyncIterable<Uint8Array>,
  ctx: AdapterContext,
  tuning: TrivyParseTuning = {},
): AsyncGenerator<Finding> {
  const parser = new TrivyParser(ctx, tuning);
  try {
    yield* parser.run(input);
  } finally {
    await parser.discardSpools();
  }
}

class TrivyParser {
  readonly #ctx: AdapterContext;
  readonly #tuning: TrivyParseTuning;
  readonly #licenses: boolean;
  #rootKind: JsonKind | undefined;
  #isNull = false;
  readonly #rootKeys = new Set<string>();
  readonly #unknownRootKeys: string[] = [];
  readonly #unknownFirstResultKeys: string[] = [];
  #licensesSkipped = 0;
  #layout: TrivyLayout | undefined;
  readonly #frames: Frame[] = [];
  #report: ReportContext | undefined;
  #recordIndex = 0;
  #resultIndex = 0;
  #kubernetesIndex = 0;

  constructor(ctx: AdapterContext, tuning: TrivyParseTuning) {
    this.#ctx = ctx;
    this.#tuning = tuning;
    this.#licenses = ctx.options.trivyLicenses === true;
  }

  /** Decides, per path, what the splitter materialises. Runs ahead of the events, so it only reads the path. */
  #select = (path: readonly JsonPathSegment[], kind: JsonKind): JsonSelect => {
    if (path.length === 0) {
      this.#rootKind = kind;
      return kind === 'scalar' ? 'value' : 'descend';
    }
    const role = classifyPath(this.#rootKind, path);
    switch (role.role) {
      case 'report-key':
        this.#rootKeys.add(role.key);
        return 'value';
      case 'metadata-key':
      case 'image-architecture':
      case 'kubernetes-key':
      case 'kubernetes-metadata':
      case 'result-key':
        return 'value';
      case 'metadata':
        this.#rootKeys.add('Metadata');
        return kind === 'object' ? 'descend' : 'value';
      case 'image-config':
        return kind === 'object' ? 'descend' : 'skip';
      case 'list':
        this.#rootKeys.add(role.key);
        return kind === 'array' ? 'descend' : 'value';
      case 'kubernetes':
      case 'result':
        return kind === 'object' ? 'descend' : 'value';
      case 'kubernetes-results':
      case 'record-list':
        return kind === 'array' ? 'descend' : 'value';
      case 'record':
        if (role.kind === 'license' && !this.#licenses) {
          this.#licensesSkipped++;
          return 'skip';
        }
        return 'value';
      case 'ignored':
        this.#noteUnknownKey(path);
        return 'skip';
    }
  };

  #noteUnknownKey(path: readonly JsonPathSegment[]): void {
    const [first, second] = path;
    if (path.length === 1 && typeof first === 'string' && this.#unknownRootKeys.length < MAX_NAMED_KEYS) {
      this.#unknownRootKeys.push(first);
    } else if (
      this.#rootKind === 'array' &&
      path.length === 2 &&
      first === 0 &&
      typeof second === 'string' &&
      this.#unknownFirstResultKeys.length < MAX_NAMED_KEYS
    ) {
      this.#unknownFirstResultKeys.push(second);
    }
  }

  async *run(input: AsyncIterable<Uint8Array>): AsyncGenerator<Finding> {
    this.#frames.push(newFrame('report', 0, 1, 0));
    let events = 0;
    for await (const event of streamJson(input, { select: this.#select, adapter: ADAPTER })) {
      if ((++events & 1023) === 0 && this.#ctx.signal?.aborted === true) {
        throw new ConverterError('E_ABORTED', 'interrupted', { adapter: ADAPTER });
      }
      const { path, line, byte } = event;
      if (path.length === 0) {
        if (event.type === 'value') this.#rootScalar(event.value, byte, line);
        else if (event.type === 'enter') yield* this.#checkReport();
        continue;
      }
      const role = classifyPath(this.#rootKind, path);
      if (event.type === 'enter') {
        if (role.role === 'result') this.#frames.push(newFrame('result', this.#resultIndex++, line, byte));
        else if (role.role === 'kubernetes') {
          this.#frames.push(newFrame('kubernetes', this.#kubernetesIndex++, line, byte));
        }
        continue;
      }
      if (event.type === 'exit') {
        if (role.role === 'result' || role.role === 'kubernetes') {
          yield* this.#settle(this.#frames.length - 1);
          this.#frames.pop();
        } else if (role.role === 'metadata') {
          yield* this.#reportHeader('Metadata', undefined);
        }
        continue;
      }
      // Trivy never selects `raw`.
      if (event.type !== 'value') continue;
      const { value } = event;
      switch (role.role) {
        case 'record': {
          const pending = this.#pending(role.kind, value, line, byte);
          const waiting = this.#climb(pending, this.#frames.length);
          if (waiting !== undefined) await this.#park(waiting, pending);
          else {
            const finding = this.#map(pending);
            if (finding !== undefined) yield finding;
          }
          break;
        }
        case 'report-key':
          yield* this.#reportHeader(role.key, value);
          break;
        case 'metadata':
          yield* this.#reportHeader('Metadata', value);
          break;
        case 'metadata-key':
          this.#top().header[role.key] = value;
          break;
        case 'image-architecture':
          this.#top().header.architecture = value;
          break;
        case 'result-key':
        case 'kubernetes-key':
          yield* this.#levelHeader(role.key, value);
          break;
        case 'kubernetes-metadata':
          yield* this.#levelHeader('Metadata', value);
          break;
        default:
          this.#unexpectedScalar(role, value, line, byte);
      }
    }
    yield* this.#finish();
  }

  #top(): Frame {
    return this.#frames[0] as Frame;
  }

  #rootScalar(value: unknown, byte: number, line: number): void {
    if (value === null) {
      this.#isNull = true;
      return;
    }
    throw new ConverterError(
      'E_FORMAT',
      `not a Trivy JSON report: found ${describeRoot('scalar', [])}; expected a Trivy report object, a schema v1 array or null`,
      { adapter: ADAPTER, byte, line },
    );
  }

  /** A record as it arrived, with its position; the secret itself (Match, Code) is dropped right here. */
  #pending(kind: TrivyRecordKind, value: unknown, line: number, byte: number): PendingRecord {
    const record = kind === 'secret' && isObject(value) ? safeSecretRecord(value) : value;
    return { kind, record, recordIndex: this.#recordIndex++, line, byte };
  }

  /** A scalar where a list or an object belongs: fatal at the top level, an issue below it. */
  #unexpectedScalar(role: PathRole, value: unknown, line: number, byte: number): void {
    switch (role.role) {
      case 'list':
        if (value === null) return;
        throw new ConverterError(
          'E_FORMAT',
          `not a Trivy JSON report: "${role.key}" is ${kindOf(value)}, expected an array`,
          { adapter: ADAPTER, byte, line },
        );
      case 'record-list':
      case 'kubernetes-results':
        if (value === null) return;
        this.#ctx.onIssue({
          code: 'invalid-list',
          message: `a list of results or findings is ${kindOf(value)}, expected an array; ignored`,
          line,
          byte,
        });
        return;
      case 'result':
      case 'kubernetes': {
        if (this.#rootKind === 'array') {
          throw new ConverterError(
            'E_FORMAT',
            `not a Trivy schema v1 report: a top-level array element is ${kindOf(value)}, expected a result object`,
            { adapter: ADAPTER, byte, line },
          );
        }
        const what = role.role === 'result' ? 'result' : 'Kubernetes resource';
        this.#ctx.onIssue({
          code: role.role === 'result' ? 'invalid-result' : 'invalid-kubernetes-resource',
          message: `a ${what} is ${kindOf(value)}, not an object; ignored`,
          line,
          byte,
        });
        return;
      }
      default:
        return;
    }
  }

  /** A header value of the report arrived; the report may now be complete. */
  async *#reportHeader(key: string, value: unknown): AsyncGenerator<Finding> {
    const report = this.#top();
    report.header[key] ??= value;
    report.seen.add(key);
    yield* this.#checkReport();
  }

  async *#checkReport(): AsyncGenerator<Finding> {
    const report = this.#top();
    this.#layout = identifyLayout({ kind: this.#rootKind, keys: this.#rootKeys });
    if (report.settled) return;
    const artifactType = report.header.ArtifactType;
    const state = {
      seen: report.seen,
      artifactType: typeof artifactType === 'string' ? artifactType : undefined,
    };
    if (isReportHeaderComplete(this.#layout, state)) yield* this.#settle(0);
  }

  /** A header value of the innermost k8s resource or result arrived; it may now be complete. */
  async *#levelHeader(key: string, value: unknown): AsyncGenerator<Finding> {
    const index = this.#frames.length - 1;
    const frame = this.#frames[index] as Frame;
    const before = frame.header[key];
    frame.header[key] ??= value;
    if (frame.header[key] !== before) frame.context = undefined;
    frame.seen.add(key);
    if (frame.settled) return;
    const complete =
      frame.level === 'result'
        ? isResultHeaderComplete(this.#rootKind === 'array', frame.seen, frame.header.Class)
        : KUBERNETES_HEADER.every((name) => frame.seen.has(name));
    if (complete) yield* this.#settle(index);
  }

  /**
   * Applies the settled levels above a record to it, innermost first, and returns the first level that is still
   * unsettled (the record must wait there), or `undefined` when it can be mapped now. `depth` is the number of
   * levels, from the report down, not yet applied to the record.
   */
  #climb(pending: PendingRecord, depth: number): Frame | undefined {
    for (let index = depth - 1; index >= 0; index--) {
      const frame = this.#frames[index] as Frame;
      if (!frame.settled) return frame;
      this.#apply(frame, pending);
    }
    return undefined;
  }

  /** Spools a record at a level whose header is incomplete. */
  async #park(frame: Frame, pending: PendingRecord): Promise<void> {
    frame.spool ??= new NdjsonSpool({
      dir: this.#ctx.tempDir,
      label: frame.level,
      ...(this.#tuning.spoolMemoryBytes !== undefined ? { memoryBytes: this.#tuning.spoolMemoryBytes } : {}),
    });
    await frame.spool.write(pending);
  }

  #apply(frame: Frame, pending: PendingRecord): void {
    if (frame.level === 'report') return;
    // Built once per level (and again only after its header changed), not once per record.
    frame.context ??= frame.level === 'result' ? this.#resultContext(frame) : this.#kubernetesContext(frame);
    if (frame.level === 'result') pending.result ??= frame.context as ResultContext;
    else pending.kubernetes ??= frame.context as KubernetesContext;
  }

  #map(pending: PendingRecord): Finding | undefined {
    const { recordIndex, line, byte } = pending;
    const onIssue: IssueSink = (issue) => this.#ctx.onIssue({ ...issue, recordIndex, line, byte });
    const report = this.#report ?? this.#reportContext();
    const scope = {
      report,
      result: pending.result ?? { target: '' },
      ...(pending.kubernetes !== undefined ? { kubernetes: pending.kubernetes } : {}),
    };
    return mapRecord(pending.kind, pending.record, scope, onIssue);
  }

  /** Marks a level complete and replays what was spooled under it. */
  async *#settle(index: number): AsyncGenerator<Finding> {
    const frame = this.#frames[index] as Frame;
    if (frame.settled) return;
    frame.settled = true;
    if (frame.level === 'report') this.#report = this.#reportContext();
    if (frame.level === 'result') this.#checkResult(frame);
    const spool = frame.spool;
    frame.spool = undefined;
    if (spool === undefined) return;
    for await (const line of spool.drain()) {
      const pending = line as PendingRecord;
      this.#apply(frame, pending);
      const waiting = this.#climb(pending, index);
      if (waiting !== undefined) await this.#park(waiting, pending);
      else {
        const finding = this.#map(pending);
        if (finding !== undefined) yield finding;
      }
    }
  }

  /** Reports a result without Target; refuses a v1 array whose first element is no Trivy result at all. */
  #checkResult(frame: Frame): void {
    if (frame.seen.has('Target')) return;
    if (this.#rootKind === 'array' && frame.index === 0 && frame.seen.size === 0 && !this.#sawRecords()) {
      const keys = this.#unknownFirstResultKeys.map((key) => JSON.stringify(key)).join(', ');
      throw new ConverterError(
        'E_FORMAT',
        `not a Trivy schema v1 report: the first array element has ${keys === '' ? 'no keys' : `keys ${keys}`}, expected Target, Type and Vulnerabilities`,
        { adapter: ADAPTER, byte: frame.byte, line: frame.line },
      );
    }
    this.#ctx.onIssue({
      code: 'missing-target',
      message: `result ${frame.index} has no Target`,
      line: frame.line,
      byte: frame.byte,
    });
  }

  #sawRecords(): boolean {
    return this.#recordIndex > 0 || this.#licensesSkipped > 0;
  }

  #resultContext(frame: Frame): ResultContext {
    const { Target, Class, Type } = frame.header;
    return {
      target: typeof Target === 'string' ? Target : '',
      ...(str(Class) !== undefined ? { class: Class as string } : {}),
      ...(str(Type) !== undefined ? { type: Type as string } : {}),
    };
  }

  #kubernetesContext(frame: Frame): KubernetesContext {
    const { Namespace, Kind, Name, Metadata } = frame.header;
    const images = (Array.isArray(Metadata) ? Metadata : [Metadata])
      .map((metadata) => imageMetadataOf(isObject(metadata) ? metadata : {}))
      .filter((image) => image.imageId !== undefined || image.repoTags !== undefined);
    return {
      ...(str(Namespace) !== undefined ? { namespace: Namespace as string } : {}),
      ...(str(Kind) !== undefined ? { kind: Kind as string } : {}),
      ...(str(Name) !== undefined ? { name: Name as string } : {}),
      ...(images.length > 0 ? { images } : {}),
    };
  }

  #reportContext(): ReportContext {
    const { header } = this.#top();
    const filename = this.#ctx.filename;
    const clusterName = header.ClusterName;
    return {
      ...(str(header.ArtifactName) !== undefined ? { artifactName: header.ArtifactName as string } : {}),
      ...(str(header.ArtifactType) !== undefined ? { artifactType: header.ArtifactType as string } : {}),
      ...(typeof clusterName === 'string' ? { clusterName } : {}),
      ...(isKubernetesLayout(this.#layout) ? { kubernetes: true } : {}),
      image: imageMetadataOf({
        ImageID: header.ImageID,
        RepoTags: header.RepoTags,
        RepoDigests: header.RepoDigests,
        ImageConfig: { architecture: header.architecture },
      }),
      ...(filename !== undefined && filename !== '-' ? { fallbackName: basename(filename) } : {}),
    };
  }

  /** End of document: refuse what is not Trivy, then release everything still spooled. */
  async *#finish(): AsyncGenerator<Finding> {
    this.#layout = this.#isNull ? 'null' : identifyLayout({ kind: this.#rootKind, keys: this.#rootKeys });
    if (this.#layout === undefined) {
      throw new ConverterError(
        'E_FORMAT',
        `not a Trivy JSON report: found ${describeRoot(this.#rootKind, this.#unknownRootKeys)}; expected SchemaVersion/ArtifactName/Results (Trivy schema v2), ClusterName (trivy k8s), a top-level array of results (schema v1) or null`,
        { adapter: ADAPTER },
      );
    }
    yield* this.#settle(0);
    if (this.#licensesSkipped > 0) {
      this.#ctx.onIssue({
        code: 'licenses-not-included',
        message: `${this.#licensesSkipped} license findings were not converted; enable them with --trivy-licenses`,
      });
    }
  }

  /** Deletes every spool still open (after an error or when the consumer stops early). */
  async discardSpools(): Promise<void> {
    await Promise.all(this.#frames.map((frame) => frame.spool?.discard()));
  }
}

/** The image facts findings use, from a Trivy `Metadata` object (report level, or one of a k8s resource's). */
function imageMetadataOf(metadata: Record<string, unknown>): ImageMetadata {
  const imageId = str(metadata.ImageID);
  const repoTags = strList(metadata.RepoTags);
  const repoDigests = strList(metadata.RepoDigests);
  const config = metadata.ImageConfig;
  const architecture = isObject(config) ? str(config.architecture) : undefined;
  return {
    ...(imageId !== undefined ? { imageId } : {}),
    ...(repoTags.length > 0 ? { repoTags } : {}),
    ...(repoDigests.length > 0 ? { repoDigests } : {}),
    ...(architecture !== undefined ? { architecture } : {}),
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
