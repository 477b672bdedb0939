import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Sends a restJson1 success body. */
export function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/**
 * Sends a restJson1 error: the `X-Amzn-Errortype` header the Smithy spec requires, and a body with the
 * modeled `Message` and `Code` members, `Code` holding the shape name so the SDK names the error right
 * even without the header (asff-facts §6.3).
 */
export function sendJsonError(res: ServerResponse, status: number, name: string, message: string): void {
  const text = JSON.stringify({ Message: message, Code: name });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': name,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends an awsQuery (STS) success document: `<{Action}Response><{Action}Result>…`. */
export function sendQueryResult(res: ServerResponse, action: string, fields: Record<string, string>): void {
  const members = Object.entries(fields)
    .map(([key, value]) => `<${key}>${escapeXml(value)}</${key}>`)
    .join('');
  const text =
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
    `<${action}Result>${members}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends an awsQuery (STS) error document, which the SDK names after `Error.Code`. */
export function sendQueryError(res: ServerResponse, status: number, code: string, message: string): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const text =
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
