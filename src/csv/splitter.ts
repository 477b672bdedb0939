import { isUtf8 } from 'node:buffer';
import { ConverterError } from '../errors.js';
import { windows1252 } from './decode.js';

/** One CSV record with where it came from. */
export interface CsvRow {
  /** The cells, decoded (UTF-8, or Windows-1252 when `latin1` is true). */
  fields: string[];
  /** 1-based line number of the record's first line. */
  line: number;
  /** 0-based index of the record in the input (the header and preamble rows count). */
  index: number;
  /** True when the record was not valid UTF-8 and was decoded as Windows-1252 (Latin-1). */
  latin1: boolean;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

// Scanner states.
/** At the first byte of a field. */
const FIELD_START = 0;
/** Inside a field that is not (or no longer) quoted. */
const UNQUOTED = 1;
/** Inside a quoted field. */
const QUOTED = 2;
/** Inside a quoted field, just after a quote: the next byte says whether it escapes, closes or is stray. */
const QUOTE_IN_QUOTED = 3;

// How a field's content maps to its bytes.
/** Content is the field's bytes. */
const PLAIN = 0;
/** Content is the field's bytes between the opening and the closing quote. */
const QUOTED_PLAIN = 1;
/** As {@link QUOTED_PLAIN}, with each `""` read as one quote. */
const QUOTED_ESCAPED = 2;
/** Stray quotes (or a quote closed by NUL): content is rebuilt by {@link unquote}. */
const REBUILT = 3;

/** Spare room the carry buffer starts with. */
const CARRY_START_BYTES = 64 * 1024;

/**
 * Splits CSV bytes into records in one pass, fed chunk by chunk (boundaries anywhere: inside a UTF-8
 * character, between the quotes of `""`, between CR and LF). Written to give exactly what csv-parse 7 gives
 * with the options the adapter used (`encoding: 'latin1'`, `record_delimiter: ['\r\n', '\n', '\r']`,
 * `relax_quotes`, `relax_column_count`, `max_record_size`) at 3.5 times its speed; see docs/csv.md,
 * "Record splitter". The fuzz test in test/csv/splitter.test.ts holds it to that.
 *
 * - CRLF, LF and a lone CR each end a record, mixed freely; inside quotes they are kept in the cell.
 * - A quote opens a quoted cell only as the cell's first byte; elsewhere it is kept literally.
 * - Inside a quoted cell `""` is one quote. A closing quote followed by something other than a delimiter, a
 *   line break, a NUL byte or the end of the input is stray: the cell becomes its literal text from there on,
 *   with the quote it opened with put back in front (csv-parse's `relax_quotes`).
 * - A blank line is a record with one empty field; the end of the input ends the last record.
 * - A record whose content exceeds `maxRecordBytes` + 1 bytes fails with `E_UNSAFE` (csv-parse's check,
 *   which lets the record reach one byte over the cap); the end of the input inside a quoted cell fails with
 *   `E_TRUNCATED`. Both name the line and index of the record, after the records before it were delivered.
 *
 * Cells are decoded once their record is complete: a record whose bytes are valid UTF-8 is read as UTF-8,
 * any other as Windows-1252 (`latin1: true`), so one bad row never garbles the rest of a UTF-8 file.
 *
 * Records are pulled one at a time ({@link CsvSplitter.next}), decoded as they are taken. Only the unfinished
 * record is carried between chunks (copied, with the next chunk, into a buffer that grows by doubling), so
 * memory is bounded by the size cap plus one chunk.
 */
export class CsvSplitter {
  readonly #delimiter: number;
  readonly #maxRecordBytes: number;
  /** Put into errors: the adapter's name, when one is given. */
  readonly #errorOrigin: { adapter?: string };
  #line: number;
  #index = 0;
  #failed: ConverterError | undefined;
  #ended = false;

  /** The bytes being split: the last chunk written, or the carry buffer; `undefined` when all are split. */
  #buf: Buffer | undefined;
  #end = 0;
  /** The unfinished record's bytes (and the chunk appended after them), from offset 0. */
  #carry: Buffer = Buffer.alloc(0);
  #carryLength = 0;

  // Scan state; offsets are into #buf.
  #state = FIELD_START;
  #pos = 0;
  #recordStart = 0;
  #fieldStart = 0;
  /** The last record ended with CR: a LF right after it belongs to that line break. */
  #skipLf = false;
  #kind = PLAIN;
  /** Bytes of the current field that are not content (quotes), minus the quote a stray quote puts back. */
  #adjust = 0;

  // The current record's completed fields.
  #count = 0;
  #starts: number[] = [];
  #ends: number[] = [];
  #escaped: boolean[] = [];
  /** Rebuilt content of {@link REBUILT} fields, by field number; `#rebuilt` counts them. */
  #built: (Buffer | undefined)[] = [];
  #rebuilt = 0;
  /** Line breaks inside the current record's quoted cells (CRLF counts once). */
  #breaks = 0;
  /** Content bytes of the current record's completed fields. */
  #content = 0;

  /**
   * @param delimiter - the field delimiter, one ASCII character other than a quote or a line break
   * @param firstLine - line number of the first byte written
   * @param maxRecordBytes - size cap of one record's content
   * @param adapter - the adapter's name, put into errors
   */
  constructor(delimiter: string, firstLine: number, maxRecordBytes: number, adapter?: string) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#line = firstLine;
    this.#maxRecordBytes = maxRecordBytes;
    this.#errorOrigin = adapter === undefined ? {} : { adapter };
  }

  /** The fatal error met so far, if any: nothing after it is split. */
  get error(): ConverterError | undefined {
    return this.#failed;
  }

  /**
   * Gives the next chunk of input; take its records with {@link next} before writing another. The chunk is
   * not modified; it is read until {@link next} returns `undefined`, then only the unfinished record's bytes
   * are kept.
   */
  write(chunk: Uint8Array): void {
    if (this.#failed !== undefined) return;
    if (this.#carryLength > 0) {
      this.#reserve(this.#carryLength + chunk.length);
      this.#carry.set(chunk, this.#carryLength);
      this.#carryLength += chunk.length;
      this.#buf = this.#carry;
      this.#end = this.#carryLength;
    } else {
      this.#buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#end = chunk.length;
      this.#pos = 0;
      this.#recordStart = 0;
      this.#fieldStart = 0;
    }
  }

  /** Ends the input: {@link next} then gives the last record, if the input does not end with a line break. */
  end(): void {
    this.#ended = true;
  }

  /**
   * The next complete record, decoded, or `undefined` when the input written so far holds no more (or a
   * fatal error was met: see {@link error}).
   */
  next(): CsvRow | undefined {
    if (this.#failed !== undefined) return undefined;
    const buf = this.#buf;
    if (buf !== undefined) {
      const record = this.#scan(buf, this.#end);
      if (record !== undefined || this.#failed !== undefined) return record;
      this.#keepUnfinished(buf);
      this.#buf = undefined;
      if (this.#failed !== undefined) return undefined;
    }
    return this.#ended ? this.#finish() : undefined;
  }

  /** Moves the unfinished record to the start of the carry buffer; `E_UNSAFE` when it is already too large. */
  #keepUnfinished(buf: Buffer): void {
    const start = this.#recordStart;
    const end = this.#end;
    if (start === end) {
      this.#carryLength = 0;
      return;
    }
    const tail = end - start;
    if (buf === this.#carry) this.#carry.copyWithin(0, start, end);
    else {
      this.#reserve(tail);
      buf.copy(this.#carry, 0, start, end);
    }
    this.#carryLength = tail;
    this.#pos -= start;
    this.#fieldStart -= start;
    this.#recordStart = 0;
    for (let i = 0; i < this.#count; i++) {
      this.#starts[i]! -= start;
      this.#ends[i]! -= start;
    }
    const partial =
      this.#content +
      (this.#pos - this.#fieldStart) -
      this.#adjust -
      (this.#state === QUOTE_IN_QUOTED ? 1 : 0);
    if (partial > this.#maxRecordBytes + 1) this.#failed = this.#tooLarge();
  }

  /** The last record at the end of the input, or `E_TRUNCATED` when the input ends inside a quoted cell. */
  #finish(): CsvRow | undefined {
    const end = this.#carryLength;
    if (end === 0) return undefined;
    this.#carryLength = 0;
    if (this.#state === QUOTED) {
      this.#failed = new ConverterError('E_TRUNCATED', 'the input ends inside a quoted cell', {
        ...this.#errorOrigin,
        line: this.#line,
        recordIndex: this.#index,
      });
      return undefined;
    }
    // The end of the input closes a pending quote.
    if (this.#state === QUOTE_IN_QUOTED) this.#adjust++;
    this.#state = FIELD_START;
    const buf = this.#carry;
    return this.#endField(buf, end) ? this.#emit(buf, 0, end) : undefined;
  }

  /** Scans `buf` from the saved position up to `end` until a record is complete; returns it. */
  #scan(buf: Buffer, end: number): CsvRow | undefined {
    const delimiter = this.#delimiter;
    let pos = this.#pos;
    let state = this.#state;
    let breaks = this.#breaks;
    let record: CsvRow | undefined;
    while (pos < end) {
      if (state === QUOTED) {
        let c = 0;
        while (pos < end) {
          c = buf[pos]!;
          if (c === QUOTE) break;
          if (c <= CR) {
            if (c === LF) {
              if (buf[pos - 1] !== CR) breaks++;
            } else if (c === CR) breaks++;
          }
          pos++;
        }
        if (pos === end) break;
        state = QUOTE_IN_QUOTED;
        pos++;
        continue;
      }
      if (state === FIELD_START) {
        const c = buf[pos]!;
        if (this.#skipLf) {
          this.#skipLf = false;
          if (c === LF) {
            pos++;
            this.#recordStart = pos;
            this.#fieldStart = pos;
            continue;
          }
        }
        if (c === QUOTE) {
          this.#kind = QUOTED_PLAIN;
          this.#adjust = 1;
          state = QUOTED;
          pos++;
          continue;
        }
        state = UNQUOTED;
      } else if (state === QUOTE_IN_QUOTED) {
        const c = buf[pos]!;
        if (c === QUOTE) {
          // `""`: one quote.
          this.#kind = QUOTED_ESCAPED;
          this.#adjust++;
          state = QUOTED;
          pos++;
          continue;
        }
        if (c === delimiter || c === LF || c === CR) this.#adjust++;
        else {
          this.#kind = REBUILT;
          // A NUL byte closes the quote like the end of the input does (csv-parse tests `!nextChr`); any
          // other byte makes the quote stray, and the opening quote is put back.
          if (c === 0) this.#adjust++;
          else this.#adjust--;
        }
        state = UNQUOTED;
      }
      // UNQUOTED
      let c = 0;
      while (pos < end) {
        c = buf[pos]!;
        if (c === delimiter || c === LF || c === CR) break;
        pos++;
      }
      if (pos === end) break;
      this.#breaks = breaks;
      if (!this.#endField(buf, pos)) return undefined;
      state = FIELD_START;
      pos++;
      if (c === delimiter) {
        this.#fieldStart = pos;
        continue;
      }
      record = this.#emit(buf, this.#recordStart, pos - 1);
      breaks = 0;
      if (c === CR) this.#skipLf = true;
      this.#recordStart = pos;
      this.#fieldStart = pos;
      break;
    }
    this.#pos = pos;
    this.#state = state;
    this.#breaks = breaks;
    return record;
  }

  /** Completes the current field, ending at `end`; false (and `#failed` set) when the record is too large. */
  #endField(buf: Buffer, end: number): boolean {
    const i = this.#count++;
    const start = this.#fieldStart;
    const kind = this.#kind;
    if (kind === REBUILT) {
      this.#built[i] = unquote(buf, start, end);
      this.#rebuilt++;
    } else {
      const skip = kind === PLAIN ? 0 : 1;
      this.#starts[i] = start + skip;
      this.#ends[i] = end - skip;
      this.#escaped[i] = kind === QUOTED_ESCAPED;
    }
    this.#content += end - start - this.#adjust;
    this.#kind = PLAIN;
    this.#adjust = 0;
    if (this.#content > this.#maxRecordBytes + 1) {
      this.#failed = this.#tooLarge();
      return false;
    }
    return true;
  }

  /** Decodes the completed record `[start, end)` of `buf`. */
  #emit(buf: Buffer, start: number, end: number): CsvRow {
    const n = this.#count;
    const fields: string[] = [];
    const rebuilt = this.#rebuilt > 0;
    // Structure bytes are ASCII, so the record's bytes are valid UTF-8 exactly when every cell is; UTF-8
    // decoding of ASCII is the identity, so one check decides for every cell.
    const utf8 = isUtf8(buf.subarray(start, end));
    for (let i = 0; i < n; i++) {
      const built = rebuilt ? this.#built[i] : undefined;
      let text: string;
      if (built !== undefined) text = utf8 ? built.toString('utf8') : windows1252(built.toString('latin1'));
      else {
        const s = this.#starts[i]!;
        const e = this.#ends[i]!;
        text = utf8 ? buf.toString('utf8', s, e) : windows1252(buf.toString('latin1', s, e));
        // Inside a quoted cell every quote is half of a `""` pair, and pairs do not overlap.
        if (this.#escaped[i] === true) text = text.replaceAll('""', '"');
      }
      fields.push(text);
    }
    const record: CsvRow = { fields, line: this.#line, index: this.#index, latin1: !utf8 };
    this.#line += this.#breaks + 1;
    this.#index++;
    if (rebuilt) this.#built.length = 0;
    this.#rebuilt = 0;
    this.#count = 0;
    this.#breaks = 0;
    this.#content = 0;
    return record;
  }

  #tooLarge(): ConverterError {
    return new ConverterError(
      'E_UNSAFE',
      `a CSV record is larger than ${this.#maxRecordBytes} bytes; an unclosed quote, or not a CSV file`,
      { ...this.#errorOrigin, line: this.#line, recordIndex: this.#index },
    );
  }

  /** Makes the carry buffer hold at least `bytes`, keeping its content. */
  #reserve(bytes: number): void {
    if (this.#carry.length >= bytes) return;
    const next = Buffer.allocUnsafe(Math.max(bytes, this.#carry.length * 2, CARRY_START_BYTES));
    this.#carry.copy(next, 0, 0, this.#carryLength);
    this.#carry = next;
  }
}

/**
 * The content of a field `[start, end)` of `buf` that opens with a quote and has doubled or stray quotes (or
 * a quote closed by a NUL byte), as csv-parse builds it: `""` is one quote; a quote followed by the end of
 * the field or a NUL closes the quoted part and the rest is literal; a stray quote puts the opening quote
 * back in front and keeps itself and the rest literally.
 */
function unquote(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  let i = start + 1;
  while (i < end) {
    const b = buf[i]!;
    if (b !== QUOTE) {
      out[n++] = b;
      i++;
      continue;
    }
    if (i + 1 < end && buf[i + 1] === QUOTE) {
      out[n++] = QUOTE;
      i += 2;
      continue;
    }
    if (i + 1 === end || buf[i + 1] === 0) {
      n += buf.copy(out, n, i + 1, end);
    } else {
      out.copyWithin(1, 0, n);
      out[0] = QUOTE;
      n += 1 + buf.copy(out, n + 1, i, end);
    }
    break;
  }
  return out.subarray(0, n);
}
