import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { partitionOf } from '../asff/build.js';
import type { Caller } from './auth.js';
import { sendQueryError, sendQueryResult } from './wire.js';

/**
 * STS over the awsQuery protocol (form body `Action=GetCallerIdentity&Version=2011-06-15`, XML answer).
 * GetCallerIdentity needs no permission in AWS, so a `deny` key still gets its identity. Returns the status.
 */
export function answerSts(
  res: ServerResponse,
  form: URLSearchParams,
  caller: Caller,
  region: string,
): number {
  const action = form.get('Action') ?? '';
  if (caller.kind === 'anonymous') {
    sendQueryError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    return 403;
  }
  if (caller.kind === 'unknown') {
    sendQueryError(
      res,
      403,
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
    );
    return 403;
  }
  if (action !== 'GetCallerIdentity') {
    sendQueryError(res, 400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
    return 400;
  }
  const userId = `AIDA${createHash('sha256').update(caller.accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;
  sendQueryResult(res, 'GetCallerIdentity', {
    UserId: userId,
    Account: caller.accountId,
    Arn: `arn:${partitionOf(region)}:iam::${caller.accountId}:user/asff-stream-emulator`,
  });
  return 200;
}
