import type { Agent } from 'node:http';

/** The proxy settings the AWS CLI reads, upper and lower case (`NO_PROXY`/`no_proxy` exclude hosts). */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/** Options of the SDK's `NodeHttpHandler`, as a client's `requestHandler` takes them. */
export interface RequestHandlerOptions {
  requestTimeout: number;
  connectionTimeout: number;
  httpAgent?: Agent;
  httpsAgent?: Agent;
}

/** True when the environment names a proxy. */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

/**
 * The `requestHandler` options of every AWS client asff-stream creates (Security Hub, STS). With a proxy in the
 * environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, any case), both agents are one `proxy-agent`
 * `ProxyAgent`: it picks the proxy for each request's URL from those variables and honours `NO_PROXY`, as the
 * AWS CLI does (HTTPS endpoints tunnel through `CONNECT`). Without one, the SDK's own agents are kept.
 * `proxy-agent` is loaded only when a proxy is configured.
 */
export async function requestHandlerOptions(
  requestTimeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RequestHandlerOptions> {
  const options: RequestHandlerOptions = { requestTimeout: requestTimeoutMs, connectionTimeout: 10_000 };
  if (!proxyConfigured(env)) return options;
  const { ProxyAgent } = await import('proxy-agent');
  // keepAlive and 50 sockets: what the SDK's own agents use.
  const agent = new ProxyAgent({ keepAlive: true, maxSockets: 50 });
  return { ...options, httpAgent: agent, httpsAgent: agent };
}
