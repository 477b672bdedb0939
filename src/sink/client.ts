import type {
  AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchImportFindingsResponse,
  SecurityHubClient,
  SecurityHubClientConfig,
} from '@aws-sdk/client-securityhub';
import { requestHandlerOptions } from './http.js';

/**
 * The part of `SecurityHubClient` the sink uses. Pass your own (or a fake in tests); it receives a
 * `BatchImportFindingsCommand` whose `input.Findings` is the batch.
 */
export interface BatchImportClient {
  /**
   * Sends one BatchImportFindings request; called once per attempt (the sink paces, retries and counts attempts
   * itself). Rejects for a failed request; per-finding failures come back in `FailedFindings`.
   */
  send(
    command: BatchImportFindingsCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<BatchImportFindingsResponse>;
}

/** How the sink reaches Security Hub when it creates the client itself. */
export interface ClientOptions {
  /** A client to use instead of creating one (it is not destroyed at the end). */
  client?: BatchImportClient;
  /**
   * Region; when absent, the SDK's chain decides (AWS_REGION, profile…). The findings' `ProductArn` must be of the
   * Region the client sends to (with a `client` of your own, its Region), else the run stops before sending
   * (docs/import.md, "In the sink").
   */
  region?: string;
  /** Endpoint URL, e.g. the local emulator `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Credentials or a provider; when absent, the SDK's default chain. */
  credentials?: SecurityHubClientConfig['credentials'];
  /**
   * Per-request timeout in ms (a timed-out request is retried like a dropped connection).
   * @defaultValue 30000
   */
  requestTimeoutMs?: number;
}

/** Sends one batch; resolves with the service's answer or rejects with the SDK's error. */
export type SendBatch = (
  findings: AwsSecurityFinding[],
  signal: AbortSignal,
) => Promise<BatchImportFindingsResponse>;

/** A batch sender plus how to release what it holds. */
export interface BatchSender {
  send: SendBatch;
  close(): void;
  /** The Region the client sends to, when it says (a `SecurityHubClient` does); `undefined` otherwise. */
  region?: () => Promise<string | undefined>;
}

/**
 * The Region a client sends to: `config.region` of a `SecurityHubClient` (a value or the SDK's provider, which
 * resolves the SDK's chain: AWS_REGION, the profile…); `undefined` for a client that does not say, or when the
 * chain finds none (the first request then fails with the SDK's own error).
 */
export async function regionOfClient(client: unknown): Promise<string | undefined> {
  const region = (client as { config?: { region?: unknown } } | null)?.config?.region;
  try {
    const value = typeof region === 'function' ? await (region as () => unknown)() : region;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the batch sender. The SDK is loaded here, with a dynamic `import()`, so that the CLI does not pay
 * its ~140 ms load time unless it talks to AWS. A client the sink creates has `maxAttempts: 1`: every
 * attempt then goes through our limiter, which paces and counts it (the SDK's own retries would happen
 * under the limiter, unpaced and invisible; with its default of 3 attempts one throttled batch could cost 3
 * requests of the budget while the limiter counted 1).
 */
export async function createBatchSender(options: ClientOptions): Promise<BatchSender> {
  const sdk = await import('@aws-sdk/client-securityhub');
  const Command = sdk.BatchImportFindingsCommand;
  if (options.client !== undefined) {
    const client = options.client;
    return {
      send: (Findings, abortSignal) => client.send(new Command({ Findings }), { abortSignal }),
      close() {},
      region: () => regionOfClient(client),
    };
  }
  const client = await createSecurityHubClient(options);
  return {
    send: (Findings, abortSignal) => client.send(new Command({ Findings }), { abortSignal }),
    close: () => client.destroy(),
    region: () => regionOfClient(client),
  };
}

/**
 * The `SecurityHubClient` asff-stream creates: `maxAttempts: 1` (see {@link createBatchSender}), `endpoint`
 * only when given (`--endpoint-url`; otherwise the SDK's `AWS_ENDPOINT_URL_SECURITYHUB`, `AWS_ENDPOINT_URL`
 * or shared-config `services` setting applies), and the proxy from the environment ({@link requestHandlerOptions}).
 */
export async function createSecurityHubClient(
  options: Omit<ClientOptions, 'client'>,
): Promise<SecurityHubClient> {
  const sdk = await import('@aws-sdk/client-securityhub');
  return new sdk.SecurityHubClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestHandler: await requestHandlerOptions(options.requestTimeoutMs ?? 30_000),
  });
}

/** A sender that accepts everything without sending (dry runs). */
export function dryRunSender(): BatchSender {
  return {
    send: async (findings) => ({ FailedCount: 0, SuccessCount: findings.length, FailedFindings: [] }),
    close() {},
  };
}
