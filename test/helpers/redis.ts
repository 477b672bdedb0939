import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/** Where CI (`.ci/run`, Debian package `redis-server`) and this machine have the binary. */
const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/** The redis-server binary, or `undefined` when it is not installed (tests that need it are skipped). */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? CANDIDATES.find((path) => existsSync(path));

/** Why Redis tests are skipped, for `describe.skipIf(!HAS_REDIS)` titles. */
export const NO_REDIS_REASON =
  'redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER=/path/to/redis-server)';

/** True when a redis-server binary was found. */
export const HAS_REDIS = REDIS_SERVER !== undefined;

/** A throwaway redis-server on a loopback port. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (right now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `PING` on the port answers `+PONG`; rejects after `timeoutMs`. */
async function waitForPong(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      let answer = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        answer += data.toString('latin1');
        if (answer.includes('\r\n')) socket.end();
      });
      socket.on('close', () => resolve(answer.startsWith('+PONG')));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms`);
}

/**
 * Starts a real `redis-server` on a free loopback port with persistence off (`--save '' --appendonly no`),
 * so nothing is written to disk. Throws when the binary is missing: guard the suite with
 * `describe.skipIf(!HAS_REDIS)`.
 */
export async function startRedis(): Promise<TestRedis> {
  if (REDIS_SERVER === undefined) throw new Error(NO_REDIS_REASON);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForPong(port, child, 5_000);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      // Another process may have taken the port between freePort() and the spawn: try another one.
      if (attempt < 3) continue;
      throw new Error(`${String(error)}${stderr === '' ? '' : `: ${stderr.trim()}`}`);
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}
