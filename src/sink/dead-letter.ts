import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { ConverterError } from '../errors.js';
import { redactSecrets } from './retry.js';

/** One line of the dead-letter NDJSON file: a finding that was not imported, and why. */
export interface DeadLetterEntry {
  /** The ASFF finding that was not imported, whole, so that it can be sent again once the cause is fixed. */
  finding: AwsSecurityFinding;
  /** Service code (`InvalidInput`, `InvalidInputException`, `LimitExceededException`…) or a local one (`finding-too-large`, `aborted`…). */
  errorCode: string;
  /** The service's or the sink's one-line reason, with AWS key ids, secret keys, tokens and private keys redacted. */
  errorMessage: string;
  /** BatchImportFindings requests the finding was part of (0 = never sent). */
  attempts: number;
}

/** Where findings that could not be imported go. Every entry is counted by code. */
export interface DeadLetter {
  /** Records a finding that will not be imported. Never throws: a write failure surfaces in {@link DeadLetter.flush}. */
  write(finding: AwsSecurityFinding, errorCode: string, errorMessage: string, attempts?: number): void;
  /** Entries written so far. */
  readonly count: number;
  /** Entries written so far, by `errorCode`. */
  readonly counts: Readonly<Record<string, number>>;
  /** The file written to, when there is one. */
  readonly path: string | undefined;
  /** Resolves when buffered lines have been handed to the OS; throws `ConverterError('E_IO')` if a write failed. */
  flush(): Promise<void>;
  /** Flushes and closes the output (idempotent). */
  close(): Promise<void>;
}

/** A dead letter that keeps its entries in memory (the default of `importFindings` without a file). */
export interface MemoryDeadLetter extends DeadLetter {
  /** Every entry written, oldest first; grows by one finding per failure, so use a file for big runs. */
  readonly entries: readonly DeadLetterEntry[];
}

abstract class CountingDeadLetter {
  private total = 0;
  private readonly byCode: Record<string, number> = {};

  get count(): number {
    return this.total;
  }

  get counts(): Readonly<Record<string, number>> {
    return this.byCode;
  }

  protected record(errorCode: string): void {
    this.total += 1;
    this.byCode[errorCode] = (this.byCode[errorCode] ?? 0) + 1;
  }
}

function entryOf(
  finding: AwsSecurityFinding,
  errorCode: string,
  errorMessage: string,
  attempts: number,
): DeadLetterEntry {
  return { finding, errorCode, errorMessage: redactSecrets(errorMessage), attempts };
}

class StreamDeadLetter extends CountingDeadLetter implements DeadLetter {
  readonly path: string | undefined;
  private readonly out: Writable;
  private readonly ownsStream: boolean;
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;

  constructor(out: Writable, path: string | undefined, ownsStream: boolean) {
    super();
    this.out = out;
    this.path = path;
    this.ownsStream = ownsStream;
    out.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  write(finding: AwsSecurityFinding, errorCode: string, errorMessage: string, attempts = 0): void {
    this.record(errorCode);
    if (this.closed !== undefined) this.failure ??= new Error('written after the dead letter was closed');
    if (this.out.destroyed) this.failure ??= this.out.errored ?? new Error('the output was closed');
    if (this.failure !== undefined || this.closed !== undefined) return;
    this.out.write(`${JSON.stringify(entryOf(finding, errorCode, errorMessage, attempts))}\n`);
  }

  async flush(): Promise<void> {
    if (this.failure === undefined && this.out.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.out.off('drain', done);
          this.out.off('error', done);
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
      });
    }
    this.throwIfFailed();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.ownsStream && this.failure === undefined) {
        await new Promise<void>((resolve) => this.out.end(resolve));
      } else {
        await this.flush().catch(() => {});
      }
      this.throwIfFailed();
    })();
    return this.closed;
  }

  private throwIfFailed(): void {
    // `errored` is set as soon as the stream is destroyed with an error; the 'error' event comes a tick later.
    if (this.failure === undefined && this.out.errored !== null) this.failure = this.out.errored;
    if (this.failure !== undefined)
      throw new ConverterError(
        'E_IO',
        `cannot write the dead letter${this.path !== undefined ? ` ${this.path}` : ''}: ${this.failure.message}`,
        { cause: this.failure, ...(this.path !== undefined ? { file: this.path } : {}) },
      );
  }
}

/**
 * Opens a dead-letter NDJSON file (truncating it, so a clean run leaves an empty file rather than the
 * failures of an earlier run), or wraps a writable stream you own (it is not ended on close).
 * Throws `ConverterError('E_IO')` when the file cannot be created.
 */
export async function openDeadLetter(target: string | Writable): Promise<DeadLetter> {
  if (typeof target !== 'string') return new StreamDeadLetter(target, undefined, false);
  const out = createWriteStream(target, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (error) =>
      reject(
        new ConverterError('E_IO', `cannot create the dead letter ${target}: ${error.message}`, {
          cause: error,
          file: target,
        }),
      ),
    );
  });
  return new StreamDeadLetter(out, target, true);
}

class ArrayDeadLetter extends CountingDeadLetter implements MemoryDeadLetter {
  readonly path = undefined;
  readonly entries: DeadLetterEntry[] = [];

  write(finding: AwsSecurityFinding, errorCode: string, errorMessage: string, attempts = 0): void {
    this.record(errorCode);
    this.entries.push(entryOf(finding, errorCode, errorMessage, attempts));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * A dead letter in memory. Its memory grows with the number of failed findings: for large runs, give
 * `importFindings` a file instead.
 */
export function memoryDeadLetter(): MemoryDeadLetter {
  return new ArrayDeadLetter();
}

/**
 * A dead-letter file that is created (truncated) only when the first entry arrives, so a clean run leaves no
 * file behind. Used by the CLI when `--dead-letter` is not given.
 */
export function lazyDeadLetterFile(path: string): DeadLetter {
  let inner: StreamDeadLetter | undefined;
  const open = (): StreamDeadLetter => {
    inner ??= new StreamDeadLetter(createWriteStream(path, { flags: 'w' }), path, true);
    return inner;
  };
  return {
    write: (finding, errorCode, errorMessage, attempts) =>
      open().write(finding, errorCode, errorMessage, attempts),
    get count() {
      return inner?.count ?? 0;
    },
    get counts() {
      return inner?.counts ?? {};
    },
    get path() {
      return inner === undefined ? undefined : path;
    },
    flush: async () => inner?.flush(),
    close: async () => inner?.close(),
  };
}
