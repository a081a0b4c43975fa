/**
 * Endpoint text in one form for both sides of a correlation: tcpdump's
 * `ip.port` ("127.0.0.1.48132", "::1.8080"). strace writes `ip:port`
 * (-yy and sockaddr structs, via the fd table) and `[ip6]:port`; an
 * IPv4-mapped IPv6 address (`[::ffff:127.0.0.1]:80`) travels as IPv4 on the
 * wire, so it becomes the IPv4 form tcpdump prints for those packets.
 */

export interface Endpoint {
  /** Address as inet_ntop prints it (both strace and tcpdump use it). */
  ip: string;
  port: number;
}

const WILDCARD = new Set(['0.0.0.0', '::']);

/** "127.0.0.1:80", "[::1]:8080", "127.0.0.1.80", "::1.8080" → endpoint; undefined for anything else (unix paths, "?" ports). */
export function parseEndpoint(text: string | undefined): Endpoint | undefined {
  if (!text) return undefined;
  let ip: string, port: string;
  let m = /^\[([0-9A-Fa-f:.%\w]+)\]:(\d+)$/.exec(text);
  if (m) { ip = m[1]!; port = m[2]!; }
  else if ((m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(text))) { ip = m[1]!; port = m[2]!; }
  else if ((m = /^(\d{1,3}(?:\.\d{1,3}){3})\.(\d+)$/.exec(text))) { ip = m[1]!; port = m[2]!; }
  else if ((m = /^([0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)\.(\d+)$/.exec(text))) { ip = m[1]!; port = m[2]!; }
  else return undefined;
  ip = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (mapped) ip = mapped[1]!;
  return { ip, port: Number(port) };
}

/** The tcpdump form: "127.0.0.1.80", "::1.8080". */
export function endpointText(e: Endpoint): string {
  return `${e.ip}.${e.port}`;
}

/**
 * The form people write for reports and track names: "10.0.0.1:80",
 * "[::1]:8080"; text that is no IP endpoint (a host alone, a MAC address) as it is.
 */
export function displayEndpoint(text: string | undefined): string | undefined {
  const e = parseEndpoint(text);
  if (!e) return text;
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Normalise any accepted form to tcpdump's; undefined when not an IP endpoint. */
export function normalizeEndpoint(text: string | undefined): string | undefined {
  const e = parseEndpoint(text);
  return e ? endpointText(e) : undefined;
}

export function isWildcard(e: Endpoint): boolean {
  return WILDCARD.has(e.ip);
}

/** A socket's side (possibly a wildcard bind address or port 0) against a connection's concrete side. */
export function endpointMatches(sock: Endpoint | undefined, conn: Endpoint | undefined): boolean {
  if (!sock) return true;
  if (!conn) return false;
  if (sock.port !== 0 && sock.port !== conn.port) return false;
  return isWildcard(sock) || sock.ip === conn.ip;
}

/** Fully known: a concrete address and a non-zero port. */
export function isConcrete(e: Endpoint | undefined): e is Endpoint {
  return e !== undefined && e.port !== 0 && !isWildcard(e);
}
