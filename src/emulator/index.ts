import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export { DEFAULT_RATES } from './rates.js';
export type {
  AccessKeyRule,
  EmulatorOperation,
  EmulatorOptions,
  EmulatorStats,
  EmulatorViolation,
  FaultOptions,
  FindingQuery,
  FindingValidator,
  RateLimit,
  RequestRecord,
  RunningEmulator,
  ThrottleStorm,
  ThrottlingOptions,
} from './types.js';

/**
 * Starts a local Security Hub (BatchImportFindings, GetFindings, BatchUpdateFindings) plus STS
 * GetCallerIdentity on one loopback port, speaking the wire protocols the real AWS SDK clients use.
 * Point clients at `url` with any static credentials.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // Loaded here, not at the top: importing the library for convert() would otherwise load the emulator's modules
  // too (~11 ms of the public entry's ~50 ms start, measured).
  const [http, https, { EmulatorCore }] = await Promise.all([
    import('node:http'),
    import('node:https'),
    import('./server.js'),
  ]);
  const core = new EmulatorCore(options);
  const handler = (req: IncomingMessage, res: ServerResponse) => core.handle(req, res);
  const tls = options.tls;
  const server =
    tls === undefined
      ? http.createServer(handler)
      : https.createServer({ key: tls.key, cert: tls.cert }, handler);
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  core.reset();
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let outageTimer: NodeJS.Timeout | undefined;
  let endOutage: (() => void) | undefined;

  return {
    url: `${tls === undefined ? 'http' : 'https'}://${urlHost}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          // Stopped during an outage: the emulator does not come back.
          if (outageTimer !== undefined) clearTimeout(outageTimer);
          outageTimer = undefined;
          endOutage?.();
          resolve();
          return;
        }
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
    outage: (durationMs) =>
      new Promise<void>((resolve, reject) => {
        // Closing the listener refuses new connections (ECONNREFUSED); open ones are cut (ECONNRESET).
        endOutage = resolve;
        server.close(() => {
          outageTimer = setTimeout(() => {
            outageTimer = undefined;
            endOutage = undefined;
            server.once('error', reject);
            server.listen(port, host, () => {
              server.off('error', reject);
              resolve();
            });
          }, durationMs);
        });
        server.closeAllConnections();
      }),
    findings: (query = {}) =>
      core.store
        .all()
        .filter(
          (s) =>
            (query.accountId === undefined || s.accountId === query.accountId) &&
            (query.region === undefined || s.region === query.region),
        )
        .map((s) => structuredClone(s.finding)),
    requests: () => core.log.list(),
    stats: () => core.log.stats(core.store.size),
    maxRequestsInAnyWindow: (windowMs, filter) => core.log.maxInWindow(windowMs, filter),
    reset: () => core.reset(),
    startThrottleStorm: (durationMs) => core.faults.addStorm({ startMs: core.elapsed(), durationMs }),
    setFaults: (faults) => core.setFaults(faults),
  };
}
