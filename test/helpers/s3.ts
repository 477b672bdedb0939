import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A throwaway S3-compatible server (s3rver) on a loopback port. */
export interface TestS3 {
  /** `http://127.0.0.1:<port>`: pass it as `--state-endpoint-url`. */
  url: string;
  /** A bucket that exists. */
  bucket: string;
  /** Credentials s3rver accepts (it checks signatures). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** PutObject requests by answer: `ok` (200), `precondition` (412) and `failed` (injected 503). */
  puts: { ok: number; precondition: number; failed: number };
  /** The next this-many PutObject requests are answered 503 SlowDown (a fault S3 does send). */
  failNextPuts: number;
  stop(): Promise<void>;
}

/**
 * Starts s3rver 3.7.1 on 127.0.0.1 with a bucket. s3rver predates S3's conditional writes (2024), so a
 * thin layer in front of its routes adds them as S3 documents them: a PutObject with `If-None-Match: *`
 * when the object exists, or with `If-Match: <ETag>` when the object's ETag is another (or there is no
 * object), is refused with 412 PreconditionFailed. Puts of one key are serialized, so check and write
 * are atomic, as in S3. Everything else is s3rver's own handling (signatures, storage, ETags).
 */
export async function startS3({ bucket = 'asff-state' }: { bucket?: string } = {}): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'asff-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const puts = { ok: 0, precondition: 0, failed: 0 };
  const faults = { failNextPuts: 0 };
  const queues = new Map<string, Promise<unknown>>();
  const conditional = async (ctx: Context, next: Next) => {
    const ifMatch = ctx.get('if-match');
    const ifNoneMatch = ctx.get('if-none-match');
    if (ctx.method === 'PUT' && faults.failNextPuts > 0) {
      faults.failNextPuts -= 1;
      puts.failed += 1;
      ctx.status = 503;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      return;
    }
    if (ctx.method !== 'PUT' || (ifMatch === '' && ifNoneMatch === '')) return next();
    const [, bucketName = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const previous = queues.get(ctx.path) ?? Promise.resolve();
    const turn = previous.then(async () => {
      const current = await (ctx.app as { store: Store }).store
        .getMetadata(bucketName, key)
        .then((metadata) => metadata.etag as string)
        .catch(() => undefined);
      const refused =
        (ifNoneMatch === '*' && current !== undefined) ||
        (ifMatch !== '' && (current === undefined || strip(current) !== strip(ifMatch)));
      if (refused) {
        puts.precondition += 1;
        ctx.status = 412;
        ctx.type = 'application/xml';
        ctx.body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>';
        return;
      }
      await next();
      if (ctx.status === 200) puts.ok += 1;
    });
    queues.set(
      ctx.path,
      turn.catch(() => {}),
    );
    await turn;
  };
  (server as unknown as { middleware: unknown[] }).middleware.unshift(conditional);
  const address = (await server.run()) as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    puts,
    get failNextPuts() {
      return faults.failNextPuts;
    },
    set failNextPuts(n: number) {
      faults.failNextPuts = n;
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The part of a Koa context the layer uses (s3rver is a Koa app). */
interface Context {
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
  app: unknown;
  get(header: string): string;
}
type Next = () => Promise<void>;

interface Store {
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
}

function strip(etag: string): string {
  return etag.replace(/"/g, '');
}
