/**
 * Security Hub / ASFF limits as named constants. Sources: `shared/reference/asff-facts.md` §0 and §2.2.
 * Sizes are counted in UTF-8 bytes of the serialized JSON and kept below the documented values, because
 * AWS does not say whether "KB" means 1000 or 1024 bytes.
 */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

export const MAX_ID_LENGTH = 512;
export const MAX_GENERATOR_ID_LENGTH = 512;
export const MAX_TITLE_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_REMEDIATION_TEXT_LENGTH = 512;
export const MAX_SEVERITY_ORIGINAL_LENGTH = 64;
export const MAX_PRODUCT_FIELDS = 50;
/** Security Hub adds a few `aws/securityhub/*` keys itself; keep headroom below 50. */
export const MAX_OWN_PRODUCT_FIELDS = 45;
export const MAX_PRODUCT_FIELD_KEY_LENGTH = 128;
export const MAX_PRODUCT_FIELD_VALUE_LENGTH = 2048;
export const MAX_DETAILS_OTHER_FIELDS = 50;
export const MAX_DETAILS_OTHER_KEY_LENGTH = 127;
export const MAX_DETAILS_OTHER_VALUE_LENGTH = 1023;
export const MAX_RESOURCES = 32;
export const MAX_RESOURCE_TYPE_LENGTH = 256;
export const MAX_TYPES = 50;
export const MAX_RELATED_FINDINGS = 10;
export const MAX_PRODUCT_NAME_LENGTH = 128;
export const MAX_REGION_LENGTH = 16;
export const MAX_COMPLIANCE_RELATED_REQUIREMENTS = 32;
/** No documented limit; these caps keep findings small and readable. */
export const MAX_REFERENCE_URLS = 20;
export const MAX_VULNERABILITIES = 20;
export const MAX_VULNERABLE_PACKAGES = 20;
export const MAX_CWES = 20;

/** `Types` entries must match this (asff-facts §0, from a service error message). */
export const TYPE_PATTERN = /^([^/]+)(\/[^/]+){0,2}$/;

/** 240 KB per finding. We aim at 240,000 bytes (the smaller reading) of serialized JSON. */
export const MAX_FINDING_BYTES = 240_000;
/** 6 MB per request; a conservative budget below both readings, with room for the envelope. */
export const MAX_BATCH_BYTES = 5_500_000;
/** Findings per BatchImportFindings request. */
export const MAX_BATCH_FINDINGS = 100;

/** BatchImportFindings quota: 10 requests/s sustained, burst 30, per account per Region. */
export const IMPORT_RATE_PER_SECOND = 10;
export const IMPORT_BURST = 30;
/** BatchImportFindings requests the sink keeps in flight at once (`--concurrency`). */
export const IMPORT_CONCURRENCY = 10;
/** GetFindings quota: 3 requests/s, burst 6. */
export const GET_FINDINGS_RATE_PER_SECOND = 3;
export const GET_FINDINGS_BURST = 6;

/** Appended to any text we shorten, so a reader can see it was cut. */
export const TRUNCATION_MARKER = '… [truncated]';

/** The timestamp pattern Security Hub accepts (asff-facts §2.3, CloudFormation DateFilter pattern). */
export const ASFF_TIMESTAMP_PATTERN =
  /^(\d\d\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:([01]\d|2[0-3]):[0-5]\d:[0-5]\d|23:59:60)(?:\.\d{1,9})?(Z|[+-]\d\d(:?\d\d)?)$/;
