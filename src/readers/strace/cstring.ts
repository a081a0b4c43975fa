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
    return Buffer.from(bytes).toString('latin1');
  }
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
