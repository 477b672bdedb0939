import { parseArgs } from 'node:util';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import {
  type AccessKeyRule,
  type EmulatorOperation,
  type EmulatorOptions,
  type RateLimit,
  startEmulator,
  type ThrottleStorm,
  type ThrottlingOptions,
} from '../emulator/index.js';

/** Where `hub` writes, and what stops it; tests pass their own. */
export interface HubCommandIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** Stops the emulator when aborted. @defaultValue SIGINT or SIGTERM */
  signal?: AbortSignal;
}

const USAGE = `Usage: asff-stream hub [options]

Runs a local Security Hub (BatchImportFindings, GetFindings, BatchUpdateFindings) and STS GetCallerIdentity
on one port until Ctrl-C. Point the AWS SDK or the CLI at it with AWS_ENDPOINT_URL (Security Hub and STS) or --endpoint-url (Security Hub only).

Options:
  --port N                    port to listen on (default 4566; 0 = any free port)
  --host HOST                 address to listen on (default 127.0.0.1)
  --account ID                account of every caller (default 123456789012)
  --region REGION             Region when a request names none (default us-east-1)
  --access-key KEY=ACCOUNT    map an access key id to another account (repeatable)
  --deny-key KEY              Security Hub calls with this key get AccessDeniedException (repeatable)
  --deny KEY=OPERATION        only this operation is denied to this key, e.g. AKID=GetFindings (an import-only
                              role; repeatable)
  --unknown-key KEY           this key does not exist: UnrecognizedClientException (repeatable)
  --reject-unknown-keys       keys not given with --access-key are unknown
  --disabled-account ID       Security Hub is not enabled in this account (repeatable)
  --disabled-hub-answer MODE  exception (401 for the request, default) or failed-findings (BatchImportFindings:
                              every finding InvalidAccess, as the API documents)
  --get-findings-tokens STYLE cursor (default) or offset (a finding that stops matching shifts later pages)
  --rate OP=RATE/BURST        token bucket per account+Region; OP is import, get or update (repeatable;
                              defaults import=10/30 get=3/6 update=10/30); --rate off disables throttling
  --seed N                    seed of the fault injection (default 1)
  --fault-5xx F               fraction of requests answered 500 InternalException
  --fault-reset F             fraction of requests whose connection is reset before processing
  --fault-lost-response F     fraction of requests processed but whose connection is reset instead of answered
  --fault-finding F           fraction of findings returned in FailedFindings with a transient code
  --fault-finding-codes A,B   codes for --fault-finding (default InternalFailure)
  --fault-storm START+LEN     throttle everything from START ms after start for LEN ms (repeatable)
  --verbose                   print every request as one JSON line on stderr
  --help                      show this help
`;

const RATE_KEYS = { import: 'import', get: 'getFindings', update: 'batchUpdate' } as const;

class UsageError extends Error {}

function fraction(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--${name} must be a number between 0 and 1`);
  return n;
}

function parseRates(values: readonly string[]): ThrottlingOptions | false {
  if (values.includes('off')) return false;
  const out: ThrottlingOptions = {};
  for (const value of values) {
    const m = /^(import|get|update)=(\d+(?:\.\d+)?)\/(\d+)$/.exec(value);
    if (m === null) throw new UsageError(`--rate ${value}: expected OP=RATE/BURST, e.g. import=10/30`);
    const rate: RateLimit = { ratePerSecond: Number(m[2]), burst: Number(m[3]) };
    out[RATE_KEYS[m[1] as keyof typeof RATE_KEYS]] = rate;
  }
  return out;
}

function parseStorm(value: string): ThrottleStorm {
  const m = /^(\d+)\+(\d+)$/.exec(value);
  if (m === null)
    throw new UsageError(`--fault-storm ${value}: expected START_MS+DURATION_MS, e.g. 2000+1000`);
  return { startMs: Number(m[1]), durationMs: Number(m[2]) };
}

/** Turns `hub` flags into emulator options; throws UsageError on a bad flag (see `CliCommand.parse`). */
export function hubArguments(argv: readonly string[]): (EmulatorOptions & { verbose: boolean }) | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string' },
      account: { type: 'string' },
      region: { type: 'string' },
      'access-key': { type: 'string', multiple: true, default: [] },
      'deny-key': { type: 'string', multiple: true, default: [] },
      'unknown-key': { type: 'string', multiple: true, default: [] },
      'reject-unknown-keys': { type: 'boolean', default: false },
      'disabled-account': { type: 'string', multiple: true, default: [] },
      deny: { type: 'string', multiple: true, default: [] },
      'disabled-hub-answer': { type: 'string' },
      'get-findings-tokens': { type: 'string' },
      rate: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string' },
      'fault-5xx': { type: 'string' },
      'fault-reset': { type: 'string' },
      'fault-lost-response': { type: 'string' },
      'fault-finding': { type: 'string' },
      'fault-finding-codes': { type: 'string' },
      'fault-storm': { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535');
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
    throw new UsageError('--account must be 12 digits');
  }
  const accessKeys: Record<string, AccessKeyRule> = {};
  for (const entry of values['access-key']) {
    const m = /^([^=]+)=(\d{12})$/.exec(entry);
    if (m === null) throw new UsageError(`--access-key ${entry}: expected KEY=ACCOUNT (12 digits)`);
    accessKeys[m[1] ?? ''] = { accountId: m[2] ?? '' };
  }
  for (const key of values['deny-key']) accessKeys[key] = { ...accessKeys[key], access: 'deny' };
  for (const key of values['unknown-key']) accessKeys[key] = { access: 'unknown' };
  for (const entry of values.deny) {
    const m = /^([^=]+)=(BatchImportFindings|GetFindings|BatchUpdateFindings)$/.exec(entry);
    if (m === null)
      throw new UsageError(
        `--deny ${entry}: expected KEY=BatchImportFindings|GetFindings|BatchUpdateFindings`,
      );
    const key = m[1] ?? '';
    const operation = m[2] as EmulatorOperation;
    accessKeys[key] = { ...accessKeys[key], deny: [...(accessKeys[key]?.deny ?? []), operation] };
  }
  const disabledHubAnswer = values['disabled-hub-answer'];
  if (
    disabledHubAnswer !== undefined &&
    disabledHubAnswer !== 'exception' &&
    disabledHubAnswer !== 'failed-findings'
  )
    throw new UsageError('--disabled-hub-answer must be exception or failed-findings');
  const tokens = values['get-findings-tokens'];
  if (tokens !== undefined && tokens !== 'cursor' && tokens !== 'offset')
    throw new UsageError('--get-findings-tokens must be cursor or offset');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be an integer');

  const options: EmulatorOptions & { verbose: boolean } = {
    port,
    accessKeys,
    rejectUnknownAccessKeys: values['reject-unknown-keys'],
    disabledAccounts: values['disabled-account'],
    throttling: parseRates(values.rate),
    verbose: values.verbose,
    faults: {
      ...(seed === undefined ? {} : { seed }),
      serverErrorRate: fraction('fault-5xx', values['fault-5xx']) ?? 0,
      resetRate: fraction('fault-reset', values['fault-reset']) ?? 0,
      lostResponseRate: fraction('fault-lost-response', values['fault-lost-response']) ?? 0,
      findingFailureRate: fraction('fault-finding', values['fault-finding']) ?? 0,
      throttleStorms: values['fault-storm'].map(parseStorm),
      ...(values['fault-finding-codes'] === undefined
        ? {}
        : { findingFailureCodes: values['fault-finding-codes'].split(',').filter((c) => c !== '') }),
    },
  };
  if (disabledHubAnswer !== undefined) options.disabledHubAnswer = disabledHubAnswer;
  if (tokens !== undefined) options.getFindingsTokens = tokens;
  if (values.host !== undefined) options.host = values.host;
  if (values.account !== undefined) options.accountId = values.account;
  if (values.region !== undefined) options.region = values.region;
  return options;
}

function signalOnTermination(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

/**
 * `asff-stream hub`: starts the emulator, prints its URL as the first line of stdout, runs until the signal
 * aborts (the CLI's Ctrl-C signal; without one, SIGINT / SIGTERM), then prints the request counters on
 * stderr. Returns 0, or 2 for a usage error or a port that cannot be opened. Stopping is the normal end of
 * `hub`, so it returns 0 even when interrupted.
 */
export async function runHubCommand(
  argv: readonly string[],
  signalOrIo: AbortSignal | HubCommandIo = {},
): Promise<ExitCode> {
  const io: HubCommandIo = signalOrIo instanceof AbortSignal ? { signal: signalOrIo } : signalOrIo;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let parsed: ReturnType<typeof hubArguments>;
  try {
    parsed = hubArguments(argv);
  } catch (error) {
    stderr.write(`asff-stream hub: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.INPUT;
  }
  if (parsed === 'help') {
    stdout.write(USAGE);
    return EXIT.OK;
  }
  const { verbose, ...options } = parsed;
  if (verbose) options.onRequest = (record) => stderr.write(`${JSON.stringify(record)}\n`);

  const termination = io.signal === undefined ? signalOnTermination() : undefined;
  const signal = io.signal ?? termination?.signal;
  try {
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    try {
      emulator = await startEmulator(options);
    } catch (error) {
      stderr.write(`asff-stream hub: cannot listen on port ${options.port}: ${(error as Error).message}\n`);
      return EXIT.INPUT;
    }
    stdout.write(`${emulator.url}\n`);
    stderr.write(
      `Security Hub emulator for account ${options.accountId ?? '123456789012'} listening on ${emulator.url}\n` +
        `Use it with: AWS_ENDPOINT_URL=${emulator.url} asff-stream import FILE  (any credentials; it serves Security Hub and STS). Ctrl-C stops.\n`,
    );
    if (signal !== undefined && !signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    const stats = emulator.stats();
    await emulator.stop();
    stderr.write(`${JSON.stringify({ stopped: true, ...stats })}\n`);
    return EXIT.OK;
  } finally {
    termination?.dispose();
  }
}
