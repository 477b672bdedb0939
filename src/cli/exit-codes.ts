/** Process exit codes of the CLI (design.md "Exit codes"). */
export const EXIT = {
  /** Everything converted / imported. */
  OK: 0,
  /** `--fail-on` threshold met, or `validate` found invalid findings. */
  POLICY: 1,
  /** Bad input or usage. */
  INPUT: 2,
  /** Some findings were not imported (see the dead-letter file). */
  PARTIAL: 3,
  /** AWS access or configuration problem. */
  AWS: 4,
  /** A bug in asff-stream (please report it). */
  INTERNAL: 70,
  /** Interrupted by SIGINT/SIGTERM. */
  INTERRUPTED: 130,
} as const;

/** One of the exit codes above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
