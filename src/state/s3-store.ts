import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConverterError } from '../errors.js';
import { classifyRequestError, errorCodeOf, redactSecrets, retryDelay } from '../sink/retry.js';
import type { StateStore, StateStoreOptions } from './store.js';

/**
 * A state in an S3 object (`s3://bucket/key`). Reads remember the object's ETag; writes are conditional
 * (`If-Match: <ETag>`, or `If-None-Match: *` when there was no object), so a write that would replace
 * another run's newer state is refused (412) and the caller merges and tries again. An object is
 * replaced whole by S3, so a crash mid-upload leaves the previous state.
 */
export function s3StateStore(location: string, options: StateStoreOptions): StateStore {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (match === null) throw new ConverterError('E_CONFIG', `--state ${location}: expected s3://bucket/key`);
  const [, bucket, key] = match as unknown as [string, string, string];
  const client = new S3Client({
    region: options.region,
    followRegionRedirects: true,
    // The SDK's default (a trailing checksum, aws-chunked upload) is not understood by every S3-compatible
    // server; S3 itself checks the upload either way (Content-Length, TLS).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK does not retry a streamed upload and would print a warning of its own on each refusal (412
    // is an expected answer here): retries are ours (see `put`), messages are the report's.
    logger: SILENT_LOGGER,
    ...(options.s3Endpoint !== undefined ? { endpoint: options.s3Endpoint, forcePathStyle: true } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });
  return {
    location,
    async fetch(localPath) {
      let response: GetObjectCommandOutput;
      try {
        response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        const code = errorCodeOf(error);
        if (code === 'NoSuchKey' || code === 'NotFound') return undefined;
        throw s3Error('read', location, error);
      }
      try {
        await pipeline(response.Body as Readable, createWriteStream(localPath));
      } catch (error) {
        throw s3Error('read', location, error);
      }
      return response.ETag;
    },
    async put(localPath, expected) {
      const { size } = await stat(localPath);
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: createReadStream(localPath),
              ContentLength: size,
              ContentType: 'application/x-ndjson',
              ...(expected !== undefined ? { IfMatch: expected } : { IfNoneMatch: '*' }),
            }),
          );
          return { ok: true, version: response.ETag ?? '' };
        } catch (error) {
          const code = errorCodeOf(error);
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || status === 412)
            return { ok: false };
          const kind = classifyRequestError(error);
          // 5xx, SlowDown, resets: a conditional write is safe to repeat (it cannot overwrite a newer state).
          if ((kind === 'transient' || kind === 'throttled') && attempt < PUT_RETRIES) {
            await sleep(retryDelay(attempt, { baseMs: 200, capMs: 5_000 }));
            continue;
          }
          throw s3Error('write', location, error);
        }
      }
    },
  };
}

/** Retries of a PutObject that failed for a transient reason. */
const PUT_RETRIES = 4;

const SILENT_LOGGER = { debug() {}, info() {}, warn() {}, error() {} };

function s3Error(action: 'read' | 'write', location: string, error: unknown): ConverterError {
  const detail = redactSecrets(error instanceof Error ? error.message : String(error)).split('\n')[0];
  return new ConverterError(
    'E_AWS_ACCESS',
    `cannot ${action} the state ${location}: ${errorCodeOf(error)}: ${detail} (needs s3:GetObject and s3:PutObject on it)`,
    { cause: error },
  );
}
