// Preloaded (`node --import`) into the process that runs the docs' code blocks: a connection to any host but
// loopback, and a name lookup of any name but a loopback one, fails at once, naming the host, instead of reaching
// the network (AWS, a registry, DNS).
import dns from 'node:dns';
import net from 'node:net';

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|localhost)$/i;
const connect = net.Socket.prototype.connect;

/** The host a `Socket#connect` call is for (`undefined` for a Unix socket). */
function hostOf(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect() passes its normalized [options, callback]
  if (typeof first === 'object' && first !== null)
    return first.path !== undefined ? undefined : (first.host ?? 'localhost');
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    const error = Object.assign(
      new Error(`connect to ${host} refused: code in the docs may reach loopback only`),
      {
        code: 'ECONNREFUSED',
      },
    );
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

// A name lookup is network traffic too (DNS): only loopback names resolve.
const lookup = dns.lookup;
dns.lookup = function lookupLoopbackOnly(hostname, ...rest) {
  if (!LOOPBACK.test(hostname)) {
    const callback = rest.at(-1);
    const error = Object.assign(
      new Error(`lookup of ${hostname} refused: code in the docs may reach loopback only`),
      {
        code: 'ENOTFOUND',
      },
    );
    if (typeof callback === 'function') process.nextTick(() => callback(error));
    return {};
  }
  return lookup.call(this, hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async (hostname, ...rest) => {
  if (!LOOPBACK.test(hostname))
    throw Object.assign(
      new Error(`lookup of ${hostname} refused: code in the docs may reach loopback only`),
      {
        code: 'ENOTFOUND',
      },
    );
  return lookupPromise.call(dns.promises, hostname, ...rest);
};
