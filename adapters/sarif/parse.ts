import type { AdapterContext, Finding, Issue } from '../../src/adapter.js';
import { ConverterError, isConverterError } from '../../src/errors.js';
import {
  type JsonEvent,
  type JsonKind,
  type JsonPathSegment,
  type JsonSelect,
  parseRawValue,
  streamJson,
} from '../../src/json/stream.js';
import {
  createRun,
  type RunContext,
  readOptions,
  readRepositories,
  type SarifOptions,
  setImageProperty,
  toolNameOf,
} from './context.js';
import { DuplicateCounter } from './identity.js';
import { lateNeeds, readArtifact, readLogical, readUriBases } from './locations.js';
import { mapResult, type RunReports, sourceOf } from './map.js';
import { distinguish } from './presentation.js';
import {
  addRule,
  COMPONENT_FIELDS,
  type ComponentInfo,
  createComponent,
  findRule,
  setComponentField,
} from './rules.js';
import { ResultSpool } from './spool.js';
import { readTaxon } from './taxonomy.js';
import { asArray, asObject, asText, clip, isObject } from './values.js';

const ADAPTER = 'sarif';

/**
 * Largest single value the splitter captures: one result, one rule, one `originalUriBaseIds` … A SARIF result
 * of more than 64 MiB (huge code flows) is refused with `E_UNSAFE` rather than risking the memory budget.
 */
export const SARIF_MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** Run sections read whole (small by nature). */
const RUN_VALUES: ReadonlySet<string> = new Set([
  'originalUriBaseIds',
  'versionControlProvenance',
  'automationDetails',
]);
/** Run sections walked element by element. */
const RUN_ARRAYS: ReadonlySet<string> = new Set([
  'results',
  'artifacts',
  'logicalLocations',
  'taxonomies',
  'invocations',
]);

/** The keys of `run.properties` read (Trivy writes the scanned image there); the rest of the bag is skipped. */
const IMAGE_PROPERTIES: ReadonlySet<string> = new Set(['imageName', 'imageID', 'repoTags', 'repoDigests']);

/**
 * What the SARIF adapter reads from the document, by path. Results, rules, artifacts' locations, logical
 * locations and taxa are captured one by one; the root, `runs`, each run, `tool` and the arrays above are walked;
 * everything else (code flows of skipped sections, invocations' notifications, run properties …) is skipped
 * without being materialised. Anything that is not the expected container is captured as a value so the event
 * handler can report it.
 */
export function selectSarif(path: readonly JsonPathSegment[], kind: JsonKind): JsonSelect {
  const container = kind !== 'scalar';
  const depth = path.length;
  if (depth === 0) return container ? 'descend' : 'value';
  const top = path[0];
  if (depth === 1) {
    if (top === 'runs') return kind === 'array' ? 'descend' : 'value';
    return top === 'version' ? 'value' : 'skip';
  }
  if (top !== 'runs') return 'skip';
  if (depth === 2) return kind === 'object' ? 'descend' : 'value';
  const section = path[2] as string;
  if (depth === 3) {
    if (section === 'tool') return kind === 'object' ? 'descend' : 'value';
    if (RUN_ARRAYS.has(section)) return kind === 'array' ? 'descend' : 'value';
    if (section === 'properties') return kind === 'object' ? 'descend' : 'skip';
    return RUN_VALUES.has(section) ? 'value' : 'skip';
  }
  const key = path[3];
  const field = path[4];
  switch (section) {
    case 'results':
    case 'logicalLocations':
      return depth === 4 ? 'value' : 'skip';
    case 'artifacts':
      if (depth === 4) return kind === 'object' ? 'descend' : 'skip';
      return depth === 5 && field === 'location' ? 'value' : 'skip';
    case 'invocations':
      if (depth === 4) return kind === 'object' ? 'descend' : 'skip';
      return depth === 5 && field === 'executionSuccessful' ? 'value' : 'skip';
    case 'taxonomies':
      if (depth === 4) return kind === 'object' ? 'descend' : 'value';
      if (depth === 5)
        return field === 'taxa'
          ? kind === 'array'
            ? 'descend'
            : 'skip'
          : field === 'name' || field === 'guid'
            ? 'value'
            : 'skip';
      return depth === 6 ? 'value' : 'skip';
    case 'properties':
      return depth === 4 && IMAGE_PROPERTIES.has(key as string) ? 'value' : 'skip';
    case 'tool':
      if (key === 'driver') return selectComponent(path, 4, kind);
      if (key !== 'extensions') return 'skip';
      if (depth === 4) return kind === 'array' ? 'descend' : 'skip';
      if (depth === 5) return kind === 'object' ? 'descend' : 'value';
      return selectComponent(path, 5, kind);
    default:
      return 'skip';
  }
}

/** Inside a `toolComponent` at `path[at]`: walk it and its `rules`, capture rules and scalar fields. */
function selectComponent(path: readonly JsonPathSegment[], at: number, kind: JsonKind): JsonSelect {
  const depth = path.length;
  if (depth === at) return kind === 'object' ? 'descend' : 'value';
  const field = path[at] as string;
  if (depth === at + 1) {
    if (field === 'rules') return kind === 'array' ? 'descend' : 'skip';
    return COMPONENT_FIELDS.has(field) ? 'value' : 'skip';
  }
  return depth === at + 2 && field === 'rules' ? 'value' : 'skip';
}

/** One run being read: its context so far, what has arrived, and the results parked until it is complete. */
interface RunState {
  context: RunContext;
  reports: RunReports;
  toolDone: boolean;
  artifactsDone: boolean;
  logicalDone: boolean;
  taxonomiesDone: boolean;
  /** `run.properties` read (or absent): Trivy names the scanned image there, after its results. */
  propertiesDone: boolean;
  /** Results converted as they arrived (before a later section could have changed them). */
  converted: number;
  /** `uriBaseId`s used by converted results while `originalUriBaseIds` had not arrived. */
  basesUsed: Set<string>;
  basesDone: boolean;
  spool: ResultSpool | undefined;
}

function newRun(index: number, options: SarifOptions): RunState {
  return {
    context: createRun(index, options),
    reports: { reported: new Set() },
    toolDone: false,
    artifactsDone: false,
    logicalDone: false,
    taxonomiesDone: false,
    propertiesDone: false,
    converted: 0,
    basesUsed: new Set(),
    basesDone: false,
    spool: undefined,
  };
}

function position(event: JsonEvent): { byte: number; line: number } {
  return { byte: event.byte, line: event.line };
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** True when the result must wait for a section of its run that has not arrived yet. */
function mustWait(state: RunState, result: unknown): boolean {
  if (!state.toolDone) return true;
  // Trivy writes `run.properties.imageName` (the resource of every result) after the results.
  if (!state.propertiesDone && /^trivy$/i.test(toolNameOf(state.context))) return true;
  if (!isObject(result)) return false;
  const needs = lateNeeds(result);
  if ((needs.artifacts && !state.artifactsDone) || (needs.logicalLocations && !state.logicalDone))
    return true;
  if (state.taxonomiesDone) return false;
  // A rule may point into run.taxonomies by index only (no taxon id): then its CWEs need the table too.
  return (
    needs.taxonomies ||
    (findRule(result, state.context.tool).rule?.relationships.some(
      (target) => target.id === undefined && target.index !== undefined,
    ) ??
      false)
  );
}

function noteBases(state: RunState, result: unknown): void {
  if (state.basesDone || !isObject(result)) return;
  for (const item of asArray(result.locations)) {
    const base = asText(asObject(asObject(asObject(item)?.physicalLocation)?.artifactLocation)?.uriBaseId);
    if (base !== undefined) state.basesUsed.add(base);
  }
}

/**
 * Streams a SARIF 2.1.0 log into findings (see `docs/sarif.md`). Results are converted one at a time as the
 * splitter delivers them. A result that arrives before its run's `tool` (Semgrep writes keys alphabetically:
 * `results` before `tool`), or that refers by index to `artifacts` / `logicalLocations` / `taxonomies` not read
 * yet, is parked in a temporary NDJSON file under `ctx.tempDir` and converted when its run ends. Spool files are
 * deleted when parsing ends, also on error or early return.
 */
export async function* parseSarif(
  input: AsyncIterable<Uint8Array>,
  ctx: AdapterContext,
): AsyncGenerator<Finding> {
  const options = readOptions(ctx.options);
  const duplicates = new DuplicateCounter();
  // Titles + resources seen so far: a finding a reader could not tell from an earlier one gets a detail.
  const shown = new DuplicateCounter();
  const spools: ResultSpool[] = [];
  const rootKeys: string[] = [];
  let sawRuns = false;
  let resultCount = 0;
  let runResultsFrom = 0;
  let state: RunState | undefined;

  // The run whose `tool` the splitter has reached. `select` runs ahead of the events, but in document order: a
  // result selected while its run's tool has not begun comes before the tool in the input, so it will be
  // parked. Such results are taken `raw` and go to the spool as the input's own bytes, parsed once, at replay.
  let toolReachedInRun = -1;
  const select = (path: readonly JsonPathSegment[], kind: JsonKind): JsonSelect => {
    const depth = path.length;
    if (depth === 1 && rootKeys.length < 8) rootKeys.push(String(path[0]));
    if (depth === 3 && path[0] === 'runs' && path[2] === 'tool') toolReachedInRun = path[1] as number;
    const selected = selectSarif(path, kind);
    // selectSarif skips everything outside `runs`, so a depth-4 value under `results` is a result.
    return depth === 4 &&
      selected === 'value' &&
      kind === 'object' &&
      path[2] === 'results' &&
      toolReachedInRun !== path[1]
      ? 'raw'
      : selected;
  };

  function finish(finding: Finding | undefined, where: Omit<Issue, 'code' | 'message'>): Finding | undefined {
    if (finding === undefined) return undefined;
    // Each result keeps its own run's scope hint and tool: the scope of a multi-run log does not depend on the
    // order of its runs (docs/lifecycle.md, "Scope").
    const seen = duplicates.seen(finding.identity);
    if (seen > 0) {
      finding.identity = [...finding.identity, `occurrence:${seen + 1}`];
      ctx.onIssue({
        ...where,
        code: 'duplicate-result',
        message: `a result repeats the identity (tool, rule, place, message or fingerprints) of an earlier one; it is kept as occurrence ${seen + 1} with its own Id`,
      });
    }
    distinguish(finding, shown, seen > 0 ? seen + 1 : undefined);
    return finding;
  }

  // One hooks object for all results: issues get the line of the result being mapped.
  let currentLine = 0;
  const hooks = { onIssue: (issue: Issue) => ctx.onIssue({ line: currentLine, ...issue }) };

  function convert(run: RunState, value: unknown, recordIndex: number, at: { byte: number; line: number }) {
    currentLine = at.line;
    const finding = mapResult(value, run.context, { recordIndex, byte: at.byte }, run.reports, hooks);
    return finish(finding, { recordIndex, byte: at.byte, line: at.line });
  }

  function newSpool(runIndex: number): ResultSpool {
    const spool = new ResultSpool(ctx.tempDir, `run${runIndex}`);
    spools.push(spool);
    return spool;
  }

  function lateSection(run: RunState, section: string, at: { byte: number; line: number }): void {
    ctx.onIssue({
      code: 'late-run-context',
      message: `run ${run.context.index} (${toolNameOf(run.context)}): "${section}" comes after ${run.converted} of its results, which were converted without it`,
      ...at,
    });
  }

  async function* endRun(run: RunState, at: { byte: number; line: number }): AsyncGenerator<Finding> {
    const spool = run.spool;
    if (spool === undefined) return;
    if (!run.toolDone)
      ctx.onIssue({
        code: 'missing-tool',
        message: `run ${run.context.index} has results but no "tool" section; they are converted without rule definitions`,
        ...at,
      });
    run.toolDone = true;
    for await (const parked of spool.replay()) {
      const where = {
        path: ['runs', run.context.index, 'results', parked.resultIndex],
        byte: parked.byte,
        line: parked.line,
        column: parked.column,
      };
      const value = parseRawValue(parked.bytes, where, ADAPTER);
      const finding = convert(run, value, parked.recordIndex, parked);
      if (finding !== undefined) yield finding;
    }
    await spool.dispose();
    run.spool = undefined;
  }

  try {
    for await (const event of streamJson(input, {
      select,
      maxValueBytes: SARIF_MAX_VALUE_BYTES,
      adapter: ADAPTER,
    })) {
      if (ctx.signal?.aborted)
        throw new ConverterError('E_ABORTED', 'conversion aborted', { adapter: ADAPTER, ...position(event) });
      const { path } = event;
      const depth = path.length;

      if (depth === 0) {
        if (event.type === 'exit' && !sawRuns)
          throw new ConverterError(
            'E_FORMAT',
            `not a SARIF log: the JSON object has no "runs" array${rootKeys.length > 0 ? ` (its keys start with ${rootKeys.map((key) => `"${clip(key, 40)}"`).join(', ')})` : ''}`,
            { adapter: ADAPTER, ...position(event) },
          );
        if (event.type === 'value' || (event.type === 'enter' && event.kind !== 'object'))
          throw new ConverterError(
            'E_FORMAT',
            `not a SARIF log: the document is ${event.type === 'value' ? describe(event.value) : 'an array'}, not an object with "version" and "runs"`,
            { adapter: ADAPTER, ...position(event) },
          );
        continue;
      }

      if (depth === 1) {
        if (path[0] === 'version' && event.type === 'value') {
          const version = typeof event.value === 'string' ? event.value : JSON.stringify(event.value);
          if (!version.startsWith('2.'))
            throw new ConverterError(
              'E_FORMAT',
              `not a SARIF 2.x log: "version" is ${clip(version, 40)} (only SARIF 2.1.0 is supported)`,
              { adapter: ADAPTER, ...position(event) },
            );
          if (version !== '2.1.0')
            ctx.onIssue({
              code: 'sarif-version',
              message: `SARIF version ${clip(version, 40)} is read as 2.1.0`,
              ...position(event),
            });
        } else if (path[0] === 'runs') {
          if (event.type === 'value')
            throw new ConverterError(
              'E_FORMAT',
              `not a SARIF log: "runs" is ${describe(event.value)}, not an array`,
              {
                adapter: ADAPTER,
                ...position(event),
              },
            );
          sawRuns = true;
        }
        continue;
      }

      const runIndex = path[1] as number;
      if (depth === 2) {
        if (event.type === 'enter') {
          state = newRun(runIndex, options);
          runResultsFrom = resultCount;
        } else if (event.type === 'value')
          ctx.onIssue({
            code: 'invalid-run',
            message: `run ${runIndex} is ${describe(event.value)}, not an object; skipped`,
            skipped: true,
            ...position(event),
          });
        else if (state !== undefined) {
          yield* endRun(state, position(event));
          // A run without results still says which tool ran on what: its earlier findings can be archived.
          if (resultCount === runResultsFrom) ctx.onSource?.(sourceOf(state.context));
          state = undefined;
        }
        continue;
      }
      if (state === undefined) continue;
      const run = state;
      const section = path[2] as string;

      switch (section) {
        case 'results': {
          if (depth === 3) {
            if (event.type === 'value' && event.value !== null)
              ctx.onIssue({
                code: 'invalid-results',
                message: `run ${runIndex}: "results" is ${describe(event.value)}, not an array; ignored`,
                ...position(event),
              });
            break;
          }
          if (event.type !== 'value' && event.type !== 'raw') break;
          const recordIndex = resultCount;
          resultCount += 1;
          const resultIndex = path[3] as number;
          if (event.type === 'raw') {
            // Selected raw only while the run's tool is still ahead, so the result always waits.
            run.spool ??= newSpool(runIndex);
            await run.spool.addBytes(
              { recordIndex, resultIndex, ...position(event), column: event.column },
              event.bytes,
            );
            break;
          }
          if (mustWait(run, event.value)) {
            run.spool ??= newSpool(runIndex);
            await run.spool.addValue(
              { recordIndex, resultIndex, ...position(event), column: 0 },
              event.value,
            );
            break;
          }
          noteBases(run, event.value);
          run.converted += 1;
          const finding = convert(run, event.value, recordIndex, position(event));
          if (finding !== undefined) yield finding;
          break;
        }
        case 'tool':
          readTool(run, event);
          break;
        case 'artifacts':
          if (depth === 3 && event.type !== 'enter') run.artifactsDone = true;
          else if (depth === 5 && event.type === 'value') {
            const artifact = readArtifact(event.value);
            if (artifact !== undefined) run.context.artifacts[path[3] as number] = artifact;
          }
          break;
        case 'logicalLocations':
          if (depth === 3 && event.type !== 'enter') run.logicalDone = true;
          else if (depth === 4 && event.type === 'value')
            run.context.logicalLocations[path[3] as number] = readLogical(event.value);
          break;
        case 'taxonomies':
          readTaxonomyEvent(run, event);
          break;
        case 'properties':
          if (depth === 3 && event.type !== 'enter') run.propertiesDone = true;
          else if (depth === 4 && event.type === 'value')
            setImageProperty(run.context, path[3] as string, event.value);
          break;
        case 'originalUriBaseIds':
          if (event.type === 'value') {
            run.context.originalUriBaseIds = readUriBases(event.value);
            run.context.paths?.clear();
            run.basesDone = true;
            const changed = [...run.basesUsed].some((base) => {
              const entry = run.context.originalUriBaseIds[base];
              return entry !== undefined && (entry.uriBaseId !== undefined || isRelative(entry.uri));
            });
            if (changed) lateSection(run, section, position(event));
          }
          break;
        case 'versionControlProvenance':
          if (event.type === 'value') {
            run.context.repositories = readRepositories(event.value);
            if (run.converted > 0 && run.context.repositories.length > 0)
              lateSection(run, section, position(event));
          }
          break;
        case 'automationDetails':
          if (event.type === 'value') {
            run.context.automationId = asText(asObject(event.value)?.id);
            if (run.converted > 0 && run.context.automationId !== undefined)
              lateSection(run, section, position(event));
          }
          break;
        case 'invocations':
          if (
            depth === 5 &&
            event.type === 'value' &&
            event.value === false &&
            !run.reports.reported.has('invocation')
          ) {
            run.reports.reported.add('invocation');
            ctx.onIssue({
              code: 'tool-execution-failed',
              message: `run ${runIndex} (${toolNameOf(run.context)}): the tool reports executionSuccessful=false; its results may be incomplete`,
              ...position(event),
            });
          }
          break;
      }
    }
  } catch (error) {
    // The splitter's "input is not JSON" / "empty input" say what the bytes are; say what they are not, too.
    if (isConverterError(error) && error.code === 'E_FORMAT' && !error.message.startsWith('not a SARIF'))
      throw new ConverterError('E_FORMAT', `not a SARIF log: ${error.message}`, {
        adapter: ADAPTER,
        cause: error,
        ...(error.line !== undefined && { line: error.line }),
        ...(error.column !== undefined && { column: error.column }),
        ...(error.byte !== undefined && { byte: error.byte }),
      });
    throw error;
  } finally {
    for (const spool of spools) await spool.dispose();
  }
}

function isRelative(uri: string | undefined): boolean {
  return uri !== undefined && !/^[a-z][a-z0-9+.-]+:/i.test(uri) && !uri.startsWith('/');
}

function componentAt(
  run: RunState,
  path: readonly JsonPathSegment[],
): { component: ComponentInfo; at: number } | undefined {
  if (path[3] === 'driver') return { component: run.context.tool.driver, at: 4 };
  if (path[3] !== 'extensions' || path.length < 5) return undefined;
  const index = path[4] as number;
  const extensions = run.context.tool.extensions;
  extensions[index] ??= createComponent();
  return { component: extensions[index]!, at: 5 };
}

/** Builds the run's tool from the streamed driver / extension fields and rules. */
function readTool(run: RunState, event: JsonEvent): void {
  const { path } = event;
  if (path.length === 3) {
    if (event.type !== 'enter') run.toolDone = true;
    return;
  }
  const located = componentAt(run, path);
  if (located === undefined || event.type !== 'value') return;
  const { component, at } = located;
  if (path.length === at + 1) setComponentField(component, path[at] as string, event.value);
  else if (path.length === at + 2 && path[at] === 'rules')
    addRule(component, path[at + 1] as number, event.value);
}

function readTaxonomyEvent(run: RunState, event: JsonEvent): void {
  const { path } = event;
  const taxonomies = run.context.taxonomies;
  if (path.length === 3) {
    if (event.type !== 'enter') run.taxonomiesDone = true;
    return;
  }
  const index = path[3] as number;
  taxonomies[index] ??= { taxa: [] };
  const taxonomy = taxonomies[index]!;
  if (event.type !== 'value' || path.length === 4) return;
  if (path.length === 5 && (path[4] === 'name' || path[4] === 'guid')) {
    const text = asText(event.value);
    if (text !== undefined) taxonomy[path[4]] = text;
  } else if (path.length === 6) taxonomy.taxa[path[5] as number] = readTaxon(event.value);
}
