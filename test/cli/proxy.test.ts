import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';

// HTTPS through a corporate proxy, as CI runners often are: the emulator serves TLS on loopback, a tiny CONNECT
// proxy started here counts the tunnels, and the real CLI honours HTTPS_PROXY / https_proxy / NO_PROXY.

const NESSUS = 'fixtures/demo/weekly-scan.nessus';
const CREDS = { AWS_ACCESS_KEY_ID: 'AKIDPROXY', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

/** A self-signed certificate for 127.0.0.1, made with openssl (undefined when openssl is not installed). */
function selfSignedCertificate(dir: string): { key: string; cert: string; certPath: string } | undefined {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

/** An HTTP proxy that only tunnels (CONNECT), recording each tunnel's target; plain requests get 405. */
function startConnectProxy(): Promise<{ url: string; tunnels: string[]; plain: number[]; server: Server }> {
  const tunnels: string[] = [];
  const plain: number[] = [];
  const server = createServer((_req, res) => {
    plain.push(1);
    res.writeHead(405).end();
  });
  server.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host = '', port = ''] = target.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, tunnels, plain, server });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'asff-proxy-'));
const tls = selfSignedCertificate(dir);
let hub: RunningEmulator;
let proxy: Awaited<ReturnType<typeof startConnectProxy>>;

describe.skipIf(tls === undefined)('HTTPS proxy (CONNECT tunnel on loopback, TLS emulator behind it)', () => {
  beforeAll(async () => {
    if (tls === undefined) return;
    hub = await startEmulator({ tls: { key: tls.key, cert: tls.cert } });
    proxy = await startConnectProxy();
  });
  afterAll(async () => {
    await hub?.stop();
    proxy?.server.closeAllConnections();
    await new Promise((resolve) => proxy?.server.close(resolve));
  });
  beforeEach(() => {
    hub.reset();
    proxy.tunnels.length = 0;
    proxy.plain.length = 0;
  });

  const env = (extra: NodeJS.ProcessEnv) => ({
    ...CREDS,
    NODE_EXTRA_CA_CERTS: tls?.certPath ?? '',
    AWS_ENDPOINT_URL_STS: hub.url,
    ...extra,
  });

  it('HTTPS_PROXY: Security Hub and STS both go through CONNECT tunnels to the endpoint', async () => {
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url], {
      env: env({ HTTPS_PROXY: proxy.url }),
    });
    expect(r.stderr).toMatch(/imported 4 of 4/);
    expect(r.code).toBe(0);
    expect(hub.findings()).toHaveLength(4);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`127.0.0.1:${hub.port}`]));
    expect(proxy.plain).toHaveLength(0);
    // Every request of the run went through a tunnel: the emulator saw them all, the proxy carried them.
    expect(hub.requests().some((q) => q.operation === 'GetCallerIdentity')).toBe(true);
  });

  it('https_proxy (lower case) is honoured too', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url], {
      env: env({ https_proxy: proxy.url }),
    });
    expect(r.code).toBe(0);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
  });

  it('NO_PROXY naming the endpoint host: no tunnel, the import still works', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url], {
      env: env({ HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }),
    });
    expect(r.code).toBe(0);
    expect(hub.findings()).toHaveLength(4);
    expect(proxy.tunnels).toHaveLength(0);
  });

  it('a proxy that cannot be reached is an access/configuration error (exit 4) naming the proxy settings', async () => {
    const r = await runCli(['import', NESSUS, '--endpoint-url', hub.url, '--account', '123456789012'], {
      env: env({ HTTPS_PROXY: 'http://127.0.0.1:1' }),
    });
    expect(r.code).toBe(4);
    expect(hub.findings()).toHaveLength(0);
  });
});
