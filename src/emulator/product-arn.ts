/** The parts of a Security Hub product ARN `arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>`. */
export interface ProductArnParts {
  partition: string;
  region: string;
  /** Account segment; empty for AWS-owned and partner products. */
  accountId: string;
  company: string;
  product: string;
  /** True for the default custom-integration ARN `product/<account>/default`. */
  isDefault: boolean;
}

const PRODUCT_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):securityhub:([a-z0-9-]+):(\d{12}|):product\/([^/]+)\/([^/]+)$/;

/** Parses a product ARN; undefined when it is not one. */
export function parseProductArn(arn: string): ProductArnParts | undefined {
  const m = PRODUCT_ARN.exec(arn);
  if (m === null) return undefined;
  const [, partition = '', region = '', accountId = '', company = '', product = ''] = m;
  return {
    partition,
    region,
    accountId,
    company,
    product,
    isDefault: product === 'default' && accountId !== '' && company === accountId,
  };
}
