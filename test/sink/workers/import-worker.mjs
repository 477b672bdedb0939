// One CI job for the Redis clustering test: imports COUNT findings of its own scope into the emulator at
// HUB_URL, sharing the account's request budget through REDIS_URL, then prints its report as one JSON line.
// Runs the built library (dist/), as a real process would; it must exit on its own (no process.exit), which
// proves the limiters disconnect from Redis.
import { importWithLifecycle } from '../../../dist/src/sink/lifecycle.js';

const { HUB_URL, REDIS_URL, WORKER, COUNT } = process.env;
const accountId = '123456789012';
const region = 'us-east-1';
const scope = `worker-${WORKER}`;
const now = new Date().toISOString();

function* findings() {
  for (let i = 0; i < Number(COUNT); i++) {
    yield {
      SchemaVersion: '2018-10-08',
      Id: `${scope}/test/${i}`,
      ProductArn: `arn:aws:securityhub:${region}:${accountId}:product/${accountId}/default`,
      GeneratorId: 'test/rule',
      AwsAccountId: accountId,
      CreatedAt: now,
      UpdatedAt: now,
      Title: `finding ${i} of ${scope}`,
      Description: 'a finding of the Redis clustering test',
      Severity: { Label: 'LOW', Original: 'low' },
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
      ProductFields: { 'asff-stream/scope': scope },
      Resources: [{ Type: 'Other', Id: `resource-${i}` }],
      RecordState: 'ACTIVE',
    };
  }
}

const report = await importWithLifecycle(findings(), {
  accountId,
  region,
  endpoint: HUB_URL,
  credentials: { accessKeyId: 'AKIDCLUSTERTEST', secretAccessKey: 'fake-secret' },
  redisUrl: REDIS_URL,
  archiveMissing: true,
  inputComplete: true,
  maxCount: 25,
});
process.stdout.write(`${JSON.stringify(report)}\n`);
