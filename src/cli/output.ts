import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { ConverterError, isConverterError } from '../errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Writes text lines to a stream in ~64 KB slices, honouring backpressure. */
export class LineWriter {
  private buffer = '';
  private closed = false;
  private readonly stream: Writable;

  constructor(stream: Writable) {
    this.stream = stream;
  }

  /** Opens `path` for writing, or stdout for `-`/undefined. */
  static open(path: string | undefined): LineWriter {
    if (path === undefined || path === '-') return new LineWriter(process.stdout);
    return new LineWriter(createWriteStream(path));
  }

  async write(line: string): Promise<void> {
    this.buffer += line;
    if (this.buffer.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0 || this.closed) return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (error: Error): void => {
          this.stream.off('drain', onDrain);
          reject(error);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  /** Flushes and, for files, closes the stream. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.stream === process.stdout) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}

/** Writes one diagnostic line to stderr, prefixed with the program name. */
export function diagnostic(message: string): void {
  process.stderr.write(`asff-stream: ${message}\n`);
}

/** Maps an error to its exit code and prints one line (no stack trace unless `ASFF_STREAM_DEBUG` is set). */
export function reportError(error: unknown): ExitCode {
  if (isConverterError(error)) {
    diagnostic(`error: ${error.describe()}`);
    if (process.env.ASFF_STREAM_DEBUG) process.stderr.write(`${error.stack}\n`);
    switch (error.code) {
      case 'E_AWS_ACCESS':
        return EXIT.AWS;
      case 'E_ABORTED':
        return EXIT.INTERRUPTED;
      default:
        return EXIT.INPUT;
    }
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') return EXIT.OK;
  diagnostic(
    `internal error: ${(error as Error)?.message ?? String(error)} (set ASFF_STREAM_DEBUG=1 for details; please report it)`,
  );
  if (process.env.ASFF_STREAM_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
  return EXIT.INTERNAL;
}

/** A usage error: exit code 2 with a hint to `--help`. */
export function usageError(message: string, command?: string): ConverterError {
  return new ConverterError(
    'E_CONFIG',
    `${message} (see: asff-stream ${command ?? ''}${command ? ' ' : ''}--help)`,
  );
}

/** Renders a live progress line on a TTY stderr, at most 4 times a second; a no-op elsewhere. */
export class ProgressLine {
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(enabled = process.stderr.isTTY === true && !process.env.CI) {
    this.enabled = enabled;
  }

  update(render: () => string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    process.stderr.write(`\r\x1b[2K${render()}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
