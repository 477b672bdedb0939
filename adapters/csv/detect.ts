import type { DetectSample } from '../../src/adapter.js';
import { SNIFF_MAX_LINES, sniffDialect } from '../../src/csv/dialect.js';
import { CsvHeader } from '../../src/csv/header.js';
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

/**
 * The complete records of the sample, split by a small quote-aware reader (detection gets text, not bytes, and
 * only needs the widths of the first rows). The last record counts only when the sample has no line break at
 * all: a header-only file may end without one, while a longer sample is usually cut mid-record.
 */
function headRecords(text: string): string[][] {
  let delimiter: string;
  let skip: number;
  const bytes = Buffer.from(text, 'utf8');
  try {
    ({ delimiter, skip } = sniffDialect(bytes, true)!);
  } catch {
    return [];
  }
  const body = bytes.subarray(skip).toString('utf8');
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length && records.length < SNIFF_MAX_LINES; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (body[i + 1] === '"') {
        field += c;
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
    } else field += c;
  }
  if (records.length === 0 && !quoted && (fields.length > 0 || field !== ''))
    records.push([...fields, field]);
  return records;
}
