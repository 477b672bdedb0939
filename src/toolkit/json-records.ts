import { ConverterError } from '../errors.js';
import {
  type JsonPathSegment,
  type JsonReaderOptions,
  type JsonStreamOptions,
  streamJson,
} from '../json/stream.js';

/** One step of a record pattern: an object key, an array index, or `'*'` for any key or index. */
export type JsonPatternSegment = string | number;

/** A path pattern into a JSON document, e.g. `['Results', '*', 'Vulnerabilities', '*']`. */
export type JsonPattern = readonly JsonPatternSegment[];

/** Options of {@link jsonRecords}. */
export interface JsonRecordsOptions extends JsonReaderOptions {
  /** Where the records are: every value whose path matches is yielded as one record. */
  records: JsonPattern;
  /**
   * Values to keep beside the records (e.g. a result's `Target` before its vulnerabilities, or a report's
   * `ArtifactName`). Each record carries the latest value seen at each pattern, in document order; a value is
   * forgotten when the container that held it ends. Values written after a record are not known to it: streaming
   * cannot look ahead.
   */
  context?: Readonly<Record<string, JsonPattern>>;
  /**
   * Paths the document must contain (a container or a value, `'*'` allowed), e.g. `[['matches']]`: when the input
   * ends without one of them, `ConverterError` `E_FORMAT` names what is missing. Without it, another tool's JSON gives
   * no record and no error — an empty scan and a wrong file would look the same.
   */
  mustContain?: readonly JsonPattern[];
}

/** One record of {@link jsonRecords}. */
export interface JsonRecord<T = unknown> {
  /** The record, `JSON.parse`d. */
  value: T;
  /** Where it is, e.g. `['Results', 2, 'Vulnerabilities', 7]`. */
  path: readonly JsonPathSegment[];
  /** 1-based line of its first character, for error messages. */
  line: number;
  /** 0-based byte offset of its first character in the input (bytes, not characters), for error messages. */
  byte: number;
  /**
   * 0-based index of the record among the records of the input (an issue's `recordIndex`), as `XmlRecord.index` and
   * `CsvRow.index` give theirs.
   */
  index: number;
  /** The context values (by the names given in `options.context`) known when the record ends. */
  context: Readonly<Record<string, unknown>>;
}

/**
 * Streams the records of one JSON document given as byte chunks, through the project's JSON splitter: only the
 * records and the context values are materialised; everything else is scanned past. Memory is bounded by the
 * largest record plus one input chunk. Bad input throws `ConverterError` (`E_PARSE`, `E_TRUNCATED`, `E_FORMAT`,
 * `E_UNSAFE`) with its line and byte.
 *
 * @example
 * ```ts
 * for await (const { value, context } of jsonRecords(input, {
 *   records: ['Results', '*', 'Vulnerabilities', '*'],
 *   context: { target: ['Results', '*', 'Target'] },
 * })) console.log(context.target, value);
 * ```
 */
export async function* jsonRecords<T = unknown>(
  input: AsyncIterable<Uint8Array>,
  options: JsonRecordsOptions,
): AsyncGenerator<JsonRecord<T>> {
  const contextPatterns = Object.entries(options.context ?? {});
  // A JavaScript adapter passing `records: 'matches'` would otherwise get no record and no error.
  for (const [name, pattern] of [['records', options.records] as const, ...contextPatterns])
    if (!Array.isArray(pattern))
      throw new TypeError(`jsonRecords: ${name} must be a path array, e.g. ['matches', '*']`);
  /** Context name → the concrete path its value was read at, and the value. */
  const known = new Map<string, { path: readonly JsonPathSegment[]; value: unknown }>();
  const required = options.mustContain ?? [];
  const missing = new Set(required.keys());
  const select: JsonStreamOptions['select'] = (path) => {
    // A required path is seen the moment it is reached; it needs no parsing of its own.
    for (const index of missing) if (matches(required[index] as JsonPattern, path)) missing.delete(index);
    if (matches(options.records, path)) return 'value';
    if (contextPatterns.some(([, pattern]) => matches(pattern, path))) return 'value';
    if (isPrefixOfAny(path, options.records, contextPatterns)) return 'descend';
    if (missing.size > 0 && required.some((pattern) => isPrefixOf(path, pattern))) return 'descend';
    return 'skip';
  };
  const events = streamJson(input, {
    select,
    ...(options.maxValueBytes === undefined ? {} : { maxValueBytes: options.maxValueBytes }),
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
  });
  let index = 0;
  for await (const event of events) {
    if (event.type === 'exit') {
      for (const [name, entry] of known) if (startsWith(entry.path, event.path)) known.delete(name);
      continue;
    }
    if (event.type !== 'value') continue;
    if (matches(options.records, event.path)) {
      const context: Record<string, unknown> = {};
      for (const [name, entry] of known) context[name] = entry.value;
      const record = {
        value: event.value as T,
        path: event.path,
        line: event.line,
        byte: event.byte,
        context,
      };
      yield { ...record, index: index++ };
      continue;
    }
    for (const [name, pattern] of contextPatterns)
      if (matches(pattern, event.path)) known.set(name, { path: event.path, value: event.value });
  }
  if (missing.size > 0) {
    const names = [...missing].map((index) => `no "${(required[index] as JsonPattern).join('.')}"`);
    throw new ConverterError(
      'E_FORMAT',
      `this JSON has ${names.join(', ')}: not the format this adapter reads`,
      options.adapter === undefined ? {} : { adapter: options.adapter },
    );
  }
}

function matchesSegment(pattern: JsonPatternSegment, segment: JsonPathSegment): boolean {
  return pattern === '*' || pattern === segment;
}

function matches(pattern: JsonPattern, path: readonly JsonPathSegment[]): boolean {
  if (pattern.length !== path.length) return false;
  for (let i = 0; i < path.length; i += 1)
    if (!matchesSegment(pattern[i] as JsonPatternSegment, path[i] as JsonPathSegment)) return false;
  return true;
}

function isPrefixOf(path: readonly JsonPathSegment[], pattern: JsonPattern): boolean {
  if (path.length >= pattern.length) return false;
  for (let i = 0; i < path.length; i += 1)
    if (!matchesSegment(pattern[i] as JsonPatternSegment, path[i] as JsonPathSegment)) return false;
  return true;
}

function isPrefixOfAny(
  path: readonly JsonPathSegment[],
  records: JsonPattern,
  context: readonly (readonly [string, JsonPattern])[],
): boolean {
  return isPrefixOf(path, records) || context.some(([, pattern]) => isPrefixOf(path, pattern));
}

/** True when `path` lies inside (or is) the container at `container`. */
function startsWith(path: readonly JsonPathSegment[], container: readonly JsonPathSegment[]): boolean {
  if (path.length < container.length) return false;
  for (let i = 0; i < container.length; i += 1) if (path[i] !== container[i]) return false;
  return true;
}
