import { partitionOf } from '../asff/build.js';
import { parseProductArn } from '../emulator/product-arn.js';
import { ConverterError } from '../errors.js';

/** Where the findings go: the account that owns them and the Region of the Security Hub they are imported into. */
export interface ImportTarget {
  accountId: string;
  region: string;
}

const ARN_SHAPE = 'arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>';

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
  const { accountId, region } = target;
  const partition = partitionOf(region);
  const yours = `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
  if (arn.region !== region)
    throw new ConverterError(
      'E_AWS_ACCESS',
      `--product-arn is for Region ${arn.region}, but the findings are imported into ${region}: pass --region ${arn.region}, or the product ARN of ${region} (the default one is ${yours})`,
    );
  if (arn.partition !== partition)
    throw new ConverterError(
      'E_AWS_ACCESS',
      `--product-arn is in partition ${arn.partition}, but Region ${region} is in ${partition}: use a product ARN of ${partition} (the default one is ${yours})`,
    );
  if (arn.product === 'default' && (arn.accountId !== accountId || arn.company !== accountId))
    throw new ConverterError(
      'E_AWS_ACCESS',
      `--product-arn is the default product of account ${arn.company}, but the findings belong to account ${accountId} (the credentials' account or --account): use ${yours}, or credentials of account ${arn.company}`,
    );
}
