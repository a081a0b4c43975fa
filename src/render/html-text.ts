/**
 * Untrusted trace text in HTML. Everything a trace says — paths, request
 * bodies, headers, file names given on the command line — is escaped as
 * text; nothing from a trace is ever placed in a tag, an attribute name, a
 * URL or a script. Control characters are made visible first, as on the
 * terminal, so a NUL or an escape sequence shows as what it is.
 */
import { visible } from './terminal.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and quoted attribute values alike. */
export function esc(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** An id or class built from our own names (finding ids, lane ids): only characters that need no escaping anywhere. */
export function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
