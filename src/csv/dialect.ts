import { ConverterError } from '../errors.js';

/** Field delimiters the sniffer recognises, in tie-break order. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** One of {@link DELIMITERS}. */
export type Delimiter = (typeof DELIMITERS)[number];

/** How a CSV input is written, as far as the reader needs to know before splitting it. */
export interface Dialect {
  delimiter: Delimiter;
  /** Bytes to drop from the start: a UTF-8 BOM and an Excel `sep=` line. */
  skip: number;
  /** 1-based line number of the first byte after `skip`. */
  firstLine: number;
}

/** Lines (records) the sniffer looks at before it settles for the default delimiter. */
export const SNIFF_MAX_LINES = 32;
/** Bytes the sniffer looks at before it settles for the default delimiter. */
export const SNIFF_MAX_BYTES = 1 << 20;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const DELIMITER_CODES = DELIMITERS.map((d) => d.charCodeAt(0));

/**
 * Decides the delimiter from the first line that contains one outside quotes (the header, or the first
 * preamble line), after dropping a UTF-8 BOM and honouring Excel's `sep=;` first line.
 *
 * Returns `undefined` when `head` is too short to decide and more input may come (`final` false).
 * Throws `E_ENCODING` for UTF-16 and NUL bytes: the pipeline transcodes UTF-16, so these only reach a
 * direct caller.
 */
export function sniffDialect(head: Uint8Array, final: boolean, adapter?: string): Dialect | undefined {
  const origin = adapter === undefined ? {} : { adapter };
  // Past SNIFF_MAX_BYTES, decide with what is there: a first line that never ends must not be buffered whole.
  const enough = final || head.length >= SNIFF_MAX_BYTES;
  if (!enough && head.length < 3) return undefined;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new ConverterError('E_ENCODING', 'the CSV is UTF-16; save it as UTF-8', origin);
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let start = bom;
  let lines = 0;
  while (lines < SNIFF_MAX_LINES && start < Math.min(head.length, SNIFF_MAX_BYTES)) {
    const line = scanLine(head, start, origin);
    if (line.end === undefined && !enough) return undefined;
    const end = line.end ?? head.length;
    if (lines === 0) {
      const sep = excelSepLine(head, start, line.contentEnd ?? end);
      if (sep !== undefined) return { delimiter: sep, skip: end, firstLine: 2 };
    }
    const best = bestDelimiter(line.counts);
    if (best !== undefined) return { delimiter: best, skip: bom, firstLine: 1 };
    start = end;
    lines++;
  }
  if (!enough && lines < SNIFF_MAX_LINES) return undefined;
  return { delimiter: ',', skip: bom, firstLine: 1 };
}

interface ScannedLine {
  /** Offset just after the line break, or `undefined` when the line is not terminated within `bytes`. */
  end: number | undefined;
  /** Offset of the line break itself. */
  contentEnd: number | undefined;
  /** How often each of {@link DELIMITERS} occurs outside quotes. */
  counts: number[];
}

function scanLine(bytes: Uint8Array, start: number, origin: { adapter?: string }): ScannedLine {
  const counts = DELIMITERS.map(() => 0);
  let quoted = false;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      throw new ConverterError('E_ENCODING', 'the CSV contains NUL bytes: UTF-16 or binary data', {
        ...origin,
        byte: i,
      });
    }
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && (b === LF || b === CR)) {
      const end = b === CR && bytes[i + 1] === LF ? i + 2 : i + 1;
      // A CR as the last byte may be the first half of CRLF: undecided until more bytes come.
      if (b === CR && i + 1 === bytes.length) return { end: undefined, contentEnd: undefined, counts };
      return { end, contentEnd: i, counts };
    } else if (!quoted) {
      const k = DELIMITER_CODES.indexOf(b);
      if (k !== -1) counts[k]!++;
    }
  }
  return { end: undefined, contentEnd: undefined, counts };
}

function bestDelimiter(counts: readonly number[]): Delimiter | undefined {
  let best = -1;
  for (let k = 0; k < counts.length; k++)
    if (counts[k]! > 0 && (best === -1 || counts[k]! > counts[best]!)) best = k;
  return best === -1 ? undefined : DELIMITERS[best];
}

/** Excel writes `sep=;` as the first line to name the delimiter. */
function excelSepLine(bytes: Uint8Array, start: number, end: number): Delimiter | undefined {
  if (end - start !== 5) return undefined;
  const text = String.fromCharCode(...bytes.subarray(start, end));
  const match = /^sep=(.)$/i.exec(text);
  return match !== null ? DELIMITERS.find((d) => d === match[1]) : undefined;
}
