import { Buffer } from 'node:buffer';
import { asBuffer, invalidValueError, JsonSplitter } from './splitter.js';

/** Largest piece of input processed between two rounds of yielding events. */
const SLICE_BYTES = 1024 * 1024;

export { pathToString } from './path.js';

/** One step of a path into a JSON document: an object key (unescaped) or an array index. */
export type JsonPathSegment = string | number;

/** What kind of value starts at a path: a container, or a string/number/true/false/null. */
export type JsonKind = 'object' | 'array' | 'scalar';

/**
 * What to do with the value starting at a path:
 * - `value`: capture the whole value and emit one `value` event with its `JSON.parse`d form;
 * - `descend`: (containers; a scalar is treated as `value`) emit `enter`, ask again for every child, emit `exit`;
 * - `skip`: scan past it without materialising anything (see docs/json-splitter.md for how strictly);
 * - `raw`: (containers; a scalar is treated as `value`) capture it like `value` but emit one `raw` event with its
 *   exact bytes, not parsed: for a value that is only stored to be read later (decode it with
 *   {@link parseRawValue}). Its bracket and string structure is checked now; the rest of the grammar when parsed.
 */
export type JsonSelect = 'value' | 'descend' | 'skip' | 'raw';

/** The JSON splitter's limits and the adapter name for its errors (options of `streamJson` and `jsonRecords`). */
export interface JsonReaderOptions {
  /**
   * Largest single captured value (and key, number or literal), in bytes; larger → `ConverterError` `E_UNSAFE`.
   * @defaultValue 67108864 (64 MiB)
   */
  maxValueBytes?: number;
  /**
   * Deepest nesting allowed anywhere, also inside skipped and captured values (the root container is depth 1);
   * deeper → `ConverterError` `E_UNSAFE`.
   * @defaultValue 1000
   */
  maxDepth?: number;
  /** Adapter name put into errors (`ConverterError.adapter`); `convert` puts your adapter's name into an error without one. */
  adapter?: string;
}

/** Options of {@link streamJson}. */
export interface JsonStreamOptions extends JsonReaderOptions {
  /**
   * Called once for every value whose parent was descended into (and for the root, path `[]`).
   *
   * The `path` array is the splitter's internal stack: it is only valid during the call and is mutated
   * afterwards. Copy it (`[...path]`) to keep it. Paths in events are fresh copies and safe to keep.
   */
  select(path: readonly JsonPathSegment[], kind: JsonKind): JsonSelect;
}

/**
 * What {@link streamJson} yields. `byte` is the 0-based offset of the value's first byte (`enter`: its `{`/`[`;
 * `exit`: its `}`/`]`), `line` the 1-based line of that byte. Every `path` is a fresh array, safe to keep.
 */
export type JsonEvent =
  | { type: 'value'; path: readonly JsonPathSegment[]; value: unknown; byte: number; line: number }
  | JsonRawEvent
  | { type: 'enter'; path: readonly JsonPathSegment[]; kind: 'object' | 'array'; byte: number; line: number }
  | { type: 'exit'; path: readonly JsonPathSegment[]; kind: 'object' | 'array'; byte: number; line: number };

/**
 * A value selected with `raw`: its exact UTF-8 bytes and where it starts (`column` is 1-based, in bytes).
 * `bytes` may be a view into an input chunk: it is valid while the event is handled; copy it to keep it.
 */
export interface JsonRawEvent {
  type: 'raw';
  path: readonly JsonPathSegment[];
  bytes: Uint8Array;
  byte: number;
  line: number;
  column: number;
}

/** Where a raw value starts, for {@link parseRawValue}'s error positions. */
export type RawValuePosition = Pick<JsonRawEvent, 'path' | 'byte' | 'line' | 'column'>;

/**
 * `JSON.parse` of a value captured with `raw` (or of any complete JSON value read back from storage). Invalid
 * JSON throws the same `E_PARSE` error the splitter gives for a `value`, positioned in the original input
 * (`where` gives the value's path and first byte).
 */
export function parseRawValue(bytes: Uint8Array, where: RawValuePosition, adapter?: string): unknown {
  const view = asBuffer(bytes);
  try {
    return JSON.parse(view.toString('utf8'));
  } catch {
    const kind = view[0] === 0x7b ? 'object' : view[0] === 0x5b ? 'array' : 'string';
    throw invalidValueError(
      view,
      { ...where, lineStart: where.byte - where.column + 1 },
      kind,
      where.path,
      adapter,
    );
  }
}

/**
 * Streams one JSON document given as byte chunks (any chunking, UTF-8), asking `options.select` what to do with
 * each value and yielding the captured values and the enter/exit events of descended containers, in document
 * order. Memory is bounded by the largest captured value plus one input chunk.
 *
 * Fatal problems throw `ConverterError` (after every event before the problem has been yielded):
 * `E_FORMAT` empty or not JSON, `E_PARSE` bad syntax or data after the document, `E_TRUNCATED` input ends
 * inside the document, `E_UNSAFE` nesting deeper than `maxDepth` or a value larger than `maxValueBytes`.
 *
 * @example
 * ```ts
 * for await (const event of streamJson(input, {
 *   select: (path) => (path.length < 3 ? 'descend' : path[2] === 'results' ? 'value' : 'skip'),
 * })) if (event.type === 'value') handleResult(event.value);
 * ```
 */
export async function* streamJson(
  input: AsyncIterable<Uint8Array>,
  options: JsonStreamOptions,
): AsyncGenerator<JsonEvent> {
  const splitter = new JsonSplitter(options);
  for await (const item of input) {
    // Tolerate text chunks (a stream with an encoding set); the type asks for bytes.
    const chunk: Uint8Array = typeof item === 'string' ? Buffer.from(item, 'utf8') : item;
    // A huge chunk (a whole file given as one Uint8Array) is fed in slices, so the parsed values waiting to be
    // yielded never hold more than one slice's worth of records.
    for (let offset = 0; offset < chunk.length || offset === 0; offset += SLICE_BYTES) {
      const slice = chunk.length <= SLICE_BYTES ? chunk : chunk.subarray(offset, offset + SLICE_BYTES);
      const events = splitter.push(slice);
      for (const event of events) yield event;
      splitter.throwIfFailed();
    }
  }
  const events = splitter.end();
  for (const event of events) yield event;
  splitter.throwIfFailed();
}
