import type { AwsSecurityFinding, BatchImportFindingsResponse } from '@aws-sdk/client-securityhub';
import {
  AccessDeniedException,
  InternalException,
  InvalidInputException,
  LimitExceededException,
  SecurityHubServiceException,
} from '@aws-sdk/client-securityhub';
import type { BatchImportClient } from '../../src/sink/client.js';

/** A minimal valid ASFF finding with this Id (`extra` merges over it). */
export function finding(id: string, extra: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
    GeneratorId: 'test/rule',
    AwsAccountId: '123456789012',
    CreatedAt: '2026-01-01T00:00:00.000Z',
    UpdatedAt: '2026-01-01T00:00:00.000Z',
    Title: `finding ${id}`,
    Description: 'a test finding',
    Severity: { Label: 'LOW' },
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    Resources: [{ Type: 'Other', Id: 'resource' }],
    ...extra,
  };
}

/** `count` findings with Ids `f-<start>` … */
export function findings(count: number, start = 0): AwsSecurityFinding[] {
  return Array.from({ length: count }, (_, i) => finding(`f-${start + i}`));
}

/** One request the fake received. */
/** An async input that counts how many findings were pulled from it (`state.pulled`). */
export function counted(items: Iterable<AwsSecurityFinding>) {
  const state = { pulled: 0 };
  async function* generate() {
    for (const item of items) {
      state.pulled += 1;
      yield item;
    }
  }
  return { state, input: generate() };
}

export interface FakeRequest {
  index: number;
  ids: string[];
  findings: AwsSecurityFinding[];
}

/** What the script returns for a request: a response, an error to throw, or undefined for "all imported". */
export type ScriptResult =
  | BatchImportFindingsResponse
  | Error
  | undefined
  | Promise<BatchImportFindingsResponse | Error | undefined>;

/** A scripted stand-in for `SecurityHubClient`: it records each request and answers with `script`. */
export class FakeSecurityHub implements BatchImportClient {
  readonly requests: FakeRequest[] = [];
  /** Distinct Ids accepted, with the finding last accepted for each. */
  readonly stored = new Map<string, AwsSecurityFinding>();
  private readonly script: (request: FakeRequest) => ScriptResult;

  constructor(script: (request: FakeRequest) => ScriptResult = () => undefined) {
    this.script = script;
  }

  async send(
    command: { input: { Findings?: AwsSecurityFinding[] } },
    options?: { abortSignal?: AbortSignal },
  ): Promise<BatchImportFindingsResponse> {
    const batch = command.input.Findings ?? [];
    const request: FakeRequest = {
      index: this.requests.length,
      ids: batch.map((f) => f.Id!),
      findings: batch,
    };
    this.requests.push(request);
    const pending = Promise.resolve(this.script(request));
    const signal = options?.abortSignal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<Error>((resolve) => {
      onAbort = () => resolve(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    const outcome = await Promise.race([pending, aborted]).finally(() =>
      signal?.removeEventListener('abort', onAbort!),
    );
    if (outcome instanceof Error) throw outcome;
    const response = outcome ?? { FailedCount: 0, SuccessCount: batch.length, FailedFindings: [] };
    const failed = new Set((response.FailedFindings ?? []).map((f) => f.Id));
    for (const f of batch) if (!failed.has(f.Id)) this.stored.set(f.Id!, f);
    return response;
  }
}

/** A response failing these Ids with this code (the rest imported). */
export function failing(
  batch: FakeRequest,
  ids: readonly string[],
  code: string,
  message = `${code} for test`,
) {
  const set = new Set(ids);
  return {
    FailedCount: set.size,
    SuccessCount: batch.ids.length - set.size,
    FailedFindings: batch.ids
      .filter((id) => set.has(id))
      .map((Id) => ({ Id, ErrorCode: code, ErrorMessage: message })),
  } satisfies BatchImportFindingsResponse;
}

const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: 'test',
  attempts: 1,
  totalRetryDelay: 0,
});

/** Errors shaped exactly as the SDK throws them. */
export const sdkErrors = {
  limitExceeded: () =>
    new LimitExceededException({
      message: 'Rate exceeded',
      $metadata: metadata(429),
      Code: 'LimitExceededException',
    }),
  tooManyRequests: () =>
    new SecurityHubServiceException({
      name: 'TooManyRequestsException',
      $fault: 'client',
      $metadata: metadata(429),
      message: 'Too Many Requests',
    }),
  internal: () =>
    new InternalException({
      message: 'Internal server error',
      $metadata: metadata(500),
      Code: 'InternalException',
    }),
  serviceUnavailable: () =>
    new SecurityHubServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: metadata(503),
      message: 'Service Unavailable',
    }),
  accessDenied: () =>
    new AccessDeniedException({
      message:
        'User: arn:aws:iam::123456789012:user/ci (key AKIAABCDEFGHIJKLMNOP) is not authorized to perform: securityhub:BatchImportFindings',
      $metadata: metadata(403),
      Code: 'AccessDeniedException',
    }),
  invalidInput: () =>
    new InvalidInputException({
      message: 'Finding does not adhere to Amazon Finding Format.',
      $metadata: metadata(400),
      Code: 'InvalidInputException',
    }),
  connectionReset: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  timeout: () => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' }),
};

/** A promise plus its resolver, to hold a fake request open until the test releases it. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
