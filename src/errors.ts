import type { ImportResult } from './sink/import.js';
import type { LifecycleReport } from './sink/lifecycle.js';

/**
 * Every fatal condition the library can raise, as a string-literal union.
 * Record-level problems are never thrown: they are reported through `AdapterContext.onIssue`.
 */
export type ErrorCode =
  /** The input is not the format the adapter expects (or no adapter claims it). */
  | 'E_FORMAT'
  /** The input is syntactically broken (bad JSON, bad XML, bad CSV quoting). */
  | 'E_PARSE'
  /** The input ended before its document did. */
  | 'E_TRUNCATED'
  /** The input is unsafe to process (XML entities, over-long lines, nesting bombs). */
  | 'E_UNSAFE'
  /** The input uses an encoding we cannot read (UTF-16 with no transcoding, binary). */
  | 'E_ENCODING'
  /** A configuration or usage mistake (missing account, unknown option value, unknown adapter). */
  | 'E_CONFIG'
  /** AWS access or configuration problem: no credentials, access denied, Security Hub not enabled. */
  | 'E_AWS_ACCESS'
  /** The run was interrupted (SIGINT/SIGTERM). */
  | 'E_ABORTED'
  /** An input or output file could not be read or written. */
  | 'E_IO';

/** Where in the input a problem was found. All fields are optional; give what is known. */
export interface InputPosition {
  /** 1-based line number. */
  line?: number;
  /** 1-based column number. */
  column?: number;
  /** 0-based byte offset from the start of the (decompressed) input. */
  byte?: number;
  /** 0-based index of the logical record (result, row, host) being read. */
  recordIndex?: number;
}

/** Options for {@link ConverterError}. */
export interface ConverterErrorOptions extends InputPosition {
  /** The underlying error (a parser's, the SDK's, the file system's), kept as the error's standard `cause`. */
  cause?: unknown;
  /** Name of the adapter that raised the error. */
  adapter?: string;
  /** File name of the input, when known. */
  file?: string;
}

/**
 * The one error class of the library. `code` tells the caller what went wrong; the message is one line
 * meant for a human, naming the problem and where it is.
 */
export class ConverterError extends Error {
  /** Always `'ConverterError'`. */
  override readonly name = 'ConverterError';
  /** What went wrong, as one of the {@link ErrorCode}s: what a caller branches on (the message is for people). */
  readonly code: ErrorCode;
  /** Name of the adapter that raised it; `undefined` for errors outside any adapter (configuration, AWS). */
  readonly adapter: string | undefined;
  /** File name of the input, when known; `undefined` for stdin and for errors not about an input. */
  readonly file: string | undefined;
  /** 1-based line in the input where the problem is; `undefined` when not known or not about the input. */
  readonly line: number | undefined;
  /** 1-based column in that line; `undefined` when not known. */
  readonly column: number | undefined;
  /** 0-based byte offset in the (decompressed) input; `undefined` when not known. */
  readonly byte: number | undefined;
  /** 0-based index of the record being read (result, row, host); `undefined` when not known. */
  readonly recordIndex: number | undefined;
  /**
   * The report of the run that ended with this error, when the error ended one: `importFindings` puts its
   * `ImportResult` here, `importWithLifecycle` its `LifecycleReport` (tell them apart with `'archived' in report`).
   * Not enumerable, so logging the error does not print it. Errors that are not `ConverterError`s (the input's own)
   * carry it too.
   */
  declare report?: ImportResult | LifecycleReport;

  constructor(code: ErrorCode, message: string, options: ConverterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.adapter = options.adapter;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.byte = options.byte;
    this.recordIndex = options.recordIndex;
  }

  /** The message with its position appended, e.g. `unexpected end of input (line 3, byte 120)`. */
  describe(): string {
    const where: string[] = [];
    if (this.file !== undefined) where.push(this.file);
    if (this.line !== undefined)
      where.push(`line ${this.line}${this.column !== undefined ? `:${this.column}` : ''}`);
    if (this.byte !== undefined) where.push(`byte ${this.byte}`);
    if (this.recordIndex !== undefined) where.push(`record ${this.recordIndex}`);
    const prefix = this.adapter !== undefined ? `${this.adapter}: ` : '';
    return where.length > 0 ? `${prefix}${this.message} (${where.join(', ')})` : `${prefix}${this.message}`;
  }
}

/** Type guard that also works across duplicated copies of the package. */
export function isConverterError(value: unknown): value is ConverterError {
  return (
    value instanceof ConverterError ||
    (value instanceof Error &&
      value.name === 'ConverterError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/**
 * Names the adapter in a `ConverterError` an adapter threw without one (a toolkit reader called without `adapter`),
 * so that its one line says whose input it is. Other errors, and the interruption, are left as they are.
 */
export function nameAdapter(error: unknown, adapter: string): void {
  if (!isConverterError(error) || error.adapter !== undefined || error.code === 'E_ABORTED') return;
  (error as { adapter: string | undefined }).adapter = adapter;
}

/**
 * Puts the report of the run an error ended (an import's or a lifecycle's) on the error, as `error.report`:
 * `catch (error) { console.log(error.report) }`. Not enumerable, so logging the error does not print the report.
 * An error that cannot take it (a primitive, a frozen object) is left as it is: the error itself matters more.
 */
export function attachReport(error: unknown, report: object): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  try {
    Object.defineProperty(error, 'report', {
      value: report,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {
    // A `report` of the error's own that cannot be redefined: the error is rethrown as it is.
  }
}

/** The report {@link attachReport} put on `error`, or `undefined`. */
export function attachedReport(error: unknown): object | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const report = (error as { report?: unknown }).report;
  return typeof report === 'object' && report !== null ? report : undefined;
}
