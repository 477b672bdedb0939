import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { isConverterError } from '../../src/errors.js';
import { convert } from '../../src/pipeline.js';
import { importFindings } from '../../src/sink/import.js';
import { importWithLifecycle, type LifecycleReport } from '../../src/sink/lifecycle.js';
import { assertBalanced, type ImportReport } from '../../src/sink/report.js';
import { ACCOUNT, finding, hubClient, REGION } from '../emulator/helpers.js';

// The product ARN preflight for library users (docs/import.md, "Product ARN"): `importFindings` and
// `importWithLifecycle` check the findings' ProductArn against the Region they are imported into and the
// account before any request, as the `import` command checks `--product-arn`. Real SDK clients, the emulator
// over loopback.

const CREDENTIALS = { accessKeyId: 'AKIDPRODUCTARN', secretAccessKey: 'fake-secret' };
const OTHER_REGION = 'eu-west-1';
const OTHER_REGION_ARN = `arn:aws:securityhub:${OTHER_REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
const OTHER_ACCOUNT_ARN = `arn:aws:securityhub:${REGION}:210987654321:product/210987654321/default`;
const PARTNER_ARN = `arn:aws:securityhub:${REGION}:979326520502:product/aquasecurity/aquasecurity`;
const TRIVY = 'fixtures/demo/trivy-image.json';

let hub: RunningEmulator | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** The demo Trivy scan converted as a library user would, with the product ARN given. */
function converted(productArn: string) {
  return convert(TRIVY, { accountId: ACCOUNT, region: REGION, scope: 'acme/shop', productArn });
}

/** The error a run ended with, and its report (`error.report`), which must balance. */
async function failure(run: Promise<unknown>): Promise<{ message: string; report: ImportReport }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConverterError(error)) throw new Error(`expected a ConverterError, got ${String(error)}`);
  expect(error.code).toBe('E_AWS_ACCESS');
  const report = error.report as ImportReport;
  expect(report).toBeDefined();
  assertBalanced(report);
  expect(report.received).toBe(
    report.imported + report.unchanged + report.failed + report.skipped + report.unknown,
  );
  return { message: error.message, report };
}

const requests = (operation: string) => hub!.requests().filter((r) => r.operation === operation).length;

describe('importFindings: the findings’ product ARN against the target, before any request', () => {
  it('a product ARN of another Region: E_AWS_ACCESS before any BatchImportFindings, report balanced on error.report', async () => {
    hub = await startEmulator();
    const { message, report } = await failure(
      importFindings(converted(OTHER_REGION_ARN), {
        endpoint: hub.url,
        region: REGION,
        credentials: CREDENTIALS,
        accountId: ACCOUNT,
      }),
    );
    // Before: every finding was sent (the emulator, like the service's documentation, has no Region rule).
    expect(requests('BatchImportFindings')).toBe(0);
    expect(hub.findings()).toHaveLength(0);
    expect(message).toMatch(
      new RegExp(
        `ProductArn ${OTHER_REGION_ARN} is for Region ${OTHER_REGION}, but they are imported into ${REGION}`,
      ),
    );
    expect(message).not.toContain('\n');
    expect(report).toMatchObject({
      received: 1,
      imported: 0,
      failed: 1,
      unsent: 1,
      deadLettered: 0,
      requests: 0,
      failures: { 'product-arn-mismatch': 1 },
    });
  });

  it("with a client of your own: the client's Region is the target", async () => {
    hub = await startEmulator();
    const client = hubClient(hub, { accessKeyId: CREDENTIALS.accessKeyId });
    try {
      await failure(importFindings(converted(OTHER_REGION_ARN), { client, accountId: ACCOUNT }));
    } finally {
      client.destroy();
    }
    expect(requests('BatchImportFindings')).toBe(0);
  });

  it("a client of your own in another Region than the `region` option: the client's Region counts (it sends there)", async () => {
    hub = await startEmulator();
    const client = hubClient(hub, { accessKeyId: CREDENTIALS.accessKeyId, region: OTHER_REGION });
    let message: string;
    try {
      ({ message } = await failure(
        importFindings([finding('a')], { client, region: REGION, accountId: ACCOUNT }),
      ));
    } finally {
      client.destroy();
    }
    expect(requests('BatchImportFindings')).toBe(0);
    expect(message).toMatch(
      new RegExp(`is for Region ${REGION}, but they are imported into ${OTHER_REGION}`),
    );
  });

  it("no account known (a client of your own, no accountId): another account's default product is refused by the finding's own AwsAccountId", async () => {
    hub = await startEmulator();
    const client = hubClient(hub, { accessKeyId: CREDENTIALS.accessKeyId });
    let message: string;
    try {
      ({ message } = await failure(importFindings(converted(OTHER_ACCOUNT_ARN), { client })));
    } finally {
      client.destroy();
    }
    // Before: one request, refused as a whole (AccessDeniedException), then the run stopped.
    expect(requests('BatchImportFindings')).toBe(0);
    expect(message).toMatch(
      /default product of account 210987654321, but the findings belong to account 123456789012 \(their AwsAccountId\)/,
    );
  });

  it('the right product ARN of a partner in the same Region, and the default one, still import', async () => {
    hub = await startEmulator({ enabledProductArns: [PARTNER_ARN] });
    const client = hubClient(hub, { accessKeyId: CREDENTIALS.accessKeyId });
    try {
      const report = await importFindings([finding('a'), finding('b', { ProductArn: PARTNER_ARN })], {
        client,
      });
      expect(report).toMatchObject({ received: 2, imported: 2 });
    } finally {
      client.destroy();
    }
    expect(requests('BatchImportFindings')).toBe(1);
  });
});

describe('importWithLifecycle: the same check, before the scope is read', () => {
  it('--archive-missing with a product ARN of another Region: no GetFindings, no BatchImportFindings, balanced', async () => {
    hub = await startEmulator();
    const { report } = await failure(
      importWithLifecycle(converted(OTHER_REGION_ARN), {
        endpoint: hub.url,
        region: REGION,
        credentials: CREDENTIALS,
        accountId: ACCOUNT,
        productArn: OTHER_REGION_ARN,
        archiveMissing: true,
      }),
    );
    expect(requests('GetFindings')).toBe(0);
    expect(requests('BatchImportFindings')).toBe(0);
    expect(report as LifecycleReport).toMatchObject({
      received: 1,
      failed: 1,
      unsent: 1,
      failures: { 'product-arn-mismatch': 1 },
    });
  });
});
