import type { AccessKeyRule, EmulatorOperation } from './types.js';

/** What the SigV4 `Authorization` header tells about the caller (signatures are not verified). */
export interface SignatureScope {
  accessKeyId: string;
  /** Region of the credential scope, when present. */
  region?: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/[^/]*\/([^/]*)\//;

/** Reads the access key id and Region from `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request`. */
export function parseAuthorization(header: string | undefined): SignatureScope | undefined {
  if (header === undefined) return undefined;
  const match = CREDENTIAL.exec(header);
  if (match === null) return undefined;
  const accessKeyId = match[1] ?? '';
  const region = match[2] ?? '';
  return region === '' ? { accessKeyId } : { accessKeyId, region };
}

/** The resolved caller of a request. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'unknown'; accessKeyId: string }
  | {
      kind: 'known';
      accessKeyId: string;
      accountId: string;
      /** Security Hub operations this caller may not call. */
      denied: ReadonlySet<EmulatorOperation>;
    };

const NONE: ReadonlySet<EmulatorOperation> = new Set();
const ALL: ReadonlySet<EmulatorOperation> = new Set([
  'BatchImportFindings',
  'GetFindings',
  'BatchUpdateFindings',
]);

/** Settings {@link resolveCaller} needs. */
export interface CallerSettings {
  accountId: string;
  accessKeys: Readonly<Record<string, string | AccessKeyRule>>;
  rejectUnknownAccessKeys: boolean;
}

/** Maps an access key id to its account and access rule. */
export function resolveCaller(scope: SignatureScope | undefined, settings: CallerSettings): Caller {
  if (scope === undefined) return { kind: 'anonymous' };
  const { accessKeyId } = scope;
  const entry = Object.hasOwn(settings.accessKeys, accessKeyId)
    ? settings.accessKeys[accessKeyId]
    : undefined;
  if (entry === undefined) {
    return settings.rejectUnknownAccessKeys
      ? { kind: 'unknown', accessKeyId }
      : { kind: 'known', accessKeyId, accountId: settings.accountId, denied: NONE };
  }
  const rule: AccessKeyRule = typeof entry === 'string' ? { accountId: entry } : entry;
  if (rule.access === 'unknown') return { kind: 'unknown', accessKeyId };
  return {
    kind: 'known',
    accessKeyId,
    accountId: rule.accountId ?? settings.accountId,
    denied: rule.access === 'deny' ? ALL : new Set(rule.deny ?? []),
  };
}
