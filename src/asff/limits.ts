/**
 * Security Hub / ASFF limits as named constants. Sources: `shared/reference/asff-facts.md` §0 and §2.2.
 * Sizes are counted in UTF-8 bytes of the serialized JSON and kept below the documented values, because
 * AWS does not say whether "KB" means 1000 or 1024 bytes.
 */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Longest finding `Id`, in characters. */
export const MAX_ID_LENGTH = 512;
/** Longest `GeneratorId`, in characters. */
export const MAX_GENERATOR_ID_LENGTH = 512;
/** Longest `Title`, in characters; `toAsff` cuts a longer one, ending it with `… [truncated]`. */
export const MAX_TITLE_LENGTH = 256;
/** Longest `Description`, in characters; `toAsff` cuts a longer one, ending it with `… [truncated]`. */
export const MAX_DESCRIPTION_LENGTH = 1024;
/** Longest `Remediation.Recommendation.Text`, in characters; a longer one is cut. */
export const MAX_REMEDIATION_TEXT_LENGTH = 512;
/** Longest `Severity.Original` (the scanner's own severity), in characters; a longer one is cut. */
export const MAX_SEVERITY_ORIGINAL_LENGTH = 64;
/** Most `ProductFields` entries a finding may have, Security Hub's own keys included. */
export const MAX_PRODUCT_FIELDS = 50;
/** Security Hub adds a few `aws/securityhub/*` keys itself; keep headroom below 50. */
export const MAX_OWN_PRODUCT_FIELDS = 45;
/** Longest `ProductFields` key, in characters. */
export const MAX_PRODUCT_FIELD_KEY_LENGTH = 128;
/** Longest `ProductFields` value, in characters. */
export const MAX_PRODUCT_FIELD_VALUE_LENGTH = 2048;
/** Most entries in one resource's `Details.Other` map. */
export const MAX_DETAILS_OTHER_FIELDS = 50;
/** Longest `Details.Other` key, in characters. */
export const MAX_DETAILS_OTHER_KEY_LENGTH = 127;
/** Longest `Details.Other` value, in characters. */
export const MAX_DETAILS_OTHER_VALUE_LENGTH = 1023;
/** Most `Resources` on one finding; `toAsff` keeps the first 32. */
export const MAX_RESOURCES = 32;
/** Longest `Resources[].Type`, in characters. */
export const MAX_RESOURCE_TYPE_LENGTH = 256;
/** Most `Types` entries on one finding; excess entries are dropped. */
export const MAX_TYPES = 50;
/** Most `RelatedFindings` entries on one finding. */
export const MAX_RELATED_FINDINGS = 10;
/** Longest `ProductName`, in characters. */
export const MAX_PRODUCT_NAME_LENGTH = 128;
/** Longest `Region` (and `Resources[].Region`), in characters. */
export const MAX_REGION_LENGTH = 16;
/** Most `Compliance.RelatedRequirements` entries; `toAsff` keeps the first 32. */
export const MAX_COMPLIANCE_RELATED_REQUIREMENTS = 32;
/** No documented limit; these caps keep findings small and readable. */
export const MAX_REFERENCE_URLS = 20;
/** Most `Vulnerabilities` kept on one finding (no documented limit); more give a `vulnerabilities-capped` issue. */
export const MAX_VULNERABILITIES = 20;
/** Most `Vulnerabilities[].VulnerablePackages` / `CodeVulnerabilities` kept per vulnerability (no documented limit). */
export const MAX_VULNERABLE_PACKAGES = 20;
/** Most CWE ids kept per code vulnerability (no documented limit). */
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
/** BatchImportFindings requests that may be sent at once after an idle spell (the token bucket's size). */
export const IMPORT_BURST = 30;
/** BatchImportFindings requests the sink keeps in flight at once (`--concurrency`). */
export const IMPORT_CONCURRENCY = 10;
/** GetFindings quota: 3 requests/s, burst 6. */
export const GET_FINDINGS_RATE_PER_SECOND = 3;
/** GetFindings requests that may be sent at once after an idle spell (the token bucket's size). */
export const GET_FINDINGS_BURST = 6;

/** Appended to any text we shorten, so a reader can see it was cut. */
export const TRUNCATION_MARKER = '… [truncated]';

/** The timestamp pattern Security Hub accepts (asff-facts §2.3, CloudFormation DateFilter pattern). */
export const ASFF_TIMESTAMP_PATTERN =
  /^(\d\d\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(?:([01]\d|2[0-3]):[0-5]\d:[0-5]\d|23:59:60)(?:\.\d{1,9})?(Z|[+-]\d\d(:?\d\d)?)$/;
