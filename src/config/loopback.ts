/**
 * Is a host name or address this machine's loopback? `localhost`, 127.0.0.0/8, `::1` and the
 * IPv4-mapped `::ffff:127.x.x.x`. Anything else (0.0.0.0, a LAN address, a public name) can be
 * reached by someone other than this machine's own processes.
 */
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** `host` as it appears in DASHBOARD_HOST or in a URL's hostname (brackets around IPv6 allowed). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const name = bare.toLowerCase();
  if (name === 'localhost') return true;
  const family = isIP(name);
  if (family === 4) return loopback.check(name, 'ipv4');
  if (family === 6) return loopback.check(name, 'ipv6');
  return false;
}

/** The host name of a URL, without IPv6 brackets; '' when it is not a URL. */
export function hostnameOf(url: string): string {
  try {
    const { hostname } = new URL(url);
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  } catch {
    return '';
  }
}
