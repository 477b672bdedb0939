import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { SCOPE_PRODUCT_FIELD } from '../../src/asff/build.js';
import { encodeEntry, STATE_FORMAT, STATE_VERSION, type StateHeader } from '../../src/state/format.js';

export const ACCOUNT = '123456789012';
export const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
export const SCOPE = 'payments-api';
export const SCOPE_KEY = { productArn: PRODUCT, scope: SCOPE, accountId: ACCOUNT };

/** A finding of the test scope (or of `options.scope`), as the pipeline would make it. */
export function finding(
  n: number,
  options: { title?: string; at?: string; scope?: string } = {},
): AwsSecurityFinding {
  const at = options.at ?? '2026-12-01T10:00:00.000Z';
  const scope = options.scope ?? SCOPE;
  return {
    SchemaVersion: '2018-10-08',
    Id: `${scope}/csv/${String(n).padStart(8, '0')}`,
    ProductArn: PRODUCT,
    GeneratorId: 'test',
    AwsAccountId: ACCOUNT,
    CreatedAt: at,
    UpdatedAt: at,
    Title: options.title ?? `finding ${n}`,
    Description: 'd',
    Severity: { Label: 'LOW' },
    Types: ['Software and Configuration Checks'],
    Resources: [{ Type: 'Other', Id: `r${n}` }],
    RecordState: 'ACTIVE',
    ProductFields: { [SCOPE_PRODUCT_FIELD]: scope },
  };
}

/** Writes a valid state file of `count` entries (`n` from `first`), written at `writtenAt`. */
export async function writeStateFile(
  path: string,
  count: number,
  options: {
    first?: number;
    writtenAt?: string;
    revision?: string;
    complete?: boolean;
    /** Write it as the version before keys had sections (1): no `sections` in the header. */
    legacy?: boolean;
    scope?: string;
  } = {},
): Promise<void> {
  const scope = options.scope ?? SCOPE;
  const header: StateHeader = {
    format: STATE_FORMAT,
    version: options.legacy === true ? 1 : STATE_VERSION,
    key: { accountId: ACCOUNT, productArn: PRODUCT, scope },
    writtenAt: options.writtenAt ?? new Date().toISOString(),
    entries: count,
    revision: options.revision ?? `rev-${count}-${Math.random()}`,
    complete: options.complete ?? true,
    ...(options.legacy === true ? {} : { sections: 1 }),
  };
  const out = createWriteStream(path);
  out.write(`${JSON.stringify(header)}\n`);
  const now = Date.now();
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const n = (options.first ?? 0) + i;
    chunk += `${encodeEntry(finding(n, { scope }).Id as string, {
      fingerprint: n.toString(16).padStart(16, '1'),
      createdAt: now - 86_400_000,
      firstObservedAt: Number.NaN,
      lastSent: now - 3_600_000,
      archived: false,
    })}\n`;
    if (chunk.length > 65_536) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
