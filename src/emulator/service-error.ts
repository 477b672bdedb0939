/** HTTP status of every error shape the emulator returns (Smithy `httpError` traits, asff-facts §6.3). */
export const ERROR_STATUS = {
  InvalidInputException: 400,
  InvalidAccessException: 401,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  MissingAuthenticationTokenException: 403,
  ResourceNotFoundException: 404,
  RequestEntityTooLargeException: 413,
  LimitExceededException: 429,
  InternalException: 500,
} as const;

/** Name of an error shape the emulator can return. */
export type ServiceErrorName = keyof typeof ERROR_STATUS;

/** A whole-request failure, turned into a restJson1 error response by the server. */
export class ServiceError extends Error {
  override readonly name: ServiceErrorName;
  readonly status: number;

  constructor(name: ServiceErrorName, message: string) {
    super(message);
    this.name = name;
    this.status = ERROR_STATUS[name];
  }
}
