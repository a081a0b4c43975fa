/**
 * strace prints buffers as C string literals: printable ASCII as is, the
 * usual escapes (\n \t \r \v \f \" \\), other bytes as octal (\0, \377) or,
 * with -x/-xx, as \xHH. The escapes stand for bytes, so decoding builds
 * bytes first and reads them as UTF-8 when they are valid UTF-8 (a
 * Chinese page in seed 000) and as Latin-1 otherwise (binary data), so no
 * byte is lost either way.
 */

const SIMPLE: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27, '"': 34, '\\': 92, "'": 39, '?': 63 };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeCString(body: string): string {
  if (body.indexOf('\\') < 0) return body;
  const bytes = cStringBytes(body);
  try {
    return utf8.decode(bytes);
  } catch {
    // -s limits and iovec boundaries cut multi-byte characters at either end: decode the
    // middle as UTF-8 and mark each cut end with one U+FFFD.
    const lead = leadingContinuation(bytes);
    const trail = trailingIncomplete(bytes);
    if (lead + trail < bytes.length) {
      try {
        const mid = utf8.decode(bytes.subarray(lead, bytes.length - trail));
        return (lead ? '\ufffd' : '') + mid + (trail ? '\ufffd' : '');
      } catch {
        // not text: fall through
      }
    }
    return Buffer.from(bytes).toString('latin1');
  }
}

function leadingContinuation(b: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < b.length && (b[i]! & 0xc0) === 0x80) i++;
  return i;
}

/** Bytes of a multi-byte sequence left incomplete at the end. */
function trailingIncomplete(b: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const x = b[b.length - back]!;
    if ((x & 0xc0) === 0x80) continue;
    const need = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** The bytes a C string body denotes. Characters above 0x7f in the body (from a UTF-8 log) keep their UTF-8 bytes. */
export function cStringBytes(body: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch !== 92) {
      if (ch < 0x80) out.push(ch);
      else for (const b of Buffer.from(body[i]!, 'utf8')) out.push(b);
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) { out.push(92); break; }
    if (next === 'x' && /[0-9a-fA-F]/.test(body[i + 2] ?? '')) {
      let j = i + 2;
      let v = 0;
      while (j < body.length && j < i + 4 && /[0-9a-fA-F]/.test(body[j]!)) v = v * 16 + parseInt(body[j++]!, 16);
      out.push(v & 0xff);
      i = j - 1;
    } else if (next >= '0' && next <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < body.length && j < i + 4 && body[j]! >= '0' && body[j]! <= '7') v = v * 8 + (body.charCodeAt(j++) - 48);
      out.push(v & 0xff);
      i = j - 1;
    } else if (next in SIMPLE) {
      out.push(SIMPLE[next]!);
      i++;
    } else {
      // An unknown escape is kept literally rather than guessed at.
      out.push(92, next.charCodeAt(0) & 0xff);
      i++;
    }
  }
  return Uint8Array.from(out);
}
