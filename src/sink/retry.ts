/**
 * Pure classification of BatchImportFindings failures and the backoff delay. No I/O, no clock: the sink
 * decides what to do with the answer. Sources: asff-facts.md §1.3 (modeled and observed request errors),
 * §1.4 (what the AWS SDK treats as throttling or transient) and §4 (FailedFindings codes).
 */

import { redactCredentials } from '../asff/text.js';

/**
 * What a failed request means for the findings in it.
 * - `throttled`: the service's bucket is empty; re-send later, never a failure.
 * - `transient`: a 5xx, a timeout or a dropped connection; re-send with backoff, within the retry budget.
 * - `access`: credentials, permissions or Security Hub itself are not set up; nothing will succeed, stop.
 * - `invalid-input`: the request was rejected as a whole; some finding in it is bad, find which.
 * - `aborted`: the run was aborted and the request cancelled.
 * - `unknown`: anything else; treated like `transient` until the budget runs out.
 */
export type RequestFailureKind =
  | 'throttled'
  | 'transient'
  | 'access'
  | 'invalid-input'
  | 'aborted'
  | 'unknown';

/**
 * What a `FailedFindings` entry means for its finding.
 * - `permanent`: this finding is bad; dead-letter it.
 * - `access`: the account or the integration is not set up (`InvalidAccess`: Security Hub or the product
 *   integration not enabled; `AccessDenied`): every finding will fail the same way; stop at once.
 * - `transient`: the service failed this finding this time; retry.
 * - `unknown`: anything else; retried like `transient`.
 */
export type FindingFailureKind = 'transient' | 'permanent' | 'access' | 'unknown';

/** Error names the SDK counts as throttling (smithy `THROTTLING_ERROR_CODES`), plus Security Hub's own. */
export const THROTTLING_ERROR_NAMES = [
  'LimitExceededException',
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
] as const;

/** Error names that mean "the credentials or the account are not set up for this call". */
export const ACCESS_ERROR_NAMES = [
  'AccessDeniedException',
  'AccessDenied',
  'InvalidAccessException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationTokenException',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'ExpiredTokenException',
  'ExpiredToken',
  'CredentialsProviderError',
  'TokenProviderError',
  'UnauthorizedException',
] as const;

/** Node/undici network error codes that mean "the connection failed; the request may be re-sent". */
export const TRANSIENT_NETWORK_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
] as const;

/** Error names that mean a timeout or a dropped connection (smithy `TRANSIENT_ERROR_CODES`). */
export const TRANSIENT_ERROR_NAMES = [
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
] as const;

/**
 * `FailedFindings` codes worth another attempt. Security Hub documents no full list (asff-facts §4); these
 * are the service-side and concurrency codes of the BatchUpdateFindings list plus the usual throttling names.
 */
export const TRANSIENT_FINDING_CODES = [
  'InternalFailure',
  'InternalException',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Throttling',
  'ThrottlingException',
  'LimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
  'ConcurrentUpdateError',
  'ConcurrentModification',
] as const;

/** `FailedFindings` codes that will fail again however often the finding is sent: dead-letter at once. */
export const PERMANENT_FINDING_CODES = [
  'InvalidInput',
  'InvalidInputException',
  'FindingSizeExceeded',
  'DuplicatedFindingIdentifier',
] as const;

/**
 * `FailedFindings` codes that say the account, not the finding, is wrong (asff-facts §4: `InvalidAccess` when
 * Security Hub or the product's integration is not enabled): the run stops, nothing is dead-lettered.
 */
export const ACCESS_FINDING_CODES = [
  'InvalidAccess',
  'InvalidAccessException',
  'AccessDenied',
  'AccessDeniedException',
] as const;

const THROTTLING = new Set<string>(THROTTLING_ERROR_NAMES);
const ACCESS = new Set<string>(ACCESS_ERROR_NAMES);
const TRANSIENT_NAMES = new Set<string>(TRANSIENT_ERROR_NAMES);
const TRANSIENT_CODES = new Set<string>(TRANSIENT_NETWORK_CODES);
const TRANSIENT_FINDING = new Set<string>(TRANSIENT_FINDING_CODES);
const PERMANENT_FINDING = new Set<string>(PERMANENT_FINDING_CODES);
const ACCESS_FINDING = new Set<string>(ACCESS_FINDING_CODES);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

/** The HTTP status the SDK recorded on a service error, when there is one. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = asErrorLike(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The short code that names a failure: the service error name (`LimitExceededException`), else the Node
 * error code (`ECONNRESET`), else the error name. Used as the dead-letter `errorCode` and in `failures`.
 */
export function errorCodeOf(error: unknown): string {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (name !== undefined && name !== 'Error' && name !== 'SecurityHubServiceException') return name;
  if (code !== undefined) return code;
  const status = httpStatusOf(error);
  if (status !== undefined) return `HTTP${status}`;
  return name ?? 'UnknownError';
}

function networkCodeOf(error: unknown, depth = 0): string | undefined {
  const e = asErrorLike(error);
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return e.code;
  return depth < 3 && e.cause !== undefined ? networkCodeOf(e.cause, depth + 1) : undefined;
}

/**
 * Classifies an error thrown by `client.send(BatchImportFindingsCommand)`. Order matters: an aborted request
 * is never "transient", and a 429 is throttling whatever its name (the SDK's rule).
 */
export function classifyRequestError(error: unknown): RequestFailureKind {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const status = httpStatusOf(error);
  if (name === 'AbortError') return 'aborted';
  if (status === 429 || THROTTLING.has(name) || e.$retryable?.throttling === true) return 'throttled';
  if (ACCESS.has(name) || status === 401 || status === 403) return 'access';
  // The SDK throws a plain Error with this message when no region is configured: a configuration problem.
  if (/^Region is missing/.test(message)) return 'access';
  if (name === 'InvalidInputException' || status === 413) return 'invalid-input';
  if (TRANSIENT_NAMES.has(name) || networkCodeOf(error) !== undefined) return 'transient';
  if (status !== undefined && status >= 500) return 'transient';
  if (/socket hang up|ECONNRESET|network socket disconnected/i.test(message)) return 'transient';
  return 'unknown';
}

/** Classifies the `ErrorCode` of one `FailedFindings` entry. */
export function classifyFindingError(code: string | undefined): FindingFailureKind {
  if (code === undefined || code === '') return 'unknown';
  if (PERMANENT_FINDING.has(code)) return 'permanent';
  if (ACCESS_FINDING.has(code)) return 'access';
  if (TRANSIENT_FINDING.has(code) || /^Throttl/.test(code) || /^LimitExceeded/.test(code)) return 'transient';
  return 'unknown';
}

/** Options of {@link retryDelay}. */
export interface RetryDelayOptions {
  /**
   * Delay scale of the first retry, in ms.
   * @defaultValue 100 (the SDK's base delay)
   */
  baseMs?: number;
  /**
   * Upper bound of any delay, in ms.
   * @defaultValue 20000 (the SDK's maximum)
   */
  capMs?: number;
}

/**
 * Full-jitter exponential backoff: a uniformly random delay in `[0, min(cap, base × 2^retry))`, the scheme of
 * the AWS SDK and of the "Exponential Backoff And Jitter" AWS architecture note. `retry` is 0 for the first
 * retry. `random` is injectable so tests can pin it.
 */
export function retryDelay(
  retry: number,
  options: RetryDelayOptions = {},
  random: () => number = Math.random,
) {
  const base = options.baseMs ?? 100;
  const cap = options.capMs ?? 20_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, Math.min(retry, 30)));
  return Math.floor(random() * ceiling);
}

const ACCESS_KEY_PATTERN = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;

/**
 * Removes anything that looks like an AWS key id (access keys, role and user ids) from a message meant for logs or
 * the dead letter, plus what the finding-level redaction removes (secret keys, session tokens, private keys).
 */
export function redactSecrets(message: string): string {
  return redactCredentials(message.replace(ACCESS_KEY_PATTERN, '[redacted]'));
}

/** A one-line message for an access or configuration failure, naming the likely fix. */
export function accessHint(error: unknown): string {
  const e = asErrorLike(error);
  const name = errorCodeOf(error);
  const detail =
    redactSecrets(typeof e.message === 'string' ? e.message : String(error)).split('\n')[0] ?? '';
  const hint = ACCESS_HINTS[name] ?? accessHintByStatus(httpStatusOf(error), detail);
  return `${name}: ${detail}${detail.endsWith('.') ? '' : '.'} ${hint}`;
}

/**
 * A one-line message for a `FailedFindings` entry that says the account is not set up (see
 * {@link ACCESS_FINDING_CODES}), naming the fix.
 */
export function findingAccessHint(code: string, message: string, productArn: string | undefined): string {
  const detail = redactSecrets(message).split('\n')[0] ?? '';
  const product = productArn ?? 'arn:aws:securityhub:<region>:<account>:product/<account>/default';
  const fix = /^AccessDenied/.test(code)
    ? `Grant securityhub:BatchImportFindings on ${product}, and check that --account is the account of the credentials.`
    : `Security Hub, or the integration of product ${product}, is not enabled in this account and Region: enable Security Hub (\`aws securityhub enable-security-hub\`) and the integration (\`aws securityhub enable-import-findings-for-product --product-arn ${product}\`), or pick the right --region / --product-arn.`;
  return `${code}: ${detail}${detail === '' || detail.endsWith('.') ? '' : '.'} ${fix}`;
}

function accessHintByStatus(status: number | undefined, detail: string): string {
  if (/^Region is missing/.test(detail)) return 'Set a region with --region or AWS_REGION.';
  if (status === 401) return ACCESS_HINTS.InvalidAccessException!;
  return ACCESS_HINTS.AccessDeniedException!;
}

const CREDENTIALS_HINT =
  'No usable AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` / `aws sso login`.';
const INVALID_CREDENTIALS_HINT =
  'The credentials were rejected: check that the keys are current and belong to this partition, or that --endpoint-url is right.';
const EXPIRED_HINT =
  'The session token has expired: refresh the credentials (e.g. `aws sso login`) and run again.';

const ACCESS_HINTS: Record<string, string> = {
  AccessDeniedException:
    'Grant securityhub:BatchImportFindings on arn:aws:securityhub:<region>:<account>:product/<account>/default, and check that --account is the account of the credentials.',
  AccessDenied:
    'Grant securityhub:BatchImportFindings on arn:aws:securityhub:<region>:<account>:product/<account>/default, and check that --account is the account of the credentials.',
  InvalidAccessException:
    'Security Hub is not enabled in this account and Region: enable it (`aws securityhub enable-security-hub --region <region>`) or pick the right --region.',
  UnrecognizedClientException: INVALID_CREDENTIALS_HINT,
  InvalidClientTokenId: INVALID_CREDENTIALS_HINT,
  InvalidSignatureException: INVALID_CREDENTIALS_HINT,
  SignatureDoesNotMatch: INVALID_CREDENTIALS_HINT,
  IncompleteSignature: INVALID_CREDENTIALS_HINT,
  MissingAuthenticationTokenException: CREDENTIALS_HINT,
  MissingAuthenticationToken: CREDENTIALS_HINT,
  CredentialsProviderError: CREDENTIALS_HINT,
  TokenProviderError: CREDENTIALS_HINT,
  UnauthorizedException: INVALID_CREDENTIALS_HINT,
  ExpiredTokenException: EXPIRED_HINT,
  ExpiredToken: EXPIRED_HINT,
};
