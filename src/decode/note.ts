/** Notes on a packet event, shared by the capture decoders and the tcpdump text reader. */
import type { PacketEvent } from '../model/events.js';

export function note(ev: PacketEvent, text: string): void {
  (ev.notes ??= []).push(text);
}

/** The bytes stopped inside `layer`'s header: tcpdump's `[|layer]` mark. */
export function truncated(ev: PacketEvent, layer: string): void {
  ev.truncated = true;
  note(ev, `[|${layer}]`);
}
