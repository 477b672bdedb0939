import type { Issue } from '../adapter.js';
import { ConverterError } from '../errors.js';
import { type Dialect, sniffDialect } from './dialect.js';
import { CsvHeader } from './header.js';
import { type CsvRow, CsvSplitter } from './splitter.js';

export type { CsvRow } from './splitter.js';

/** Largest record (all its cells) read by default; beyond it the input is refused as unsafe. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** Non-blank rows searched for the header by default when `header` is a test. */
export const HEADER_SEARCH_ROWS = 32;

/** Options of `csvRows` without a header: every non-blank row comes out as its fields. */
export interface CsvRowsOptions {
  /**
   * The field delimiter: one ASCII character other than `"`, CR, LF and NUL. When not given it is detected from
   * the first line that has one of `,` `;` tab `|` outside quotes (the most frequent; ties in that order), or
   * from an Excel `sep=;` first line.
   */
  delimiter?: string;
  /** Largest record (all its cells), in bytes; a larger one is refused with `E_UNSAFE`. @defaultValue 8 MiB */
  maxRecordBytes?: number;
  /** Adapter name put into errors; `convert` puts your adapter's name into an error without one. */
  adapter?: string;
  /**
   * Where row-level problems go; pass `ctx.onIssue`. Without a header only `latin1-fallback` (a row decoded as
   * Windows-1252) is reported; with one, also `preamble-skipped`, `ragged-row` and `empty-row`.
   */
  onIssue?: (issue: Issue) => void;
}

/**
 * Options of `csvRows` with a header row: rows then come with their header, and rows that do not fit it
 * are reported through `onIssue` (required, so that none is dropped unseen).
 */
export interface CsvHeaderRowsOptions extends CsvRowsOptions {
  /**
   * Which row is the header: `true` for the first non-blank row, or a test of each candidate row (e.g. "has a
   * `Plugin ID` column") for exports that put a report preamble before their header. Rows before the header are
   * skipped with one `preamble-skipped` issue. A test may throw to refuse the input with its own error.
   */
  header: true | ((candidate: CsvHeader) => boolean);
  /** Non-blank rows a header test is tried on before the input is refused (`E_FORMAT`). @defaultValue 32 */
  headerSearchRows?: number;
  /**
   * The error thrown when no row passes the header test within `headerSearchRows` rows or before the input
   * ends; by default an `E_FORMAT` that shows the first row.
   * @param first - the first non-blank row, as a header
   * @param searched - how many rows were tried
   */
  headerNotFound?: (first: CsvHeader, searched: number) => Error;
  /**
   * Yield rows with more or fewer fields than the header (still reported as `ragged-row`) instead of skipping
   * them. @defaultValue false
   */
  keepRaggedRows?: boolean;
  /**
   * Where row-level problems go (pass `ctx.onIssue`): `preamble-skipped`, `ragged-row`, `empty-row` and
   * `latin1-fallback`. Required here, since rows that do not fit the header are skipped.
   */
  onIssue: (issue: Issue) => void;
}

/** A data row of `csvRows` with a header: its fields, and their header. */
export interface CsvHeaderRow extends CsvRow {
  /** The header row every data row is read against (the same object for every row of the input). */
  header: CsvHeader;
  /**
   * The cell of the first column with this name (matched case- and whitespace-insensitively); `undefined` when
   * no column has it, or when a ragged row (`keepRaggedRows`) is too short to reach it.
   */
  get(name: string): string | undefined;
  /**
   * The row as an object keyed by the header's names as written; built when first read. A name given to
   * several columns keeps its first column's cell, and columns without a name are left out: `fields` has every
   * cell by position.
   */
  readonly values: Readonly<Record<string, string>>;
}

class HeaderRow implements CsvHeaderRow {
  readonly fields: string[];
  readonly line: number;
  readonly index: number;
  readonly latin1: boolean;
  readonly header: CsvHeader;
  #values: Record<string, string> | undefined;

  constructor(row: CsvRow, header: CsvHeader) {
    this.fields = row.fields;
    this.line = row.line;
    this.index = row.index;
    this.latin1 = row.latin1;
    this.header = header;
  }

  get(name: string): string | undefined {
    const index = this.header.indexOf(name);
    return index === -1 ? undefined : this.fields[index];
  }

  get values(): Readonly<Record<string, string>> {
    // fromEntries defines own properties: a column named `__proto__` is a key like any other.
    this.#values ??= Object.fromEntries(
      this.header.firstColumns
        .filter(([, index]) => index < this.fields.length)
        .map(([name, index]) => [name, this.fields[index] as string]),
    );
    return this.#values;
  }
}

/**
 * Streams the rows of a CSV given as byte chunks, through the project's CSV splitter (the CSV adapter's): the
 * dialect is detected from the first lines unless given, a UTF-8 BOM and an Excel `sep=` line are dropped, CRLF,
 * LF and lone CR all end rows (mixed freely; kept inside quoted cells), `""` inside quotes is one quote, a quote
 * elsewhere is literal. Each row is decoded as UTF-8 when its bytes are valid UTF-8, else as Windows-1252
 * (`latin1: true`, and a `latin1-fallback` issue). Blank lines are not rows (line numbers still count them).
 *
 * Without `header` every row comes as its fields. With `header`, the rows after the header come with it
 * ({@link CsvHeaderRow}); rows with another number of fields (`ragged-row`) and rows of empty cells only
 * (`empty-row`) are skipped and reported through `onIssue` with `skipped: true`.
 *
 * Memory is bounded by one record plus one input chunk; the output is the same whatever the chunking. A record
 * over `maxRecordBytes` is `E_UNSAFE`, an input ending inside a quoted cell `E_TRUNCATED`, UTF-16 or NUL bytes
 * `E_ENCODING`, each with the line (and record index) where the record starts, after the rows before it.
 *
 * @example
 * ```ts
 * for await (const row of csvRows(input, { header: true, onIssue: (issue) => ctx.onIssue(issue) })) {
 *   console.log(row.line, row.get('Plugin ID'), row.values);
 * }
 * ```
 */
export function csvRows(
  input: AsyncIterable<Uint8Array>,
  options: CsvHeaderRowsOptions,
): AsyncGenerator<CsvHeaderRow>;
/**
 * Streams the rows of a CSV given as byte chunks, without a header: every non-blank row comes as its fields
 * ({@link CsvRow}), the header row included. Otherwise as the overload with `header` above.
 */
export function csvRows(input: AsyncIterable<Uint8Array>, options?: CsvRowsOptions): AsyncGenerator<CsvRow>;
export async function* csvRows(
  input: AsyncIterable<Uint8Array>,
  options: CsvRowsOptions | CsvHeaderRowsOptions = {},
): AsyncGenerator<CsvRow | CsvHeaderRow> {
  const { adapter, onIssue } = options;
  const header = hasHeader(options) ? options : undefined;
  // The types require it; a JavaScript adapter would otherwise drop ragged and empty rows without a word.
  if (header !== undefined && typeof onIssue !== 'function')
    throw new TypeError(
      'csvRows: with a header, onIssue is required (pass ctx.onIssue): skipped rows are reported',
    );
  const forced = options.delimiter === undefined ? undefined : checkDelimiter(options.delimiter, adapter);
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const report = (row: CsvRow, code: string, message: string, skipped: boolean): void => {
    onIssue?.({ code, message, line: row.line, recordIndex: row.index, ...(skipped ? { skipped } : {}) });
  };
  const search = header === undefined ? undefined : new HeaderSearch(header);
  let found: CsvHeader | undefined;

  const iterator = input[Symbol.asyncIterator]();
  let finished = false;
  try {
    let head: Buffer = Buffer.alloc(0);
    let dialect: Dialect | undefined;
    while (dialect === undefined) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        dialect = sniffDialect(head, true, adapter)!;
        break;
      }
      head = head.length === 0 ? toBuffer(next.value) : Buffer.concat([head, next.value]);
      dialect = sniffDialect(head, false, adapter);
      // Undecided: keep a copy, the caller may reuse its chunk once we ask for the next one.
      if (dialect === undefined) head = Buffer.concat([head]);
    }
    const body = head.subarray(dialect.skip);
    if (finished && body.length === 0) return;

    const splitter = new CsvSplitter(forced ?? dialect.delimiter, dialect.firstLine, maxRecordBytes, adapter);
    let chunk: Buffer | undefined = body.length > 0 ? body : undefined;
    while (true) {
      if (chunk === undefined && !finished) {
        const next = await iterator.next();
        if (next.done === true) finished = true;
        else chunk = toBuffer(next.value);
        continue;
      }
      if (chunk !== undefined) splitter.write(chunk);
      else splitter.end();
      // One row at a time: its strings die young, and a chunk's worth of rows is never held.
      for (let row = splitter.next(); row !== undefined; row = splitter.next()) {
        if (row.fields.length === 1 && row.fields[0] === '') continue;
        if (row.latin1)
          report(row, 'latin1-fallback', 'row is not valid UTF-8; decoded as Windows-1252 (Latin-1)', false);
        if (search === undefined) {
          yield row;
          continue;
        }
        if (found === undefined) {
          found = search.try(row);
          if (found !== undefined && search.rows > 1)
            report(
              row,
              'preamble-skipped',
              `${search.rows - 1} row(s) before the header were skipped as a report preamble`,
              false,
            );
          continue;
        }
        if (row.fields.length !== found.width) {
          const keep = header?.keepRaggedRows === true;
          report(
            row,
            'ragged-row',
            `row has ${row.fields.length} fields but the header (line ${found.line}) has ${found.width}${keep ? '' : '; skipped'}`,
            !keep,
          );
          if (!keep) continue;
        } else if (row.fields.every((field) => field.trim() === '')) {
          report(row, 'empty-row', 'row has no values; skipped', true);
          continue;
        }
        yield new HeaderRow(row, found);
      }
      if (splitter.error !== undefined) throw splitter.error;
      if (chunk === undefined) break;
      chunk = undefined;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
  if (found === undefined) search?.fail();
}

/** The search for the header row among the first non-blank rows. */
class HeaderSearch {
  /** Non-blank rows tried so far. */
  rows = 0;
  #first: CsvHeader | undefined;
  readonly #test: (candidate: CsvHeader) => boolean;
  readonly #limit: number;
  readonly #options: CsvHeaderRowsOptions;

  constructor(options: CsvHeaderRowsOptions) {
    const { header } = options;
    this.#test = header === true ? () => true : header;
    this.#limit = header === true ? 1 : (options.headerSearchRows ?? HEADER_SEARCH_ROWS);
    this.#options = options;
  }

  /** `row` as the header when it passes the test; throws when it fails and it was the last row to try. */
  try(row: CsvRow): CsvHeader | undefined {
    this.rows++;
    const candidate = new CsvHeader(row.fields, row.line);
    this.#first ??= candidate;
    if (this.#test(candidate)) return candidate;
    if (this.rows >= this.#limit) this.fail();
    return undefined;
  }

  /** Throws the no-header error, when a row was seen; an input without rows has no header to miss. */
  fail(): void {
    const first = this.#first;
    if (first === undefined) return;
    const searched = Math.min(this.rows, this.#limit);
    throw (
      this.#options.headerNotFound?.(first, searched) ??
      new ConverterError(
        'E_FORMAT',
        `no header row found in the first ${searched} row(s); the first is ${first.describe(8)}`,
        {
          line: first.line,
          ...(this.#options.adapter === undefined ? {} : { adapter: this.#options.adapter }),
        },
      )
    );
  }
}

function hasHeader(options: CsvRowsOptions | CsvHeaderRowsOptions): options is CsvHeaderRowsOptions {
  const { header } = options as Partial<CsvHeaderRowsOptions>;
  return header === true || typeof header === 'function';
}

/** A delimiter the splitter can use, or `E_CONFIG`. */
function checkDelimiter(delimiter: string, adapter: string | undefined): string {
  const code = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || code === 0 || code > 0x7f || '"\r\n'.includes(delimiter))
    throw new ConverterError(
      'E_CONFIG',
      `the CSV delimiter must be one ASCII character other than a quote, a line break or NUL; got ${JSON.stringify(delimiter)}`,
      adapter === undefined ? {} : { adapter },
    );
  return delimiter;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
