import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root. */
export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
/** The built CLI. */
export const CLI = resolve(ROOT, 'dist/src/cli.js');

/** Settings of the machine the tests run on that would send the CLI elsewhere; removed unless a test sets them. */
const HOST_SETTINGS = [
  'AWS_ACCOUNT_ID',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_SECURITYHUB',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
];

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the real `asff-stream` binary with `args`, optional stdin bytes and extra environment. */
export function runCli(
  args: readonly string[],
  options: {
    stdin?: Uint8Array | string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Sends SIGINT (Ctrl-C) once this returns true (checked every 20 ms). */
    interruptWhen?: () => boolean;
  } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', ...options.env };
    // Hermetic: only what the test sets reaches the CLI (no real account, endpoint or proxy of the machine).
    for (const key of HOST_SETTINGS) {
      if (options.env?.[key] === undefined) delete env[key];
    }
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const interrupt =
      options.interruptWhen === undefined
        ? undefined
        : setInterval(() => {
            if (options.interruptWhen?.() !== true) return;
            clearInterval(interrupt);
            child.kill('SIGINT');
          }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(interrupt);
      resolvePromise({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}
