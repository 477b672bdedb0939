import { Buffer } from 'node:buffer';
import type { JsonEvent, JsonKind, JsonPathSegment, JsonSelect } from '../../src/json/index.js';
import { streamJson } from '../../src/json/index.js';
import { JsonSplitter } from '../../src/json/splitter.js';

/** A pure selector (the same answer for the same path and kind), so a reference walk can replay it. */
export type Selector = (path: readonly JsonPathSegment[], kind: JsonKind) => JsonSelect;

/** Event without position, for comparing against the reference walk. */
export type PlainEvent =
  | { type: 'value' | 'raw'; path: JsonPathSegment[]; value: unknown }
  | { type: 'enter' | 'exit'; path: JsonPathSegment[]; kind: 'object' | 'array' };

/** Splits `bytes` into chunks whose sizes cycle through `sizes`. */
export function chunk(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let turn = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes[turn++ % sizes.length]!);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** Runs the synchronous core over the chunks; returns the events and the failure, if any. */
export function splitSync(
  chunks: readonly Uint8Array[],
  select: Selector,
  options: { maxDepth?: number; maxValueBytes?: number } = {},
): { events: JsonEvent[]; failure: unknown } {
  const splitter = new JsonSplitter({ select, ...options });
  const events: JsonEvent[] = [];
  for (const part of chunks) {
    events.push(...splitter.push(part));
    if (splitter.failure !== undefined) return { events, failure: splitter.failure };
  }
  events.push(...splitter.end());
  return { events, failure: splitter.failure };
}

async function* iterate(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of chunks) yield part;
}

/** Runs {@link streamJson} over the chunks; returns the events yielded and the error thrown, if any. */
export async function splitAsync(
  chunks: readonly Uint8Array[],
  select: Selector,
  options: { maxDepth?: number; maxValueBytes?: number; adapter?: string } = {},
): Promise<{ events: JsonEvent[]; failure: unknown }> {
  const events: JsonEvent[] = [];
  try {
    for await (const event of streamJson(iterate(chunks), { select, ...options })) events.push(event);
  } catch (error) {
    return { events, failure: error };
  }
  return { events, failure: undefined };
}

export function plain(events: readonly JsonEvent[]): PlainEvent[] {
  return events.map((event) =>
    event.type === 'value'
      ? { type: 'value', path: [...event.path], value: event.value }
      : event.type === 'raw'
        ? { type: 'raw', path: [...event.path], value: JSON.parse(Buffer.from(event.bytes).toString('utf8')) }
        : { type: event.type, path: [...event.path], kind: event.kind },
  );
}

function kindOf(value: unknown): JsonKind {
  if (Array.isArray(value)) return 'array';
  return value !== null && typeof value === 'object' ? 'object' : 'scalar';
}

/** What the splitter must emit for `document`, computed from `JSON.parse` of the whole text. */
export function referenceEvents(document: string, select: Selector): PlainEvent[] {
  const events: PlainEvent[] = [];
  const walk = (value: unknown, path: JsonPathSegment[]): void => {
    const kind = kindOf(value);
    const selected = select(path, kind);
    if (selected === 'skip') return;
    if (selected === 'value' || kind === 'scalar') {
      events.push({ type: 'value', path: [...path], value });
      return;
    }
    if (selected === 'raw') {
      events.push({ type: 'raw', path: [...path], value });
      return;
    }
    const containerKind = kind as 'object' | 'array';
    events.push({ type: 'enter', path: [...path], kind: containerKind });
    if (Array.isArray(value)) for (const [index, item] of value.entries()) walk(item, [...path, index]);
    else for (const [key, item] of Object.entries(value as object)) walk(item, [...path, key]);
    events.push({ type: 'exit', path: [...path], kind: containerKind });
  };
  walk(JSON.parse(document), []);
  return events;
}

export function bytesOf(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
