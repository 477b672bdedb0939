import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { runHubCommand } from '../../src/commands/hub.js';
import { finding } from '../emulator/helpers.js';

function capture(): { write(text: string): void; text(): string } {
  let out = '';
  return {
    write: (text) => {
      out += text;
    },
    text: () => out,
  };
}

async function waitForLine(stream: ReturnType<typeof capture>): Promise<string> {
  for (let i = 0; i < 200 && !stream.text().includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
  return stream.text().split('\n')[0] ?? '';
}

describe('asff-stream hub', () => {
  it('prints its URL, serves both clients with the given account and rate, and stops on the signal', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    const running = runHubCommand(
      ['--port', '0', '--account', '111122223333', '--rate', 'import=1/1', '--verbose'],
      { stdout, stderr, signal: controller.signal },
    );
    const url = await waitForLine(stdout);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const credentials = { accessKeyId: 'AKIDHUB', secretAccessKey: 'fake' };
    const sts = new STSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111122223333');
    sts.destroy();

    const hub = new SecurityHubClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const arn = 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default';
    const mine = (id: string) => finding(id, { ProductArn: arn, AwsAccountId: '111122223333' });
    await expect(hub.send(new BatchImportFindingsCommand({ Findings: [mine('a')] }))).resolves.toMatchObject({
      SuccessCount: 1,
    });
    await expect(hub.send(new BatchImportFindingsCommand({ Findings: [mine('b')] }))).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    hub.destroy();

    controller.abort();
    expect(await running).toBe(0);
    const lines = stderr.text().split('\n');
    expect(lines.filter((l) => l.startsWith('{"time"')).map((l) => JSON.parse(l).status)).toEqual([
      200, 200, 429,
    ]);
    expect(JSON.parse(lines.at(-2) ?? '{}')).toMatchObject({ stopped: true, requests: 3, throttled: 1 });
  });

  it('--deny KEY=GetFindings, --disabled-hub-answer and --get-findings-tokens reach the emulator', async () => {
    const stdout = capture();
    const controller = new AbortController();
    const running = runHubCommand(
      [
        '--port',
        '0',
        '--deny',
        'AKIDIMPORTONLY=GetFindings',
        '--disabled-account',
        '222233334444',
        '--access-key',
        'AKIDOFF=222233334444',
        '--disabled-hub-answer',
        'failed-findings',
        '--get-findings-tokens',
        'offset',
      ],
      { stdout, stderr: capture(), signal: controller.signal },
    );
    const url = await waitForLine(stdout);
    const client = (accessKeyId: string) =>
      new SecurityHubClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey: 'x' },
        maxAttempts: 1,
      });
    const importOnly = client('AKIDIMPORTONLY');
    await importOnly.send(new BatchImportFindingsCommand({ Findings: [finding('a'), finding('b')] }));
    await expect(importOnly.send(new GetFindingsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const reader = client('AKIDREADER');
    const first = await reader.send(new GetFindingsCommand({ MaxResults: 1 }));
    expect(JSON.parse(Buffer.from(first.NextToken ?? '', 'base64url').toString('utf8'))).toMatchObject({
      offset: 1,
    });
    const off = client('AKIDOFF');
    const arn = 'arn:aws:securityhub:us-east-1:222233334444:product/222233334444/default';
    const answer = await off.send(
      new BatchImportFindingsCommand({
        Findings: [finding('c', { ProductArn: arn, AwsAccountId: '222233334444' })],
      }),
    );
    expect(answer.FailedFindings?.[0]?.ErrorCode).toBe('InvalidAccess');
    for (const c of [importOnly, reader, off]) c.destroy();
    controller.abort();
    expect(await running).toBe(0);
  });

  it.each([
    [['--rate', 'import=fast']],
    [['--fault-5xx', '2']],
    [['--account', '12']],
    [['--no-such-flag']],
    [['--deny', 'KEY=Everything']],
    [['--get-findings-tokens', 'page']],
  ])('refuses %j with exit code 2 and the usage', async (argv) => {
    const stderr = capture();
    expect(await runHubCommand(argv, { stderr, stdout: capture(), signal: AbortSignal.abort() })).toBe(2);
    expect(stderr.text()).toContain('Usage: asff-stream hub');
  });
});

describe('asff-stream hub with the CLI signature', () => {
  it('takes the CLI abort signal as its second argument', async () => {
    const controller = new AbortController();
    const stdout = process.stdout.write;
    const lines: string[] = [];
    process.stdout.write = ((text: string) => lines.push(text) > 0) as typeof process.stdout.write;
    const stderrWrite = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const running = runHubCommand(['--port', '0'], controller.signal);
      for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      expect(await running).toBe(0);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderrWrite;
    }
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('exits 2 when the port is taken', async () => {
    const stderr = capture();
    const first = new AbortController();
    const out = capture();
    const running = runHubCommand(['--port', '0'], { stdout: out, stderr: capture(), signal: first.signal });
    const url = await waitForLine(out);
    const port = new URL(url).port;
    expect(
      await runHubCommand(['--port', port], { stdout: capture(), stderr, signal: AbortSignal.abort() }),
    ).toBe(2);
    expect(stderr.text()).toContain('cannot listen');
    first.abort();
    expect(await running).toBe(0);
  });
});
