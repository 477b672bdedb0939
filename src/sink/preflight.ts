import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { partitionOf } from '../asff/build.js';
import { type ProductArnParts, parseProductArn } from '../emulator/product-arn.js';
import { ConverterError } from '../errors.js';

/** Where the findings go: the account that owns them and the Region of the Security Hub they are imported into. */
export interface ImportTarget {
  accountId: string;
  region: string;
}

const ARN_SHAPE = 'arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>';

/** Failure code of the findings a product ARN mismatch left unsent (`ImportReport.failures`). */
export const PRODUCT_ARN_MISMATCH = 'product-arn-mismatch';

/** Why a product ARN cannot take findings into a target: what differs. */
type Mismatch =
  | { kind: 'region'; region: string }
  | { kind: 'partition'; partition: string; region: string }
  | { kind: 'account'; accountId: string };

/**
 * The one check behind the CLI's `--product-arn` preflight and the sink's: a product ARN of another Region or
 * partition, or the default product (`product/<account>/default`) of another account, would be refused for every
 * finding. A partner product ARN carries the partner's account, so only its Region and partition are checked.
 * What the target does not know (no Region, no account) is not checked.
 */
function mismatchOf(
  arn: ProductArnParts,
  target: { accountId?: string | undefined; region?: string | undefined },
): Mismatch | undefined {
  const { accountId, region } = target;
  if (region !== undefined && arn.region !== region) return { kind: 'region', region };
  if (region !== undefined && arn.partition !== partitionOf(region))
    return { kind: 'partition', partition: partitionOf(region), region };
  if (
    accountId !== undefined &&
    arn.product === 'default' &&
    (arn.accountId !== accountId || arn.company !== accountId)
  )
    return { kind: 'account', accountId };
  return undefined;
}

function defaultArnOf(accountId: string, region: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/**
 * Checks a product ARN given by the user (`--product-arn`) against the Region, partition and account of the
 * run, before any request: a mismatch would be refused for every finding of the run (and, before this check,
 * cost hundreds of requests). Throws `E_CONFIG` (exit 2) for a value that is no product ARN at all, and
 * `E_AWS_ACCESS` (exit 4, "AWS access or configuration problem") for a product ARN of another Region or
 * partition, or a default product ARN (`product/<account>/default`) of another account. Each message is one
 * line naming the fix. A partner product ARN carries the partner's account, so only its Region and partition
 * are checked.
 */
export function checkProductArn(productArn: string, target: ImportTarget): void {
  const arn = parseProductArn(productArn);
  if (arn === undefined)
    throw new ConverterError('E_CONFIG', `--product-arn "${productArn}" is not a product ARN (${ARN_SHAPE})`);
  const mismatch = mismatchOf(arn, target);
  if (mismatch === undefined) return;
  const { accountId, region } = target;
  const yours = defaultArnOf(accountId, region);
  const message =
    mismatch.kind === 'region'
      ? `--product-arn is for Region ${arn.region}, but the findings are imported into ${region}: pass --region ${arn.region}, or the product ARN of ${region} (the default one is ${yours})`
      : mismatch.kind === 'partition'
        ? `--product-arn is in partition ${arn.partition}, but Region ${region} is in ${mismatch.partition}: use a product ARN of ${mismatch.partition} (the default one is ${yours})`
        : `--product-arn is the default product of account ${arn.company}, but the findings belong to account ${accountId} (the credentials' account or --account): use ${yours}, or credentials of account ${arn.company}`;
  throw new ConverterError('E_AWS_ACCESS', message);
}

/**
 * The sink's product ARN check, for every caller of `importFindings`/`importWithLifecycle` (the CLI checks
 * `--product-arn` earlier with {@link checkProductArn}): each finding's `ProductArn` against the Region the findings
 * are imported into (the Region the client sends to, else the `region` option) and the account (the `accountId` option or
 * the credentials' account, else — with a client of your own and no `accountId` — the finding's own
 * `AwsAccountId`: a default product of another account is refused whoever calls). A Region that cannot be known is
 * not checked. A `ProductArn` that is no product ARN at all is left to Security Hub (a bad finding, not a bad run).
 */
export class ProductArnGuard {
  /** The last ProductArn (and account it was checked for) that passed: a run's findings share one. */
  private passed: { productArn: string; accountId: string | undefined } | undefined;

  private readonly target: { accountId?: string | undefined; region?: string | undefined };

  constructor(target: { accountId?: string | undefined; region?: string | undefined }) {
    this.target = target;
  }

  /** The error that must stop the run before this finding is sent, or `undefined`. */
  check(finding: AwsSecurityFinding): ConverterError | undefined {
    const productArn = finding.ProductArn;
    if (typeof productArn !== 'string') return undefined;
    const own = typeof finding.AwsAccountId === 'string' ? finding.AwsAccountId : undefined;
    const accountId = this.target.accountId ?? own;
    if (this.passed?.productArn === productArn && this.passed.accountId === accountId) return undefined;
    const arn = parseProductArn(productArn);
    if (arn === undefined) return undefined;
    const region = this.target.region;
    const mismatch = mismatchOf(arn, { accountId, region });
    if (mismatch === undefined) {
      this.passed = { productArn, accountId };
      return undefined;
    }
    const account = accountId ?? arn.company;
    const where = region ?? arn.region;
    const yours = defaultArnOf(account, where);
    const subject = `the findings' ProductArn ${productArn}`;
    const message =
      mismatch.kind === 'region'
        ? `${subject} is for Region ${arn.region}, but they are imported into ${where}: import them into ${arn.region}, or convert them with the product ARN of ${where} (the default one is ${yours}).`
        : mismatch.kind === 'partition'
          ? `${subject} is in partition ${arn.partition}, but Region ${where} is in ${mismatch.partition}: convert them with a product ARN of ${mismatch.partition} (the default one is ${yours}).`
          : `${subject} is the default product of account ${arn.company}, but the findings belong to account ${account} (${this.target.accountId !== undefined ? "the credentials' account or accountId" : 'their AwsAccountId'}): convert them with ${yours}, or import them with credentials of account ${arn.company}.`;
    return new ConverterError('E_AWS_ACCESS', message);
  }
}
