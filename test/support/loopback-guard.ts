/**
 * Loaded before every test file: any attempt to connect somewhere other than loopback fails
 * the connection at once AND fails the test file, so a credential-chain probe (IMDS at
 * 169.254.169.254, GCP metadata, login.microsoftonline.com) or a stray URL cannot go unnoticed.
 */
import net from 'node:net';
import dns from 'node:dns';
import { afterAll, expect } from 'vitest';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;
export const refusedConnections: string[] = [];

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string | undefined;
  let host: string | undefined;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    if (first.path) return (originalConnect as Function).apply(this, args);
    host = first.host ?? 'localhost';
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  } else if (typeof first === 'string') {
    return (originalConnect as Function).apply(this, args); // unix socket path
  }
  if (host !== undefined && !LOOPBACK.test(host)) {
    refusedConnections.push(host);
    const err = Object.assign(new Error(`loopback guard: connection to ${host} refused in tests`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return (originalConnect as Function).apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalLookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (!LOOPBACK.test(hostname)) refusedConnections.push(`dns:${hostname}`);
  return (originalLookup as Function).call(dns, LOOPBACK.test(hostname) ? hostname : 'invalid.invalid', ...rest);
};

afterAll(() => {
  expect(refusedConnections, 'non-loopback connections attempted').toEqual([]);
});
