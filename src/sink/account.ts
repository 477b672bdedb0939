import { ConverterError } from '../errors.js';
import type { ClientOptions } from './client.js';
import { requestHandlerOptions } from './http.js';
import { accessHint, classifyRequestError, errorCodeOf, redactSecrets } from './retry.js';

/**
 * The account id of the current credentials, from STS GetCallerIdentity (needs no IAM permission), for
 * `import` without `--account`. `@aws-sdk/client-sts` is loaded here, on first use. Any failure is an
 * access or configuration problem: `ConverterError('E_AWS_ACCESS')` with a hint how to fix it.
 * `endpoint` is the STS endpoint; without it the SDK's settings decide (`AWS_ENDPOINT_URL_STS`,
 * `AWS_ENDPOINT_URL`, the shared config file's `services` section), never Security Hub's `--endpoint-url`.
 */
export async function callerAccountId(options: Omit<ClientOptions, 'client'> = {}): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    maxAttempts: 3,
    requestHandler: await requestHandlerOptions(options.requestTimeoutMs ?? 30_000),
  });
  try {
    const { Account } = await client.send(new GetCallerIdentityCommand({}));
    if (Account === undefined || !/^\d{12}$/.test(Account))
      throw new ConverterError(
        'E_AWS_ACCESS',
        `STS GetCallerIdentity returned no account id; pass --account`,
      );
    return Account;
  } catch (error) {
    if (error instanceof ConverterError) throw error;
    const message =
      classifyRequestError(error) === 'access'
        ? accessHint(error)
        : `cannot ask STS for the account of the current credentials (${errorCodeOf(error)}: ${redactSecrets(
            error instanceof Error ? error.message : String(error),
          )}); pass --account, or check AWS_ENDPOINT_URL_STS, --region, the proxy settings and the network`;
    throw new ConverterError('E_AWS_ACCESS', message, { cause: error });
  } finally {
    client.destroy();
  }
}
