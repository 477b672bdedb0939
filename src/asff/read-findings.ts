import { ConverterError } from '../errors.js';
import { type InputSource, type OpenedInput, openInput } from '../internal/input.js';
import { streamJson } from '../json/index.js';

/** One ASFF finding read back from a file, with where it was. */
export interface ReadFinding {
  value: unknown;
  /** 1-based line where the finding starts. */
  line: number;
  /** 0-based index among the findings of the input. */
  index: number;
}

/** Longest NDJSON line accepted (a finding is ≤ 240 KB; this leaves room for pretty output and mistakes). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Reads ASFF findings as other tools write them — NDJSON (one per line), a JSON array, or the
 * `{"Findings":[…]}` envelope of the CLI/API, or one pretty-printed finding — streamed, one finding at a time.
 */
export async function* readFindings(source: InputSource): AsyncGenerator<ReadFinding> {
  const opened = await openInput(source);
  try {
    yield* readOpenedFindings(opened);
  } finally {
    await opened.close();
  }
}

/** The `--format` name of ASFF input (findings already in ASFF: `convert` output, a dead letter, an export). */
export const ASFF_FORMAT = 'asff';

/** The ASFF schema version every finding carries (a string; Trivy's `SchemaVersion` is a number). */
const ASFF_SCHEMA_VERSION = /"SchemaVersion"\s*:\s*"2018-10-08"/;

/**
 * True when the first bytes of an input are ASFF as `convert` writes it or other tools keep it: NDJSON, a JSON
 * array, the `{"Findings":[…]}` envelope, or asff-stream's dead letter (`{"finding":{…ASFF…},"errorCode":…}`
 * per line). Decided by content: the envelope, or JSON that names ASFF's schema version.
 */
export function looksLikeAsff(head: string): boolean {
  const text = head.trimStart();
  if (/^\{\s*"Findings"\s*:\s*\[/.test(text)) return true;
  return (text.startsWith('{') || text.startsWith('[')) && ASFF_SCHEMA_VERSION.test(text);
}

/**
 * The finding itself: a dead-letter line (`{finding, errorCode, errorMessage, attempts}`) gives its
 * `finding`, anything else is returned as it is.
 */
export function unwrapDeadLetterEntry(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entry = value as Record<string, unknown>;
  const finding = entry.finding;
  return typeof finding === 'object' && finding !== null && typeof entry.errorCode === 'string'
    ? finding
    : value;
}

/** {@link readFindings} over an input already opened (and sniffed); the caller closes it. */
export async function* readOpenedFindings(opened: OpenedInput): AsyncGenerator<ReadFinding> {
  const head = opened.head.trimStart();
  if (head === '') return;
  const firstLine = head.split('\n', 1)[0] ?? '';
  const envelope = /^\{\s*"Findings"\s*:/.test(head);
  const ndjson = !envelope && head.startsWith('{') && (!head.includes('\n') || parses(firstLine));
  if (head.startsWith('[')) {
    let index = 0;
    for await (const event of streamJson(opened.chunks, {
      select: (path) => (path.length === 0 ? 'descend' : 'value'),
    })) {
      if (event.type === 'value') yield { value: event.value, line: event.line, index: index++ };
    }
    return;
  }
  if (ndjson) {
    yield* readNdjson(opened.chunks);
    return;
  }
  if (!head.startsWith('{')) {
    throw new ConverterError(
      'E_FORMAT',
      'input is not ASFF JSON (expected NDJSON, a JSON array or {"Findings":[…]})',
      {
        line: 1,
      },
    );
  }
  let index = 0;
  let sawFindings = false;
  const single: Record<string, unknown> = {};
  for await (const event of streamJson(opened.chunks, {
    select: (path) => {
      if (path.length === 0) return 'descend';
      if (path.length === 1) return path[0] === 'Findings' ? 'descend' : 'value';
      return 'value';
    },
  })) {
    if (event.type === 'value' && event.path.length === 2 && event.path[0] === 'Findings') {
      sawFindings = true;
      yield { value: event.value, line: event.line, index: index++ };
    } else if (event.type === 'value' && event.path.length === 1) {
      single[String(event.path[0])] = event.value;
    }
  }
  if (!sawFindings) yield { value: single, line: 1, index: 0 };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* readNdjson(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ReadFinding> {
  const decoder = new TextDecoder();
  let pending = '';
  let line = 0;
  let index = 0;
  const parseLine = (text: string): ReadFinding | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    try {
      return { value: JSON.parse(text), line, index: index++ };
    } catch (error) {
      throw new ConverterError('E_PARSE', `NDJSON line is not JSON: ${(error as Error).message}`, { line });
    }
  };
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const found = parseLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (found !== undefined) yield found;
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE_BYTES) {
      throw new ConverterError('E_UNSAFE', `NDJSON line longer than ${MAX_LINE_BYTES} bytes`, {
        line: line + 1,
      });
    }
  }
  const found = parseLine(pending + decoder.decode());
  if (found !== undefined) yield found;
}
