import { describe, expect, it } from 'vitest';
import {
  accessHint,
  classifyFindingError,
  classifyRequestError,
  errorCodeOf,
  type FindingFailureKind,
  type RequestFailureKind,
  redactSecrets,
  retryDelay,
} from '../../src/sink/retry.js';
import { sdkErrors } from '../helpers/fake-security-hub.js';

const named = (name: string, status?: number, message = name) =>
  Object.assign(
    new Error(message),
    { name },
    status === undefined ? {} : { $metadata: { httpStatusCode: status } },
  );
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyRequestError', () => {
  it.each<[string, unknown, RequestFailureKind]>([
    ['LimitExceededException 429 (SDK class)', sdkErrors.limitExceeded(), 'throttled'],
    ['TooManyRequestsException 429 (not modeled)', sdkErrors.tooManyRequests(), 'throttled'],
    ['ThrottlingException without status', named('ThrottlingException'), 'throttled'],
    ['any error with HTTP 429', named('SomethingElse', 429), 'throttled'],
    [
      '$retryable.throttling',
      Object.assign(new Error('x'), { $retryable: { throttling: true } }),
      'throttled',
    ],
    ['InternalException 500 (SDK class)', sdkErrors.internal(), 'transient'],
    ['ServiceUnavailable 503', sdkErrors.serviceUnavailable(), 'transient'],
    ['unnamed 502', named('Error', 502), 'transient'],
    ['ECONNRESET socket hang up', sdkErrors.connectionReset(), 'transient'],
    ['TimeoutError', sdkErrors.timeout(), 'transient'],
    ['ECONNREFUSED', coded('ECONNREFUSED'), 'transient'],
    [
      'EPIPE wrapped as cause',
      Object.assign(new Error('fetch failed'), { cause: coded('EPIPE') }),
      'transient',
    ],
    ['AccessDeniedException 403 (SDK class)', sdkErrors.accessDenied(), 'access'],
    ['InvalidAccessException 401', named('InvalidAccessException', 401), 'access'],
    ['UnrecognizedClientException 403', named('UnrecognizedClientException', 403), 'access'],
    ['ExpiredTokenException', named('ExpiredTokenException', 400), 'access'],
    ['CredentialsProviderError (no credentials)', named('CredentialsProviderError'), 'access'],
    ['unnamed 403', named('Error', 403), 'access'],
    ['Region is missing', new Error('Region is missing'), 'access'],
    ['InvalidInputException 400 (SDK class)', sdkErrors.invalidInput(), 'invalid-input'],
    ['413 request too large', named('RequestEntityTooLargeException', 413), 'invalid-input'],
    ['AbortError', named('AbortError'), 'aborted'],
    ['a 400 nobody knows', named('SerializationException', 400), 'unknown'],
    ['a plain TypeError', new TypeError('x is not a function'), 'unknown'],
    ['not an error at all', 'boom', 'unknown'],
  ])('%s → %s', (_, error, kind) => {
    expect(classifyRequestError(error)).toBe(kind);
  });
});

describe('classifyFindingError', () => {
  it.each<[string | undefined, FindingFailureKind]>([
    ['InternalFailure', 'transient'],
    ['InternalException', 'transient'],
    ['ServiceUnavailable', 'transient'],
    ['ThrottlingException', 'transient'],
    ['Throttled', 'transient'],
    ['LimitExceeded', 'transient'],
    ['ConcurrentUpdateError', 'transient'],
    ['InvalidInput', 'permanent'],
    ['InvalidAccess', 'access'],
    ['AccessDenied', 'access'],
    ['FindingSizeExceeded', 'permanent'],
    ['DuplicatedFindingIdentifier', 'permanent'],
    ['SomethingNew', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%s → %s', (code, kind) => {
    expect(classifyFindingError(code)).toBe(kind);
  });
});

describe('retryDelay (full jitter)', () => {
  it.each([
    [0, 0.5, 50],
    [1, 0.5, 100],
    [3, 0.5, 400],
    [3, 0, 0],
    [3, 0.999, 799],
    [20, 0.5, 10_000], // capped at 20 s
    [-1, 0.5, 50],
  ])('retry %i with random %f → %i ms', (retry, random, expected) => {
    expect(retryDelay(retry, { baseMs: 100, capMs: 20_000 }, () => random)).toBe(expected);
  });

  it('uses the SDK defaults (base 100 ms, cap 20 s)', () => {
    expect(retryDelay(2, {}, () => 0.999_999)).toBe(399);
    expect(retryDelay(1_000, {}, () => 0.999_999)).toBe(19_999);
  });
});

describe('errorCodeOf', () => {
  it.each([
    [sdkErrors.limitExceeded(), 'LimitExceededException'],
    [sdkErrors.connectionReset(), 'ECONNRESET'],
    [named('Error', 502), 'HTTP502'],
    [new Error('plain'), 'Error'],
    ['text', 'UnknownError'],
  ])('%s → %s', (error, code) => {
    expect(errorCodeOf(error)).toBe(code);
  });
});

describe('accessHint and redaction', () => {
  it('names the fix and never repeats an access key id', () => {
    const hint = accessHint(sdkErrors.accessDenied());
    expect(hint).toMatch(/^AccessDeniedException: /);
    expect(hint).toMatch(/Grant securityhub:BatchImportFindings/);
    expect(hint).not.toMatch(/AKIA/);
  });

  it.each([
    ['InvalidAccessException', /enable-security-hub/],
    ['CredentialsProviderError', /aws configure/],
    ['ExpiredTokenException', /expired/],
    ['UnrecognizedClientException', /rejected/],
  ])('%s gets its own hint', (name, hint) => {
    expect(accessHint(named(name))).toMatch(hint);
  });

  it('redacts long-term and temporary key ids', () => {
    expect(redactSecrets('keys AKIAIOSFODNN7EXAMPLE and ASIAIOSFODNN7EXAMPLE')).toBe(
      'keys [redacted] and [redacted]',
    );
  });

  it('redacts secret keys and private keys as the finding-level redaction does', () => {
    const message = redactSecrets(
      'bad aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in config',
    );
    expect(message).not.toContain('wJalrXUtnFEMI');
    expect(message).toContain('aws_secret_access_key=[REDACTED]');
  });
});
