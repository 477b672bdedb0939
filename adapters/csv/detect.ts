import { parse } from 'csv-parse/sync';
import type { DetectSample } from '../../src/adapter.js';
import { SNIFF_MAX_LINES, sniffDialect } from './dialect.js';
import { CsvHeader } from './header.js';
import { matchProfile } from './profiles/index.js';

/** Score for a header that matches a built-in profile. */
export const PROFILE_SCORE = 0.9;
/** Score for other consistently delimited text: enough to reach the adapter, which then asks for a map. */
export const DELIMITED_SCORE = 0.3;

/**
 * How sure the adapter is that the sample is CSV: {@link PROFILE_SCORE} when one of the first rows is a known
 * header (preamble rows allowed), {@link DELIMITED_SCORE} for other text whose rows have as many fields as the
 * first one (at least two), else 0. JSON and XML are never claimed.
 */
export function detectCsv(sample: DetectSample): number {
  const text = sample.head.replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === undefined || first === '{' || first === '[' || first === '<') return 0;
  const records = headRecords(text);
  if (records.length === 0) return 0;
  for (const [index, fields] of records.entries()) {
    if (matchProfile(new CsvHeader(fields, index + 1)) !== undefined) return PROFILE_SCORE;
  }
  const width = records[0]!.length;
  if (width < 2) return 0;
  const rows = records.slice(1).filter((fields) => !(fields.length === 1 && fields[0] === ''));
  const consistent = rows.filter((fields) => fields.length === width).length;
  return rows.length === 0 || consistent / rows.length >= 0.8 ? DELIMITED_SCORE : 0;
}

/** The complete records of the sample (the last, possibly cut, one is dropped unless the sample ends a line). */
function headRecords(text: string): string[][] {
  let bytes: Buffer;
  let delimiter: string;
  let skip: number;
  try {
    bytes = Buffer.from(text, 'utf8');
    const dialect = sniffDialect(bytes, true)!;
    delimiter = dialect.delimiter;
    skip = dialect.skip;
  } catch {
    return [];
  }
  const body = bytes.subarray(skip).toString('utf8');
  const end = lastRecordEnd(body);
  if (end === 0) return [];
  try {
    const records = parse(body.slice(0, end), {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to: SNIFF_MAX_LINES,
    }) as string[][];
    return records;
  } catch {
    return [];
  }
}

/** Offset after the last line break outside quotes (the whole text when it ends without one but is short). */
function lastRecordEnd(text: string): number {
  let quoted = false;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) end = i + 1;
  }
  // A sample that is the whole file may end without a line break (header-only exports do).
  return end === 0 && !quoted ? text.length : end;
}
