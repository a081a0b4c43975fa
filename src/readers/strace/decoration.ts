/**
 * Meaning of a -y/-yy fd decoration (the text between `<` and `>`).
 *
 *   /etc/passwd                         a path (-y)
 *   /tmp/x (deleted)                    an unlinked file still open
 *   /dev/null<char 1:3>                 a device with its numbers (-yy)
 *   pipe:[1234]  socket:[5678]          kernel objects named by inode (-y)
 *   TCP:[127.0.0.1:80->10.0.0.2:5555]   a connected socket (-yy)
 *   TCP:[127.0.0.1:8000]                a bound/listening socket (-yy)
 *   TCPv6:[[::1]:80->[::1]:4242]        IPv6 endpoints in brackets
 *   UNIX-STREAM:[1234->5678]  UNIX-STREAM:[1234,"/run/x.sock"]  UDP:[…]  NETLINK:[ROUTE:123]
 *   anon_inode:[eventfd]  anon_inode:inotify
 */
import type { FdInfo, FdType } from '../../model/events.js';
import { decodeCString } from './cstring.js';

export type Decoded = Omit<FdInfo, 'fd' | 'origin'>;

const SOCKET_PROTO = /^([A-Z][A-Z0-9_]*(?:v6)?(?:-[A-Z]+)?|[A-Z]+):\[(.*)\]$/s;

export function parseDecoration(text: string): Decoded {
  if (text.startsWith('/')) return pathDecoration(text);
  if (text.startsWith('pipe:[')) return { type: 'pipe', path: text };
  if (text.startsWith('anon_inode:')) return { type: 'anon', path: text };
  // --decode-fds=pidfd: a pidfd whose process is still there.
  if (text.startsWith('pid:')) return { type: 'anon', path: text };
  if (text.startsWith('socket:[')) return { type: 'socket', path: text };
  const m = SOCKET_PROTO.exec(text);
  if (m) {
    const proto = m[1]!;
    const inner = m[2]!;
    const d: Decoded = { type: 'socket', proto };
    // `UDP:[50335]`: only the inode, before the socket has an address.
    if (/^\d+$/.test(inner)) {
      d.path = text;
      return d;
    }
    const arrow = endpointArrow(inner);
    if (arrow >= 0) {
      d.local = endpoint(inner.slice(0, arrow));
      d.peer = endpoint(inner.slice(arrow + 2));
    } else if (inner !== '') d.local = endpoint(inner);
    return d;
  }
  // Relative paths appear in some old -y outputs; anything else is kept as text.
  return { type: 'unknown', path: text };
}

function pathDecoration(text: string): Decoded {
  let path = text;
  let type: FdType = 'file';
  const d: Decoded = { type };
  // -yy on devices: `/dev/null<char 1:3>`; the bracket rule already matched the nesting.
  const dev = /<(char|block) (\d+):(\d+)>$/.exec(path);
  if (dev) {
    path = path.slice(0, dev.index);
    d.type = 'device';
  }
  if (path.endsWith(' (deleted)')) {
    path = path.slice(0, -10);
    d.deleted = true;
  }
  d.path = path.indexOf('\\') >= 0 ? decodeCString(path) : path;
  return d;
}

/** The `->` between two endpoints, skipping over `[::1]` brackets and quoted names. */
function endpointArrow(inner: string): number {
  let depth = 0;
  for (let i = 0; i < inner.length - 1; i++) {
    const c = inner[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '"') {
      i++;
      while (i < inner.length && inner[i] !== '"') i += inner[i] === '\\' ? 2 : 1;
    } else if (depth === 0 && c === '-' && inner[i + 1] === '>') return i;
  }
  return -1;
}

/** An endpoint as text; a UNIX endpoint `1234,"/run/x.sock"` (inode, path) is named by its path. */
function endpoint(s: string): string {
  const q = s.indexOf('"');
  if (q < 0) return s;
  const end = s.lastIndexOf('"');
  const path = decodeCString(s.slice(q + 1, end > q ? end : undefined));
  return s.charCodeAt(0) === 64 /* @ */ || s.slice(q - 1, q) === '@' ? '@' + path : path;
}
