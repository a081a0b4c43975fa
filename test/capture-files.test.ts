/**
 * The capture-file container readers (pcap through pcap-parser, pcapng our
 * own) over every capture in ../shared/corpus and over files built here to
 * hit each rule: frame counts against tcpdump's, libpcap's header
 * rejections, exact timestamps, cut-short and corrupted files, and that
 * how the input is chunked never changes the result.
 *
 * Expected counts come from `tcpdump -# -n -r` (4.99.3 / libpcap 1.10.3)
 * run over each file while writing this test; CI has no tcpdump, so they
 * are data below.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureError, type CaptureItem, type CaptureNote, type RawFrame } from '../src/readers/capture/frame.js';
import { parsePcapHeader, readPcap } from '../src/readers/capture/pcap.js';
import { readPcapng } from '../src/readers/capture/pcapng.js';
import { MICROSECONDS, NANOSECONDS, pcapngStamp, resolutionFromTsresol, type Resolution, type Stamp } from '../src/readers/capture/timestamp.js';
import { LINK_TYPES, linkTypeName, linkTypeText, maxSnaplenForLinkType } from '../src/knowledge/link-types.js';
import { CORPUS } from './helpers/corpus.js';

// ---------------------------------------------------------------------------
// Helpers

interface ReadResult {
  frames: RawFrame[];
  notes: CaptureNote[];
  items: CaptureItem[];
  error?: CaptureError;
  batches: number;
}

function isPcapng(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;
}

async function* chunksOf(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
}

/** Read `bytes` as the caller would (format by magic), in chunks of `chunk` bytes. Only CaptureError may escape the reader. */
async function read(bytes: Buffer, chunk = 1 << 20, format: 'pcap' | 'pcapng' = isPcapng(bytes) ? 'pcapng' : 'pcap'): Promise<ReadResult> {
  const r: ReadResult = { frames: [], notes: [], items: [], batches: 0 };
  try {
    for await (const batch of (format === 'pcapng' ? readPcapng : readPcap)(chunksOf(bytes, chunk))) {
      r.batches++;
      for (const it of batch) {
        r.items.push(it);
        if (it.kind === 'frame') r.frames.push(it);
        else r.notes.push(it);
      }
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    expect(r.items).toEqual([]); // a CaptureError comes before anything is yielded
    r.error = e;
  }
  return r;
}

/** A comparable form of an item (data as hex). */
function plain(it: CaptureItem): unknown {
  return it.kind === 'frame' ? { ...it, data: Buffer.from(it.data).toString('hex') } : it;
}

function corpusFile(rel: string): Buffer {
  const b = readFileSync(join(CORPUS, rel));
  return rel.endsWith('.gz') ? gunzipSync(b) : b;
}

/** Every capture file in the corpus (not the .txt/.out/.md/.tsv beside them). */
function captureFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(n)) out.push(relative(CORPUS, p));
    }
  };
  for (const d of ['tcpdump/captures', 'zeek/captures', 'wireshark/captures', 'pcapng-test-generator', 'libpcap/captures', 'generated-local/net']) walk(join(CORPUS, d));
  return out;
}

// Builders for files made to order.

interface PcapRecord { sec: number; frac: number; data: Buffer; caplen?: number; len?: number }

function pcapFile(h: { le?: boolean; magic?: number; major?: number; minor?: number; snaplen?: number; linkType?: number }, records: PcapRecord[]): Buffer {
  const le = h.le ?? true;
  const parts: Buffer[] = [];
  const hdr = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const w16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  w32(hdr, h.magic ?? 0xa1b2c3d4, 0);
  w16(hdr, h.major ?? 2, 4);
  w16(hdr, h.minor ?? 4, 6);
  w32(hdr, h.snaplen ?? 262144, 16);
  w32(hdr, h.linkType ?? 1, 20);
  parts.push(hdr);
  for (const r of records) {
    const rh = Buffer.alloc(16);
    w32(rh, r.sec, 0);
    w32(rh, r.frac, 4);
    w32(rh, r.caplen ?? r.data.length, 8);
    w32(rh, r.len ?? r.data.length, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

type Opt = [code: number, value: Buffer];

/** A pcapng writer: blocks in the byte order of the current section. */
class Ng {
  private parts: Buffer[] = [];
  private le = true;
  /** Offsets of the blocks written, in order. */
  offsets: number[] = [];
  private size = 0;

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }
  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }
  private pad(b: Buffer): Buffer {
    return b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b;
  }
  opts(list: Opt[]): Buffer {
    if (!list.length) return Buffer.alloc(0);
    return Buffer.concat([...list.flatMap(([c, v]) => [this.u16(c), this.u16(v.length), this.pad(v)]), this.u16(0), this.u16(0)]);
  }
  /** A raw block: type, body (padded), total length in header and trailer (overridable). */
  block(type: number, body: Buffer, over: { len?: number; trailer?: number } = {}): this {
    const b = this.pad(body);
    const len = 12 + b.length;
    const out = Buffer.concat([this.u32(type), this.u32(over.len ?? len), b, this.u32(over.trailer ?? over.len ?? len)]);
    this.offsets.push(this.size);
    this.parts.push(out);
    this.size += out.length;
    return this;
  }
  shb(le = true, version: [number, number] = [1, 0]): this {
    this.le = le;
    return this.block(0x0a0d0d0a, Buffer.concat([this.u32(0x1a2b3c4d), this.u16(version[0]), this.u16(version[1]), Buffer.alloc(8, 0xff)]));
  }
  idb(linkType: number, snaplen = 0, options: Opt[] = []): this {
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snaplen), this.opts(options)]));
  }
  epb(ifid: number, ts: bigint, data: Buffer, o: { caplen?: number; len?: number; options?: Opt[] } = {}): this {
    return this.block(6, Buffer.concat([this.u32(ifid), this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn)), this.u32(o.caplen ?? data.length), this.u32(o.len ?? data.length), this.pad(data), this.opts(o.options ?? [])]));
  }
  pb(ifid: number, ts: bigint, data: Buffer, options: Opt[] = []): this {
    return this.block(2, Buffer.concat([this.u16(ifid), this.u16(7), this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn)), this.u32(data.length), this.u32(data.length), this.pad(data), this.opts(options)]));
  }
  spb(len: number, data: Buffer): this {
    return this.block(3, Buffer.concat([this.u32(len), data]));
  }
  flags(v: number): Opt {
    return [2, this.u32(v)];
  }
  i64(v: bigint): Buffer {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigInt64LE(v);
    else b.writeBigInt64BE(v);
    return b;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const bytes = (n: number, fill = 0xab) => Buffer.alloc(n, fill);

// ---------------------------------------------------------------------------
// Every capture file in the corpus

/** Packets tcpdump 4.99.3 prints for each file (`tcpdump -# -n -r`; 0 when it refuses the file). */
const TCPDUMP_COUNT: Record<string, number> = {
  'generated-local/net/tcp-udp-any.pcap': 52,
  'generated-local/net/tcp-udp-lo-nano.pcap': 52,
  'generated-local/net/tcp-udp-lo.pcap': 52,
  'generated-local/net/tcp-udp-lo.pcapng': 52,
  'libpcap/captures/linktype-reserved-field-not-zero.pcap': 0,
  'libpcap/captures/pcap-invalid-version-1.pcap': 0,
  'libpcap/captures/pcap-invalid-version-2.pcap': 0,
  'libpcap/captures/pcapng-invalid-vers-1.pcapng': 0,
  'libpcap/captures/pcapng-invalid-vers-2.pcapng': 0,
  'libpcap/captures/rarp_req_reply.pcapng': 2,
  'libpcap/captures/shb-option-too-long.pcapng': 0,
  'pcapng-test-generator/output_be/advanced/test100.pcapng': 1,
  'pcapng-test-generator/output_be/advanced/test101.pcapng': 0,
  'pcapng-test-generator/output_be/advanced/test102.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test001.pcapng': 4,
  'pcapng-test-generator/output_be/basic/test002.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test003.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test004.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test005.pcapng': 1,
  'pcapng-test-generator/output_be/basic/test006.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test007.pcapng': 1,
  'pcapng-test-generator/output_be/basic/test008.pcapng': 1,
  'pcapng-test-generator/output_be/basic/test009.pcapng': 2,
  'pcapng-test-generator/output_be/basic/test010.pcapng': 4,
  'pcapng-test-generator/output_be/basic/test011.pcapng': 4,
  'pcapng-test-generator/output_be/basic/test012.pcapng': 4,
  'pcapng-test-generator/output_be/basic/test013.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test014.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test015.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test016.pcapng': 4,
  'pcapng-test-generator/output_be/basic/test017.pcapng': 0,
  'pcapng-test-generator/output_be/basic/test018.pcapng': 4,
  'pcapng-test-generator/output_be/difficult/test200.pcapng': 0,
  'pcapng-test-generator/output_be/difficult/test201.pcapng': 0,
  'pcapng-test-generator/output_be/difficult/test202.pcapng': 0,
  'pcapng-test-generator/output_le/advanced/test100.pcapng': 1,
  'pcapng-test-generator/output_le/advanced/test101.pcapng': 0,
  'pcapng-test-generator/output_le/advanced/test102.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test001.pcapng': 4,
  'pcapng-test-generator/output_le/basic/test002.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test003.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test004.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test005.pcapng': 1,
  'pcapng-test-generator/output_le/basic/test006.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test007.pcapng': 1,
  'pcapng-test-generator/output_le/basic/test008.pcapng': 1,
  'pcapng-test-generator/output_le/basic/test009.pcapng': 2,
  'pcapng-test-generator/output_le/basic/test010.pcapng': 4,
  'pcapng-test-generator/output_le/basic/test011.pcapng': 4,
  'pcapng-test-generator/output_le/basic/test012.pcapng': 4,
  'pcapng-test-generator/output_le/basic/test013.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test014.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test015.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test016.pcapng': 4,
  'pcapng-test-generator/output_le/basic/test017.pcapng': 0,
  'pcapng-test-generator/output_le/basic/test018.pcapng': 4,
  'pcapng-test-generator/output_le/difficult/test200.pcapng': 0,
  'pcapng-test-generator/output_le/difficult/test201.pcapng': 0,
  'pcapng-test-generator/output_le/difficult/test202.pcapng': 0,
  'tcpdump/captures/802.1ad_QinQ.pcap': 2,
  'tcpdump/captures/LINKTYPE_IPV4.pcap': 1,
  'tcpdump/captures/LINKTYPE_IPV4_invalid.pcap': 1,
  'tcpdump/captures/LINKTYPE_IPV6.pcap': 1,
  'tcpdump/captures/LINKTYPE_IPV6_invalid.pcap': 1,
  'tcpdump/captures/LINKTYPE_PKTAP.pcap': 1,
  'tcpdump/captures/LINKTYPE_RAW_ipv4.pcap': 1,
  'tcpdump/captures/LINKTYPE_RAW_ipv6.pcap': 1,
  'tcpdump/captures/LINKTYPE_USER2_PKTAP.pcap': 1,
  'tcpdump/captures/accecn_handshake.pcap': 6,
  'tcpdump/captures/arp-too-long-tha.pcap': 1,
  'tcpdump/captures/bigtcp-ipv4.pcap': 1,
  'tcpdump/captures/bigtcp-ipv6-hbh.pcap': 1,
  'tcpdump/captures/bigtcp-ipv6.pcap': 1,
  'tcpdump/captures/cve2015-0261-ipv6.pcap': 2,
  'tcpdump/captures/dccp_options-oobr.pcap': 8,
  'tcpdump/captures/dhcp-option-108.pcapng': 2,
  'tcpdump/captures/dns-badcookie.pcap': 4,
  'tcpdump/captures/dns-zlip-1.pcap': 1,
  'tcpdump/captures/dns_fwdptr.pcap': 1,
  'tcpdump/captures/dns_tcp.pcap': 11,
  'tcpdump/captures/dns_tcp_8053.pcap': 11,
  'tcpdump/captures/dns_udp.pcap': 2,
  'tcpdump/captures/dns_udp_2.pcap': 2,
  'tcpdump/captures/dns_udp_8053.pcap': 2,
  'tcpdump/captures/dnssec.pcap': 6,
  'tcpdump/captures/edns-opts.pcap': 42,
  'tcpdump/captures/empty.pcap': 0,
  'tcpdump/captures/empty.pcapng': 0,
  'tcpdump/captures/gquic.pcap': 1,
  'tcpdump/captures/gso-ipv4.pcap': 1,
  'tcpdump/captures/gso-ipv6.pcap': 1,
  'tcpdump/captures/heap-overflow-1.pcap': 1,
  'tcpdump/captures/heapoverflow-in_checksum.pcap': 1,
  'tcpdump/captures/heapoverflow-tcp_print.pcap': 1,
  'tcpdump/captures/icmp-cksum-oobr-1.pcap': 1,
  'tcpdump/captures/icmp-cksum-oobr-3.pcapng': 1,
  'tcpdump/captures/icmp-cksum-oobr-4.pcapng': 1,
  'tcpdump/captures/icmp-icmp_print-oobr-1.pcap': 3,
  'tcpdump/captures/icmp-icmp_print-oobr-2.pcap': 3,
  'tcpdump/captures/icmp-length-zero.pcapng': 1,
  'tcpdump/captures/icmp-rfc5837.pcap': 1,
  'tcpdump/captures/icmp-rfc8335.pcap': 10,
  'tcpdump/captures/icmp6-rfc8335.pcap': 6,
  'tcpdump/captures/icmp_ext_oob_poc.pcap': 1,
  'tcpdump/captures/icmpv6-RFC2894-RR.pcap': 6,
  'tcpdump/captures/icmpv6-length-zero.pcapng': 1,
  'tcpdump/captures/icmpv6-ns-nonce.pcap': 1,
  'tcpdump/captures/icmpv6-ra-pref64.pcap': 4,
  'tcpdump/captures/icmpv6.pcap': 5,
  'tcpdump/captures/icmpv6_nodeinfo_queryipv4.pcap': 1,
  'tcpdump/captures/ip6_frag_asan.pcap': 1,
  'tcpdump/captures/ip_printroute_asan.pcap': 1,
  'tcpdump/captures/ip_ts_opts_asan.pcap': 1,
  'tcpdump/captures/ipv4_invalid_hdr_length.pcap': 1,
  'tcpdump/captures/ipv4_invalid_length.pcap': 1,
  'tcpdump/captures/ipv4_invalid_total_length.pcap': 1,
  'tcpdump/captures/ipv4_invalid_total_length_2.pcap': 1,
  'tcpdump/captures/ipv4_tcp_http_xml.pcap': 1,
  'tcpdump/captures/ipv4_tcp_http_xml_tso.pcap': 1,
  'tcpdump/captures/ipv6-bad-version.pcap': 4,
  'tcpdump/captures/ipv6-next-header-oobr-1.pcap': 1,
  'tcpdump/captures/ipv6-routing-header.pcap': 4,
  'tcpdump/captures/ipv6-rthdr-oobr.pcap': 1,
  'tcpdump/captures/ipv6-too-long-jumbo.pcap': 1,
  'tcpdump/captures/ipv6_frag6_negative_len.pcap': 1,
  'tcpdump/captures/ipv6_invalid_length.pcap': 1,
  'tcpdump/captures/ipv6_jumbogram_1.pcap': 1,
  'tcpdump/captures/ipv6_missing_jumbo_payload_option.pcap': 1,
  'tcpdump/captures/ipv6_mobility_1.pcap': 16,
  'tcpdump/captures/ipv6_no_next_header.pcap': 1,
  'tcpdump/captures/kday2.pcap': 5,
  'tcpdump/captures/kday3.pcap': 9,
  'tcpdump/captures/kday5.pcap': 5,
  'tcpdump/captures/kday8.pcap': 5,
  'tcpdump/captures/mptcp-aa-echo.pcap': 2,
  'tcpdump/captures/mptcp-dss-oobr.pcap': 1,
  'tcpdump/captures/mptcp-fclose.pcap': 11,
  'tcpdump/captures/mptcp-tcprst.pcap': 2,
  'tcpdump/captures/mptcp-v0.pcap': 264,
  'tcpdump/captures/mptcp-v1.pcap': 20,
  'tcpdump/captures/nflog.pcap': 4,
  'tcpdump/captures/ntp.pcap': 8,
  'tcpdump/captures/ppp_ip_udp_dns.pcap': 1,
  'tcpdump/captures/pptp.pcap': 23,
  'tcpdump/captures/print-flags.pcap': 10,
  'tcpdump/captures/quic_handshake.pcap': 18,
  'tcpdump/captures/quic_handshake_truncated.pcap': 18,
  'tcpdump/captures/relts-0x80000000.pcap': 1,
  'tcpdump/captures/resp_2_inline.pcap': 14,
  'tcpdump/captures/ssh.pcap': 54,
  'tcpdump/captures/syslog_udp.pcap': 4,
  'tcpdump/captures/tcp-auth-heapoverflow.pcap': 1,
  'tcpdump/captures/tcp-handshake-nano.pcap': 3,
  'tcpdump/captures/tcp_eight_lowest_weight_flags_set.pcap': 1,
  'tcpdump/captures/tcp_header_heapoverflow.pcap': 1,
  'tcpdump/captures/tcp_rst_data-trunc.pcap': 1,
  'tcpdump/captures/tcp_rst_data.pcap': 1,
  'tcpdump/captures/tcp_rst_diag_payload-trunc.pcap': 1,
  'tcpdump/captures/tcp_rst_diag_payload.pcap': 1,
  'tcpdump/captures/telnet-iac-check-oobr.pcap': 1,
  'tcpdump/captures/tfo-5c1fa7f9ae91.pcap': 14,
  'tcpdump/captures/tftp.pcap': 7,
  'tcpdump/captures/time_2038.pcap': 1,
  'tcpdump/captures/time_2038_overflow.pcap': 1,
  'tcpdump/captures/time_2106_max.pcap': 1,
  'tcpdump/captures/time_2106_overflow.pcapng': 1,
  'tcpdump/captures/time_2107.pcapng': 1,
  'tcpdump/captures/timestamp_invalid_micro.pcap': 3,
  'tcpdump/captures/timestamp_invalid_nano.pcap': 3,
  'tcpdump/captures/udp-length-heapoverflow.pcap': 1,
  'tcpdump/captures/unsupported-link-type-160.pcap': 1,
  'tcpdump/captures/unsupported-link-type-dbus.pcap': 2,
  'tcpdump/captures/vsock-1.pcapng': 10,
  'tcpdump/captures/vxlan.pcap': 10,
  'tcpdump/captures/whois.pcap': 11,
  'wireshark/captures/arp.pcap': 1,
  'wireshark/captures/dhcp-nanosecond.pcap': 4,
  'wireshark/captures/dhcp-nanosecond.pcapng': 4,
  'wireshark/captures/dhcp.pcap': 4,
  'wireshark/captures/dhcp.pcapng': 4,
  'wireshark/captures/dns+icmp.pcapng.gz': 33,
  'wireshark/captures/http.pcap': 1,
  'wireshark/captures/ipv6.pcap': 1,
  'wireshark/captures/nfs.pcap': 2,
  'wireshark/captures/ntp.pcap': 1,
  'wireshark/captures/rsasnakeoil2.pcap': 58,
  'wireshark/captures/sample_control4_2012-03-24.pcap': 155,
  'wireshark/captures/snakeoil-dtls.pcap': 9,
  'wireshark/captures/test.cap': 120,
  'wireshark/captures/tftp.pcap': 1,
  'wireshark/captures/wpa-Induction.pcap.gz': 1093,
  'zeek/captures/chksums__ip4-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip4-icmp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip4-tcp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip4-tcp-good-chksum.pcap': 1,
  'zeek/captures/chksums__ip4-udp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip6-hoa-tcp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip6-icmp6-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip6-route0-tcp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip6-tcp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__ip6-udp-bad-chksum.pcap': 1,
  'zeek/captures/chksums__localhost-bad-chksum.pcap': 10,
  'zeek/captures/communityid__icmp.pcap': 12,
  'zeek/captures/communityid__icmp6.pcap': 49,
  'zeek/captures/communityid__ipv6.pcap': 17,
  'zeek/captures/communityid__udp.pcap': 2,
  'zeek/captures/empty.pcap': 0,
  'zeek/captures/http-qinq-0.pcap': 14,
  'zeek/captures/http-vlan-0.pcap': 14,
  'zeek/captures/http__bro.org.pcap': 751,
  'zeek/captures/http__get-to-ssh-server.pcap': 9,
  'zeek/captures/icmp__icmp6-mldv2.pcap': 5,
  'zeek/captures/ipv4__fragmented-1.pcap': 3,
  'zeek/captures/ipv4__fragmented-2.pcap': 3,
  'zeek/captures/ipv4__fragmented-3.pcap': 5,
  'zeek/captures/ipv4__fragmented-4.pcap': 6,
  'zeek/captures/ipv4__fragmented-syn.pcap': 2,
  'zeek/captures/ipv6-fragmented-dns.pcap': 8,
  'zeek/captures/ipv6-http-atomic-frag.pcap': 38,
  'zeek/captures/irc-dcc-send.pcapng': 1184,
  'zeek/captures/ldap__gap-data-missing.pcapng': 0,
  'zeek/captures/ldap__issue-32.pcapng': 6,
  'zeek/captures/linux_dlt_sll2.pcap': 6,
  'zeek/captures/linuxsll-arp.pcap': 12,
  'zeek/captures/nflog-bad-tlv-len.pcap': 1,
  'zeek/captures/nflog-http.pcap': 13,
  'zeek/captures/nmap-vsn.pcap': 547,
  'zeek/captures/pcapng-multi-interface.pcapng': 6,
  'zeek/captures/pppoe.pcap': 65,
  'zeek/captures/redis__start-with-server.pcapng': 6,
  'zeek/captures/smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap': 9,
  'zeek/captures/ssh__ssh-over-udp.pcap': 2,
  'zeek/captures/tcp__ctu-64702-888.pcap': 16,
  'zeek/captures/tcp__fin_retransmission.pcap': 5,
  'zeek/captures/tcp__handshake-reorder.pcap': 14,
  'zeek/captures/tcp__http-on-irc-port-missing-syn.pcapng': 13,
  'zeek/captures/tcp__miss_end_data.pcap': 9,
  'zeek/captures/tcp__missing-syn.pcap': 21,
  'zeek/captures/tcp__no-handshake.pcap': 1,
  'zeek/captures/tcp__one-sided-2745.pcap': 6,
  'zeek/captures/tcp__option-27.pcap': 1,
  'zeek/captures/tcp__option-sack.pcap': 4,
  'zeek/captures/tcp__options.pcap': 4,
  'zeek/captures/tcp__payload-syn.pcap': 6,
  'zeek/captures/tcp__payload-synack.pcap': 6,
  'zeek/captures/tcp__qi_internet_SYNACK_curl_jsonip.pcap': 14,
  'zeek/captures/tcp__reassembly.pcap': 117,
  'zeek/captures/tcp__retransmit-fast009.pcap': 39,
  'zeek/captures/tcp__retransmit-timeout.pcapng': 3,
  'zeek/captures/tcp__rst-inject-rae.pcap': 9,
  'zeek/captures/tcp__single-rst.pcap': 1,
  'zeek/captures/tcp__ssh-dups.pcap': 377,
  'zeek/captures/tcp__syn-bad.pcap': 1,
  'zeek/captures/tcp__syn-synack.pcap': 2,
  'zeek/captures/tcp__syn-then-ack-then-rst.pcap': 3,
  'zeek/captures/tcp__syn-then-rst.pcap': 2,
  'zeek/captures/tcp__syn-then-stuff-then-rst.pcap': 4,
  'zeek/captures/tcp__syn.pcap': 1,
  'zeek/captures/tcp__tcp-fast-open.pcap': 16,
  'zeek/captures/tcp__timeout-with-pings.pcap': 15,
  'zeek/captures/tcp__timestamp.pcap': 878,
  'zeek/captures/tcp__truncated-header.pcap': 24,
  'zeek/captures/tcp__window-scale-range.pcap': 5,
  'zeek/captures/tls__openjdk-25.0.2-zeek.org.pcap': 6,
  'zeek/captures/trunc__icmp-header-trunc.pcap': 2,
  'zeek/captures/trunc__icmp-payload-trunc.pcap': 4,
  'zeek/captures/trunc__ip-discarder-truncated-tcp-oob.pcapng': 1,
  'zeek/captures/trunc__ip4-trunc.pcap': 1,
  'zeek/captures/trunc__ip6-ext-trunc.pcap': 1,
  'zeek/captures/trunc__ip6-trunc.pcap': 1,
  'zeek/captures/trunc__ipv4-internally-truncated-header.pcap': 1,
  'zeek/captures/trunc__ipv4-truncated-broken-header.pcap': 1,
  'zeek/captures/trunc__mpls-6in6-6in6-4in6-trunc.pcap': 1,
  'zeek/captures/trunc__trunc-hdr.pcap': 1,
  'zeek/captures/udp-multiple-source-ports.pcap': 3,
  'zeek/captures/vlan-qinqinq.pcap': 14,
  'zeek/captures/vntag.pcap': 3,
  'zeek/captures/web.pcap': 24,
  'zeek/captures/wikipedia.pcap': 136,
  'zeek/captures/workshop_2011_browse.pcap': 121,
};

/**
 * Files where we read more than tcpdump, and why. libpcap 1.10 supports one
 * link type and one snapshot length per file: at an IDB whose link type or
 * snaplen differs from the first one it stops ("an interface has a type 0
 * different from the type of the first interface", "... a snapshot length
 * 128 different from ..."). We give every frame its own interface's link
 * type and read on.
 */
const WE_READ_ON: Record<string, { ours: number; why: string }> = {
  'advanced/test100': { ours: 5, why: 'second IDB (after one SPB) is NULL (0), the first EN10MB: libpcap stops after the first frame' },
  'advanced/test101': { ours: 4, why: 'second IDB is NULL (0) after EN10MB: libpcap stops before any frame' },
  'advanced/test102': { ours: 5, why: 'second IDB is NULL (0) after EN10MB' },
  'basic/test004': { ours: 4, why: 'second IDB has snaplen 128, the first 96' },
  'basic/test005': { ours: 4, why: 'second IDB (after one EPB) has snaplen 128, the first 96' },
  'basic/test006': { ours: 5, why: 'second IDB is NULL (0) after EN10MB' },
  'basic/test008': { ours: 4, why: 'second IDB (after one EPB) has snaplen 128, the first 96' },
  'difficult/test201': { ours: 4, why: 'second IDB of the first section is NULL (0) after EN10MB; three sections' },
  'difficult/test202': { ours: 8, why: 'second IDB is NULL (0) after EN10MB; three sections in two byte orders' },
};
const WE_READ_ON_ZEEK: Record<string, { ours: number; why: string }> = {
  'zeek/captures/ldap__gap-data-missing.pcapng': { ours: 18, why: '126 IDBs with snaplens 65535, 262144, 8192 and 2048 and link types EN10MB, LINUX_SLL and ETHERNET_MPACKET (274): libpcap stops at the first IDB whose snaplen differs, before any packet; all 18 EPBs are on EN10MB interfaces' },
};

/** The files libpcap refuses at open (libpcap/MANIFEST.tsv), the error we give, and where. */
const LIBPCAP_REJECTS: Record<string, { re: RegExp; offset: number; libpcap: string }> = {
  'libpcap/captures/linktype-reserved-field-not-zero.pcap': { re: /linktype reserved field not zero \(0x00300000\)/, offset: 20, libpcap: 'savefile linktype reserved field not zero (0x00300000)' },
  'libpcap/captures/pcap-invalid-version-1.pcap': { re: /archaic pcap savefile format: version 1\.4/, offset: 4, libpcap: 'unsupported pcap savefile version 1.4 (1.10.3: archaic pcap savefile format)' },
  'libpcap/captures/pcap-invalid-version-2.pcap': { re: /^unsupported pcap savefile version 2\.5$/, offset: 4, libpcap: 'unsupported pcap savefile version 2.5' },
  'libpcap/captures/pcapng-invalid-vers-1.pcapng': { re: /unsupported pcapng savefile version 0\.1/, offset: 12, libpcap: 'unsupported pcapng savefile version 0.1' },
  'libpcap/captures/pcapng-invalid-vers-2.pcapng': { re: /unsupported pcapng savefile version 1\.1/, offset: 12, libpcap: 'unsupported pcapng savefile version 1.1' },
  // libpcap does not check the SHB's own trailer and reports the next block
  // (header 32 at offset 52); the SHB's option runs past its end, so its
  // trailer (the 4 bytes at 48, "0000") is already wrong: we stop there.
  'libpcap/captures/shb-option-too-long.pcapng': { re: /block total length in header 52 and trailer 808464432 don't match at offset 0/, offset: 0, libpcap: 'block total length in header 32 and trailer 808464432 don\'t match' },
};

describe('every capture file in the corpus', () => {
  const files = captureFiles();

  it('finds them all', () => {
    expect(files.length).toBe(Object.keys(TCPDUMP_COUNT).length);
    expect(files.sort()).toEqual(Object.keys(TCPDUMP_COUNT).sort());
  });

  for (const rel of files) {
    it(rel, async () => {
      const b = corpusFile(rel);
      const t0 = Date.now();
      const r = await read(b);
      expect(Date.now() - t0).toBeLessThan(10_000);
      const reject = LIBPCAP_REJECTS[rel];
      if (reject) {
        expect(r.error?.message).toMatch(reject.re);
        expect(r.error?.offset).toBe(reject.offset);
        return;
      }
      expect(r.error).toBeUndefined();
      // No corpus file is cut short or corrupt at the container level.
      expect(r.notes).toEqual([]);
      const gen = /^pcapng-test-generator\/output_(?:le|be)\/(.*)\.pcapng$/.exec(rel)?.[1];
      const differs = (gen && WE_READ_ON[gen]) || WE_READ_ON_ZEEK[rel];
      expect(r.frames.length).toBe(differs ? differs.ours : TCPDUMP_COUNT[rel]);
      if (differs) expect(r.frames.length).toBeGreaterThan(TCPDUMP_COUNT[rel]!);
      r.frames.forEach((f, i) => expect(f.number).toBe(i + 1));
      for (const f of r.frames) {
        expect(f.linkType).toBeGreaterThanOrEqual(0);
        expect(f.timeText).toMatch(/^\d+\.\d{6}(?:\d{3})?$|^\d+\.\d{7,}$/);
      }
    });
  }
});

// ---------------------------------------------------------------------------
// pcap: the file header

describe('pcap file header (libpcap sf-pcap.c rules)', () => {
  it('rejects the Kuznetzov modified format in both byte orders, with a clear message', async () => {
    for (const le of [true, false]) {
      const r = await read(pcapFile({ le, magic: 0xa1b2cd34 }, []), 1 << 20, 'pcap');
      expect(r.error?.message).toMatch(/Kuznetzov/);
      expect(r.error?.offset).toBe(0);
    }
  });

  it('rejects versions 2.0-2.2 and 543.0 (lengths in the old order), 3.x, and says archaic below 2', async () => {
    for (const [major, minor, re] of [[2, 2, /2\.2: records before 2\.3/], [543, 0, /543\.0/], [3, 0, /unsupported pcap savefile version 3\.0/], [1, 0, /archaic/], [0, 9, /archaic/]] as const) {
      const r = await read(pcapFile({ major, minor }, []), 1 << 20, 'pcap');
      expect(r.error?.message).toMatch(re);
      expect(r.error?.offset).toBe(4);
    }
    for (const minor of [3, 4]) expect((await read(pcapFile({ minor }, [{ sec: 1, frac: 2, data: bytes(20) }]))).frames).toHaveLength(1);
  });

  it('rejects reserved link-type bits 16-25 and masks the FCS bits 26-31', async () => {
    for (const bit of [16, 20, 25]) {
      const r = await read(pcapFile({ linkType: 1 | (1 << bit) }, []));
      expect(r.error?.message).toMatch(/reserved field not zero/);
      expect(r.error?.offset).toBe(20);
    }
    const r = await read(pcapFile({ linkType: 0x34000065 }, [{ sec: 1, frac: 0, data: bytes(40) }]));
    expect(r.frames[0]!.linkType).toBe(101);
    expect(parsePcapHeader(pcapFile({ linkType: 0x34000065 }, []))).toMatchObject({ linkType: 101, fcsLength: 6 });
    // tcpdump's corpus: 0x30000001 (FCS length bits without the F bit) is EN10MB.
    const t = await read(corpusFile('tcpdump/captures/tcp-auth-heapoverflow.pcap'));
    expect(t.frames.map((f) => f.linkType)).toEqual([1]);
  });

  it('rejects what is not a pcap file, naming it when it can', async () => {
    expect((await read(Buffer.alloc(0), 10, 'pcap')).error?.message).toMatch(/empty/);
    expect((await read(corpusFile('wireshark/captures/dhcp.pcapng'), 1 << 20, 'pcap')).error?.message).toMatch(/pcapng/);
    expect((await read(readFileSync(join(CORPUS, 'wireshark/captures/wpa-Induction.pcap.gz')), 1 << 20, 'pcap')).error?.message).toMatch(/gzip/);
    expect((await read(Buffer.from('hello world, this is text not pcap'), 1 << 20, 'pcap')).error?.message).toMatch(/unknown magic number 0x68656c6c/);
    // A bad magic is reported as soon as 4 bytes are in, even if the input stops there.
    expect((await read(Buffer.from('GIF8'), 1, 'pcap')).error?.message).toMatch(/unknown magic/);
    expect((await read(pcapFile({}, []).subarray(0, 23), 5)).error?.message).toMatch(/truncated pcap file header: 24 bytes needed, only 23/);
  });

  it('accepts any snaplen as libpcap does (0 and > 2^31-1 mean the link type maximum)', async () => {
    for (const snaplen of [0, 0xffffffff, 0x80000000]) {
      const h = parsePcapHeader(pcapFile({ snaplen }, []));
      expect(h.snapshot).toBe(262144);
      const r = await read(pcapFile({ snaplen }, [{ sec: 1, frac: 0, data: bytes(1000) }]));
      expect(r.frames[0]!.data.length).toBe(1000);
    }
    // The corpus has snaplens of 2098998 and 3090558.
    expect(parsePcapHeader(corpusFile('tcpdump/captures/unsupported-link-type-dbus.pcap')).snapshot).toBe(3090558);
  });
});

// ---------------------------------------------------------------------------
// pcap: records

describe('pcap records', () => {
  it('reads nanosecond files in both byte orders, with 9-digit times', async () => {
    for (const le of [true, false]) {
      const r = await read(pcapFile({ le, magic: 0xa1b23c4d }, [{ sec: 1700000000, frac: 123456789, data: bytes(60) }, { sec: 1700000001, frac: 5, data: bytes(61) }]));
      expect(r.frames.map((f) => f.timeText)).toEqual(['1700000000.123456789', '1700000001.000000005']);
      expect(r.frames[0]!.time).toBeCloseTo(1700000000.123456789, 6);
    }
    const le = await read(pcapFile({ le: true }, [{ sec: 7, frac: 5, data: bytes(3) }]));
    const be = await read(pcapFile({ le: false }, [{ sec: 7, frac: 5, data: bytes(3) }]));
    expect(le.frames[0]!.timeText).toBe('7.000005');
    expect(be.frames.map(plain)).toEqual(le.frames.map(plain));
  });

  it('gives tcpdump --nano\'s exact times for a nanosecond capture', async () => {
    const r = await read(corpusFile('generated-local/net/tcp-udp-lo-nano.pcap'));
    const text = readFileSync(join(CORPUS, 'generated-local/net/tcp-udp-lo-nano.pcap.tcpdump-nn-tt-nano.txt'), 'utf8');
    expect(r.frames.map((f) => f.timeText)).toEqual(text.trim().split('\n').map((l) => l.split(' ')[0]));
  });

  it('keeps a frame whose sub-second field is not below one second, as tcpdump prints it, with a note', async () => {
    const us = await read(corpusFile('tcpdump/captures/timestamp_invalid_micro.pcap'));
    expect(us.frames.map((f) => f.timeText)).toEqual(['1418145369.999999', '1418145370.1000000', '1418145370.2147483648']);
    expect(us.frames[0]!.notes).toBeUndefined();
    expect(us.frames[1]!.notes).toEqual([expect.stringMatching(/fraction 1000000 is not below one second \(µs\).*\(invalid us\)/)]);
    expect(us.frames[1]!.time).toBe(1418145371);
    const ns = await read(corpusFile('tcpdump/captures/timestamp_invalid_nano.pcap'));
    expect(ns.frames.map((f) => f.timeText)).toEqual(['1418145369.999999999', '1418145370.1000000000', '1418145370.2147483648']);
    expect(ns.frames[2]!.notes).toEqual([expect.stringMatching(/fraction 2147483648 .*\(invalid ns\)/)]);
  });

  it('reads seconds as unsigned 32 bits: 2038 and 2106', async () => {
    const t = async (f: string) => (await read(corpusFile(`tcpdump/captures/${f}`))).frames.map((x) => [x.timeText, x.time]);
    expect(await t('time_2038.pcap')).toEqual([['2145916800.000000', 2145916800]]);
    expect(await t('time_2038_overflow.pcap')).toEqual([['2147483648.000000', 2147483648]]);
    expect(await t('time_2106_max.pcap')).toEqual([['4294967295.000000', 4294967295]]);
  });

  it('keeps snaplen bytes of a record whose captured length exceeds the snapshot length, as libpcap does', async () => {
    const r = await read(corpusFile('tcpdump/captures/dccp_options-oobr.pcap'));
    const f = r.frames[1]!;
    expect(f.data.length).toBe(70);
    expect(f.notes).toEqual([expect.stringMatching(/captured length 82 is bigger than the snapshot length 70/)]);
    const raw = corpusFile('tcpdump/captures/dccp_options-oobr.pcap');
    expect(Buffer.from(f.data)).toEqual(raw.subarray(f.offset + 16, f.offset + 16 + 70));
  });

  it('stops at an absurd captured length with a note at that record, before buffering the rest of the file', async () => {
    const good = corpusFile('zeek/captures/tcp__fin_retransmission.pcap');
    const full = await read(good);
    const third = full.frames[2]!.offset;
    for (const caplen of [0x7ffffff0, 0xffffffff, 262145]) {
      const bad = Buffer.from(good);
      bad.writeUInt32LE(caplen, third + 8);
      for (const chunk of [1 << 20, 16, 1]) {
        const r = await read(bad, chunk);
        expect(r.frames.map(plain)).toEqual(full.frames.slice(0, 2).map(plain));
        expect(r.notes).toEqual([{ kind: 'note', offset: third, number: 3, fatal: true, message: expect.stringMatching(new RegExp(`invalid captured length ${caplen} in the record header at offset ${third}`)) }]);
      }
    }
    // The link type's own maximum: D-Bus records may hold 128 MiB.
    expect(maxSnaplenForLinkType(231)).toBe(128 * 1024 * 1024);
  });

  it('reads a record much bigger than the input chunks (held, then fed at once)', async () => {
    const big = Buffer.alloc(200000);
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    const file = pcapFile({}, [{ sec: 1, frac: 1, data: bytes(10) }, { sec: 2, frac: 2, data: big }, { sec: 3, frac: 3, data: bytes(10) }]);
    for (const chunk of [1000, 4096, 77]) {
      const r = await read(file, chunk);
      expect(r.frames.map((f) => f.data.length)).toEqual([10, 200000, 10]);
      expect(Buffer.from(r.frames[1]!.data).equals(big)).toBe(true);
      const cut = await read(file.subarray(0, 24 + 26 + 16 + 150000), chunk);
      expect(cut.frames).toHaveLength(1);
      expect(cut.notes).toEqual([{ kind: 'note', offset: 50, number: 2, fatal: true, message: 'last record cut short: its header at offset 50 promises 200000 captured bytes, only 150000 are there' }]);
    }
  });

  it('pcap-parser\'s `new Buffer` raises no deprecation warning (Node only warns for code outside node_modules)', async () => {
    const warnings: Error[] = [];
    const on = (w: Error) => warnings.push(w);
    process.on('warning', on);
    try {
      const r = await read(corpusFile('zeek/captures/http__bro.org.pcap'), 1000);
      expect(r.frames).toHaveLength(751);
      await new Promise((res) => setTimeout(res, 10));
    } finally {
      process.off('warning', on);
    }
    expect(warnings.filter((w) => /Buffer\(\)|DEP0005/.test(`${w.name} ${w.message} ${(w as { code?: string }).code}`))).toEqual([]);
  });

  it('yields one batch per chunk, not one per frame', async () => {
    const b = corpusFile('zeek/captures/nmap-vsn.pcap');
    const r = await read(b, 8192);
    expect(r.frames).toHaveLength(547);
    expect(r.batches).toBeLessThanOrEqual(Math.ceil(b.length / 8192));
  });
});

// ---------------------------------------------------------------------------
// pcapng

describe('pcapng: the pcapng-test-generator files (both byte orders)', () => {
  /** interfaceId linkType timeText captured/original interfaceName, per frame (checked against tshark 4.0 for times, lengths and names). */
  const EXPECTED: Record<string, string[]> = {
    'basic/test001': ['0 1 0.000000 314/314 silly ethernet interface', '0 1 0.000000 342/342 silly ethernet interface', '0 1 0.000000 314/314 silly ethernet interface', '0 1 0.000000 342/342 silly ethernet interface'],
    'basic/test002': [],
    'basic/test003': [],
    'basic/test004': ['0 1 1340954905.298858 96/314 eth0', '1 1 1340954905.299858 128/342 en1', '0 1 1340954905.300858 96/314 eth0', '1 1 1340954905.301858 128/342 en1'],
    'basic/test005': ['0 1 1340954905.298858 96/314 eth0', '1 1 1340954905.299858 128/342 en1', '0 1 1340954905.300858 96/314 eth0', '1 1 1340954905.301858 128/342 en1'],
    'basic/test006': ['0 1 1340954905.298858 96/314 eth0', '1 0 1340954905.299858 168/168 en1', '0 1 1340954905.300858 96/342 eth0', '0 1 1340954905.301858 96/314 eth0', '0 1 1340954905.302858 96/342 eth0'],
    'basic/test007': ['0 1 1340954905.298858 96/314 eth0'],
    'basic/test008': ['0 1 1340954.905298858 96/314 eth-_0 foo', '1 1 1340954.905299858 128/342 en1', '0 1 1340954.905300858 96/314 eth-_0 foo', '1 1 1340954.905301858 128/342 en1'],
    'basic/test009': ['0 1 1340954905.298858 314/314 eth0', '0 1 1340954905.299858 342/342 eth0'],
    'basic/test010': ['0 1 0.000000 314/314 eth0', '0 1 0.000000 342/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 0.000000 342/342 eth0'],
    'basic/test011': ['0 1 0.000000 314/314 eth0', '0 1 1340954905.298858 342/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 1340954905.300858 342/342 eth0'],
    'basic/test012': ['0 1 0.000000 314/314 eth0', '0 1 0.000000 315/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 0.000000 315/342 eth0'],
    'basic/test013': [],
    'basic/test014': [],
    'basic/test015': [],
    'basic/test016': ['0 1 0.000000 314/314 eth0', '0 1 1340954905.298858 342/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 1340954905.300858 342/342 eth0'],
    'basic/test017': [],
    'basic/test018': ['0 1 0.000000 314/314 eth0', '0 1 1340954905.298858 342/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 1340954905.300858 342/342 eth0'],
    'advanced/test100': ['0 1 0.000000 314/314 eth0', '0 1 1340954905.298858 342/342 eth0', '0 1 0.000000 314/314 eth0', '0 1 1340954905.300858 342/342 eth0', '1 0 1340954905.301858 168/168 null1'],
    'advanced/test101': ['0 1 1340954905.298858 96/314 eth0', '2 1 1340954905.298858 128/342 silly ethernet interface 2', '0 1 0.000000 96/314 eth0', '1 0 1340954905.301858 168/168 null1'],
    'advanced/test102': ['0 1 1340954905.298858 96/314 eth0', '2 1 1340954905.298858 342/342 silly!\r\nethernet interface 2', '0 1 0.000000 96/314 eth0', '0 1 1340954905.300858 96/342 eth0', '1 0 1340954905.301858 168/168 null1'],
    'difficult/test200': [],
    'difficult/test201': ['0 1 1340954905.298858 96/314 eth0', '0 1 1340954905.298858 128/342 silly ethernet interface 2', '0 1 0.000000 128/314 silly ethernet interface 2', '1 0 1340954905.301858 168/168 null1'],
    'difficult/test202': ['0 1 1340954905.298858 96/314 eth0', '0 1 1340954905.298858 96/342 eth0', '1 0 1340954905.301858 168/168 null1', '0 1 0.000000 128/314 silly ethernet interface 2', '0 1 1340954905.298858 128/342 silly ethernet interface 2', '0 1 0.000000 128/314 silly ethernet interface 2', '0 1 1340954905.298858 128/342 silly ethernet interface 2', '1 0 1340954905.301858 168/168 null1'],
  };

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const desc = readFileSync(join(CORPUS, `pcapng-test-generator/output_le/${name}.txt`), 'utf8');
      const packets = [...desc.matchAll(/^\s*(EPB|SPB|PB): (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0);
      const seq = /^Block sequence: (.*)$/m.exec(desc)![1]!.split(', ');
      const le = await read(corpusFile(`pcapng-test-generator/output_le/${name}.pcapng`), 64);
      const be = await read(corpusFile(`pcapng-test-generator/output_be/${name}.pcapng`), 64);
      expect(le.frames).toHaveLength(packets);
      expect(le.frames.map((f) => `${f.interfaceId} ${f.linkType} ${f.timeText} ${f.data.length}/${f.origLen}${f.interfaceName ? ' ' + f.interfaceName : ''}`)).toEqual(want);
      // Frame numbers run on across sections; offsets are those of the packet blocks.
      le.frames.forEach((f, i) => expect(f.number).toBe(i + 1));
      const spbs = seq.filter((s) => s === 'EPB' || s === 'SPB').map((s) => s === 'SPB');
      expect(le.frames.map((f) => (f.notes ?? []).some((n) => /Simple Packet Block/.test(n)))).toEqual(spbs);
      // Byte order changes nothing but the offsets' contents.
      expect(be.frames.map((f) => ({ ...plain(f) as object, offset: 0 }))).toEqual(le.frames.map((f) => ({ ...plain(f) as object, offset: 0 })));
      expect(be.frames.map((f) => f.offset)).toEqual(le.frames.map((f) => f.offset));
    });
  }
});

describe('pcapng: timestamps', () => {
  it('2106 and 2107: 64-bit microsecond counts past 2^32 seconds', async () => {
    expect((await read(corpusFile('tcpdump/captures/time_2106_overflow.pcapng'))).frames.map((f) => [f.timeText, f.time])).toEqual([['4294967296.000000', 4294967296]]);
    expect((await read(corpusFile('tcpdump/captures/time_2107.pcapng'))).frames.map((f) => [f.timeText, f.time])).toEqual([['4323283200.000000', 4323283200]]);
  });

  it('a nanosecond pcapng (dumpcap) matches the nanosecond pcap of the same workload to within 2 µs, and tcpdump -tttt to the µs', async () => {
    const ng = (await read(corpusFile('generated-local/net/tcp-udp-lo.pcapng'))).frames;
    expect(ng).toHaveLength(52);
    expect(ng.every((f) => /^\d{10}\.\d{9}$/.test(f.timeText))).toBe(true);
    const text = readFileSync(join(CORPUS, 'generated-local/net/tcp-udp-lo.pcapng.tcpdump-nn-tttt.txt'), 'utf8').trim().split('\n');
    const iso = (t: string) => {
      const [s, frac] = t.split('.');
      return new Date(Number(s) * 1000).toISOString().replace('T', ' ').replace(/\.000Z$/, '') + '.' + frac!.slice(0, 6);
    };
    expect(ng.map((f) => iso(f.timeText))).toEqual(text.map((l) => l.split(' ').slice(0, 2).join(' ')));
  });

  it('if_tsresol 10^-n and 2^-n, if_tsoffset, exact past 2^53', async () => {
    const ng = new Ng().shb();
    const res = (b: number): Opt => [9, Buffer.from([b])];
    ng.idb(1, 0, [res(3)]) // 0: ms
      .idb(1, 0, [res(9)]) // 1: ns
      .idb(1, 0, [res(0x80 | 10)]) // 2: 2^-10
      .idb(1, 0, [res(0x80 | 32)]) // 3: 2^-32
      .idb(1, 0, [res(0x80 | 40)]) // 4: 2^-40 (BigInt path)
      .idb(1, 0, [res(12)]) // 5: ps (BigInt path)
      .idb(1, 0, []) // 6: default µs
      .idb(1, 0, [[14, ng.i64(1000n)]]) // 7: µs + 1000 s
      .idb(1, 0, [res(9), [14, ng.i64(-2000000000n)]]) // 8: ns - 2e9 s
      .idb(1, 0, [res(0)]); // 9: whole seconds
    const ps = 1700000000123456789012n & 0xffffffffffffffffn;
    const file = ng
      .epb(0, 1700000000123n, bytes(4))
      .epb(1, 1700000000123456789n, bytes(4))
      .epb(1, 0xffffffffffffffffn, bytes(4))
      .epb(2, (1700000000n << 10n) | 1023n, bytes(4))
      .epb(3, (1700000000n << 32n) | 0x80000000n, bytes(4))
      .epb(4, (1000000n << 40n) | 1n, bytes(4))
      .epb(5, ps, bytes(4))
      .epb(6, 0xffffffffffffffffn, bytes(4))
      .epb(7, 5n, bytes(4))
      .epb(8, 1000000001n, bytes(4))
      .epb(9, 1700000000n, bytes(4))
      .bytes();
    const r = await read(file, 13);
    expect(r.notes).toEqual([]);
    expect(r.frames.map((f) => f.timeText)).toEqual([
      '1700000000.123',
      '1700000000.123456789',
      '18446744073.709551615',
      '1700000000.999023437', // 1023/1024 = 0.9990234375: 9 digits, truncated (exact to the ns)
      '1700000000.500000000',
      '1000000.000000000', // 2^-40: below a nanosecond
      `${ps / 10n ** 12n}.${(ps % 10n ** 12n).toString().padStart(12, '0')}`,
      '18446744073709.551615',
      '1000.000005',
      '-1999999998.999999999',
      '1700000000',
    ]);
    expect(r.frames[4]!.time).toBe(1700000000.5);
    expect(r.frames[10]!.time).toBe(1700000000);
    expect(r.frames[9]!.time).toBeCloseTo(-1999999998.999999999, 5);
  });

  it('pcapngStamp equals a BigInt reference for random counts at every resolution', () => {
    let x = 2463534242; // xorshift32: every bit of every draw varies
    const rnd = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>>= 0);
    };
    const stamp: Stamp = { time: 0, timeText: '' };
    const resolutions: Resolution[] = [MICROSECONDS, NANOSECONDS];
    for (let n = 0; n <= 19; n++) resolutions.push(resolutionFromTsresol(n) as Resolution);
    for (let n = 0; n <= 63; n++) resolutions.push(resolutionFromTsresol(0x80 | n) as Resolution);
    for (const r of resolutions) {
      const unit = r.base === 10 ? 10n ** BigInt(r.exp) : 1n << BigInt(r.exp);
      for (let i = 0; i < 300; i++) {
        const hi = i < 100 ? rnd() : i < 200 ? rnd() % 0x400000 : rnd() % 64;
        const lo = rnd();
        const offset = i % 7 === 0 ? (i % 2 ? 1000 : -5) : 0;
        pcapngStamp(stamp, hi, lo, r, offset);
        const t = ((BigInt(hi) << 32n) | BigInt(lo)) + BigInt(offset) * unit;
        const neg = t < 0n;
        const a = neg ? -t : t;
        const frac = a % unit;
        const digits = r.base === 10 ? frac : (frac * 10n ** BigInt(r.digits)) >> BigInt(r.exp);
        const want = (neg ? '-' : '') + (a / unit).toString() + (r.digits ? '.' + digits.toString().padStart(r.digits, '0') : '');
        if (stamp.timeText !== want) expect([r, hi, lo, offset, stamp.timeText]).toEqual([r, hi, lo, offset, want]);
        const wantTime = (neg ? -1 : 1) * (Number(a / unit) + Number(frac) / Number(unit));
        expect(Math.abs(stamp.time - wantTime)).toBeLessThanOrEqual(Math.abs(wantTime) * 1e-15 + 1e-9);
      }
    }
    expect(resolutionFromTsresol(20)).toMatch(/too fine/);
    expect(resolutionFromTsresol(0x80 | 64)).toMatch(/too fine/);
  });
});

describe('pcapng: blocks and options', () => {
  it('epb_flags (and the Packet Block\'s pack_flags) give the direction', async () => {
    const ng = new Ng().shb().idb(1, 0, [[2, Buffer.from('eth0')]]);
    const file = ng.epb(0, 1n, bytes(5), { options: [ng.flags(1)] }).epb(0, 2n, bytes(5), { options: [[1, Buffer.from('a comment')], ng.flags(2)] }).epb(0, 3n, bytes(5), { options: [ng.flags(3)] }).epb(0, 4n, bytes(5)).pb(0, 5n, bytes(5), [ng.flags(2)]).bytes();
    for (const le of [true]) {
      const r = await read(file);
      void le;
      expect(r.frames.map((f) => f.direction)).toEqual(['In', 'Out', undefined, undefined, 'Out']);
      expect(r.frames.map((f) => f.interfaceName)).toEqual(['eth0', 'eth0', 'eth0', 'eth0', 'eth0']);
      expect(r.frames.map((f) => f.timeText)).toEqual(['0.000001', '0.000002', '0.000003', '0.000004', '0.000005']);
    }
    const be = new Ng().shb(false).idb(1, 0);
    const rb = await read(be.epb(0, 1n, bytes(5), { options: [be.flags(1)] }).bytes());
    expect(rb.frames[0]!.direction).toBe('In');
  });

  it('skips NRB, ISB, DSB, systemd journal, custom and unknown blocks', async () => {
    const file = new Ng().shb().block(0x0bad, bytes(10)).idb(1, 0).block(4, bytes(20)).block(5, bytes(16)).block(10, bytes(24)).block(9, bytes(8)).block(0x40000bad, bytes(4)).block(0x12345678, bytes(0)).epb(0, 1n, bytes(3)).bytes();
    const r = await read(file, 5);
    expect(r.notes).toEqual([]);
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.data).toEqual(new Uint8Array(bytes(3)));
  });

  it('sections: byte order and interface list per section, frame numbers across them; an unsupported later section is skipped', async () => {
    const w = new Ng().shb(true).idb(1, 0, [[2, Buffer.from('a')]]).epb(0, 1n, bytes(1))
      .shb(false).idb(0, 0, [[2, Buffer.from('b')]]).idb(113, 0, [[2, Buffer.from('c')]]).epb(1, 2n, bytes(2)).epb(0, 3n, bytes(3))
      .shb(true, [1, 1]).idb(1, 0).epb(0, 4n, bytes(4))
      .shb(true, [1, 2]).idb(276, 0).epb(0, 5n, bytes(5));
    const r = await read(w.bytes(), 11);
    expect(r.frames.map((f) => [f.number, f.interfaceId, f.linkType, f.interfaceName ?? null, f.data.length])).toEqual([
      [1, 0, 1, 'a', 1],
      [2, 1, 113, 'c', 2],
      [3, 0, 0, 'b', 3],
      [4, 0, 276, null, 5],
    ]);
    expect(r.notes).toEqual([{ kind: 'note', offset: w.offsets[8], fatal: false, message: expect.stringMatching(/unsupported pcapng savefile version 1\.1 in the section at offset \d+ .*skipped/) }]);
  });

  it('a packet on an interface its section did not describe: a frame with link type -1 and a note', async () => {
    const file = new Ng().shb().idb(1, 0).epb(3, 1n, bytes(8)).shb().epb(0, 2n, bytes(8)).spb(8, bytes(8)).bytes();
    const r = await read(file);
    expect(r.frames.map((f) => [f.linkType, f.interfaceId])).toEqual([[-1, 3], [-1, 0], [-1, 0]]);
    expect(r.frames[0]!.notes).toEqual([expect.stringMatching(/packet on interface 3, but the section has only 1 \(ids 0-0\)/)]);
    expect(r.frames[1]!.notes).toEqual([expect.stringMatching(/packet on interface 0, but the section has no Interface Description Block/)]);
  });

  it('an EPB whose captured length runs past its block: a frame with what is there, and a note', async () => {
    const file = new Ng().shb().idb(1, 0).epb(0, 1n, bytes(16), { caplen: 1000, len: 1000 }).epb(0, 2n, bytes(4)).bytes();
    const r = await read(file);
    expect(r.frames.map((f) => f.data.length)).toEqual([16, 4]);
    expect(r.frames[0]!.notes).toEqual(['captured length 1000 runs past the end of the block: only the 16 bytes there are kept']);
  });

  it('options are walked inside their block only', async () => {
    // An IDB option claiming 400 bytes in a 40-byte block; an EPB option likewise.
    const ng = new Ng().shb();
    const idbBody = Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.alloc(4), Buffer.from([2, 0, 0x90, 1]), Buffer.from('eth0')]);
    ng.block(1, idbBody);
    const epbBody = Buffer.concat([Buffer.alloc(4), Buffer.alloc(4), Buffer.from([1, 0, 0, 0]), Buffer.from([4, 0, 0, 0]), Buffer.from([4, 0, 0, 0]), bytes(4), Buffer.from([2, 0, 0xff, 0xff])]);
    ng.block(6, epbBody);
    const r = await read(ng.bytes());
    expect(r.frames).toHaveLength(1);
    expect(r.frames[0]!.linkType).toBe(1);
    expect(r.frames[0]!.interfaceName).toBeUndefined();
    expect(r.notes).toEqual([{ kind: 'note', offset: ng.offsets[1], fatal: false, message: expect.stringMatching(/option 2 of the Interface Description Block at offset \d+ runs past the end of the block \(400 bytes/) }]);
    expect(r.frames[0]!.notes).toEqual([expect.stringMatching(/option 2 runs past the end of the block \(65535 bytes/)]);
  });

  it('a Simple Packet Block: interface 0, min(original length, snaplen), timestamp 0 with a note', async () => {
    const file = new Ng().shb().idb(1, 10, [[9, Buffer.from([9])]]).spb(14, bytes(12)).spb(5, bytes(5)).bytes();
    const r = await read(file);
    expect(r.frames.map((f) => [f.interfaceId, f.data.length, f.origLen, f.timeText, f.time])).toEqual([[0, 10, 14, '0.000000000', 0], [0, 5, 5, '0.000000000', 0]]);
    expect(r.frames[0]!.notes).toEqual([expect.stringMatching(/no timestamp/)]);
  });

  it('packet blocks too short for their fixed fields stand in as notes; a short IDB still takes its interface id', async () => {
    const w = new Ng().shb().block(1, Buffer.alloc(4)).idb(113, 0).block(6, Buffer.alloc(16)).block(3, Buffer.alloc(0)).block(2, Buffer.alloc(8)).epb(1, 1n, bytes(2)).epb(0, 1n, bytes(2));
    const r = await read(w.bytes());
    expect(r.items.map((it) => (it.kind === 'frame' ? `frame ${it.number} ${it.linkType}` : `note ${it.number ?? '-'} ${it.offset} ${it.fatal}`))).toEqual([
      `note - ${w.offsets[1]} false`,
      `note 1 ${w.offsets[3]} false`,
      `note 2 ${w.offsets[4]} false`,
      `note 3 ${w.offsets[5]} false`,
      'frame 4 113',
      'frame 5 -1',
    ]);
    expect(r.notes.map((n) => n.message)).toEqual([
      expect.stringMatching(/Interface Description Block at offset \d+ \(interface 0\) is too short/),
      expect.stringMatching(/Enhanced Packet Block at offset \d+ is too short for its fixed fields: 28 bytes/),
      expect.stringMatching(/Simple Packet Block at offset \d+ is too short/),
      expect.stringMatching(/Packet Block at offset \d+ is too short/),
    ]);
  });

  it('an EPB longer than its interface\'s snaplen is kept whole, with a note (libpcap stops there)', async () => {
    const r = await read(new Ng().shb().idb(1, 64).epb(0, 1n, bytes(100)).epb(0, 2n, bytes(64)).bytes());
    expect(r.frames.map((f) => f.data.length)).toEqual([100, 64]);
    expect(r.frames[0]!.notes).toEqual([expect.stringMatching(/captured length 100 is bigger than the interface's snapshot length 64/)]);
    expect(r.frames[1]!.notes).toBeUndefined();
  });

  it('IDB options of the wrong length are noted and ignored', async () => {
    const file = new Ng().shb().idb(1, 0, [[9, Buffer.from([9, 9])], [14, Buffer.alloc(4)]]).idb(1, 0, [[9, Buffer.from([30])]]).epb(0, 5n, bytes(1)).epb(1, 5n, bytes(1)).bytes();
    const r = await read(file);
    expect(r.frames.map((f) => f.timeText)).toEqual(['0.000005', '0.000005']);
    expect(r.notes.map((n) => n.message)).toEqual([
      expect.stringMatching(/if_tsresol option of length 2, not 1/),
      expect.stringMatching(/if_tsoffset option of length 4, not 8/),
      expect.stringMatching(/if_tsresol 10\^-30 is too fine/),
    ]);
    expect(r.notes.every((n) => !n.fatal)).toBe(true);
  });

  it('rejects a file that does not start with a Section Header Block, or whose SHB is unreadable', async () => {
    expect((await read(corpusFile('zeek/captures/empty.pcap'), 1 << 20, 'pcapng')).error?.message).toMatch(/not a pcapng file/);
    expect((await read(Buffer.alloc(0), 1, 'pcapng')).error?.message).toMatch(/empty/);
    const shb = new Ng().shb().bytes();
    const badBom = Buffer.from(shb);
    badBom.writeUInt32LE(0x11223344, 8);
    expect((await read(badBom)).error).toMatchObject({ message: expect.stringMatching(/bad byte-order magic/), offset: 0 });
    const huge = Buffer.from(shb);
    huge.writeUInt32LE(0x7ffffff0, 4);
    expect((await read(huge)).error?.message).toMatch(/invalid total length 2147483632/);
    expect((await read(shb.subarray(0, 20), 3)).error?.message).toMatch(/truncated pcapng file: the Section Header Block promises 28 bytes, only 20/);
  });
});

describe('pcapng: corrupted block lengths', () => {
  const base = () => new Ng().shb().idb(1, 0).epb(0, 1n, bytes(20)).epb(0, 2n, bytes(20)).epb(0, 3n, bytes(20));
  const cases: [string, (b: Buffer, at: number) => void, RegExp][] = [
    ['0xFFFFFFF0', (b, at) => b.writeUInt32LE(0xfffffff0, at + 4), /total length of 4294967280, more than the maximum of \d+/],
    ['13', (b, at) => b.writeUInt32LE(13, at + 4), /total length of 13, not a multiple of 4/],
    ['8', (b, at) => b.writeUInt32LE(8, at + 4), /total length of 8, less than the 12 bytes/],
    ['0', (b, at) => b.writeUInt32LE(0, at + 4), /total length of 0, less than/],
    ['misaligned 30', (b, at) => b.writeUInt32LE(30, at + 4), /total length of 30, not a multiple of 4/],
    ['shorter by 4', (b, at) => b.writeUInt32LE(b.readUInt32LE(at + 4) - 4, at + 4), /block total length in header 48 and trailer \d+ don't match at offset/],
    ['trailer', (b, at) => b.writeUInt32LE(1234, at + b.readUInt32LE(at + 4) - 4), /block total length in header 52 and trailer 1234 don't match at offset/],
  ];
  for (const [name, corrupt, re] of cases) {
    it(`total length ${name} in the second EPB: a fatal note at its offset, the frames before it kept`, async () => {
      const w = base();
      const b = w.bytes();
      const at = w.offsets[3]!;
      corrupt(b, at);
      for (const chunk of [1 << 20, 7, 1]) {
        const r = await read(b, chunk);
        expect(r.frames.map((f) => f.number)).toEqual([1]);
        expect(r.notes).toEqual([{ kind: 'note', offset: at, fatal: true, message: expect.stringMatching(re) }]);
        expect(r.notes[0]!.message).toContain(`offset ${at}`);
      }
    });
  }
});

// ---------------------------------------------------------------------------
// Cut short at every byte

describe('a file cut at every byte offset', () => {
  const targets: [string, Buffer][] = [
    ['pcap zeek/tcp__fin_retransmission', corpusFile('zeek/captures/tcp__fin_retransmission.pcap')],
    ['pcap (big-endian) zeek/smb__dssetup', corpusFile('zeek/captures/smb__dssetup_DsRoleGetPrimaryDomainInformation_standalone_workstation.cap')],
    ['pcapng test202 (three sections, two byte orders)', corpusFile('pcapng-test-generator/output_le/difficult/test202.pcapng')],
    ['pcapng tcpdump/dhcp-option-108 (ISB)', corpusFile('tcpdump/captures/dhcp-option-108.pcapng')],
  ];
  for (const [name, whole] of targets) {
    it(name, async () => {
      const full = await read(whole);
      const ng = isPcapng(whole);
      const pcapLE = whole.readUInt32LE(0) === 0xa1b2c3d4;
      const caplenAt = (o: number) => (pcapLE ? whole.readUInt32LE(o + 8) : whole.readUInt32BE(o + 8));
      // Record/block boundaries: where a cut leaves a valid, shorter file.
      const starts = new Set<number>();
      const packetStarts = new Map<number, number>(); // block offset -> frame number
      if (ng) {
        let o = 0;
        let le = true;
        while (o < whole.length) {
          if (whole.readUInt32LE(o) === 0x0a0d0d0a) le = whole.readUInt32LE(o + 8) === 0x1a2b3c4d;
          starts.add(o);
          o += le ? whole.readUInt32LE(o + 4) : whole.readUInt32BE(o + 4);
        }
      } else {
        for (let o = 24; o < whole.length; ) {
          starts.add(o);
          o += 16 + caplenAt(o);
        }
      }
      for (const f of full.frames) packetStarts.set(f.offset, f.number);
      const headerEnd = ng ? whole.readUInt32LE(4) : 24;
      starts.add(whole.length);
      for (let cut = 0; cut < whole.length; cut++) {
        const r = await read(whole.subarray(0, cut), 97);
        if (cut < headerEnd) {
          expect(r.error, `cut ${cut}`).toBeInstanceOf(CaptureError);
          continue;
        }
        expect(r.error, `cut ${cut}`).toBeUndefined();
        expect(r.frames.length).toBeLessThanOrEqual(full.frames.length);
        // Every frame read is the frame of the whole file.
        expect(r.frames.map(plain)).toEqual(full.frames.slice(0, r.frames.length).map(plain));
        if (starts.has(cut)) {
          expect(r.notes, `cut ${cut}`).toEqual([]);
        } else {
          const last = Math.max(...[...starts].filter((s) => s < cut));
          expect(r.notes, `cut ${cut}`).toHaveLength(1);
          const n = r.notes[0]!;
          expect(n).toMatchObject({ offset: last, fatal: true });
          const promised = ng ? undefined : caplenAt(last);
          if (packetStarts.has(last) && (!ng || cut - last >= 4)) {
            expect(n.number).toBe(packetStarts.get(last));
            expect(r.frames.length).toBe(packetStarts.get(last)! - 1);
            if (promised !== undefined && cut - last >= 16) expect(n.message).toBe(`last record cut short: its header at offset ${last} promises ${promised} captured bytes, only ${cut - last - 16} are there`);
            if (ng && cut - last >= 12) expect(n.message).toMatch(new RegExp(`promises \\d+ bytes, only ${cut - last} are there`));
          } else {
            // A block cut within its first 4 bytes: its type, hence whether it was a packet, is unknown.
            expect(n.number).toBeUndefined();
          }
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------
// Chunking

describe('how the input is chunked does not change what is read', () => {
  const files = ['zeek/captures/http__bro.org.pcap', 'tcpdump/captures/timestamp_invalid_nano.pcap', 'zeek/captures/pcapng-multi-interface.pcapng', 'wireshark/captures/dns+icmp.pcapng.gz', 'pcapng-test-generator/output_be/difficult/test202.pcapng'];
  for (const rel of files) {
    it(rel, async () => {
      const b = corpusFile(rel);
      const whole = (await read(b)).items.map(plain);
      for (const size of [1, 3, 12, 100, 4096]) expect((await read(b, size)).items.map(plain)).toEqual(whole);
    });
  }
});

// ---------------------------------------------------------------------------
// The same workload in four captures

describe('generated-local/net: one loopback workload captured four ways', () => {
  it('52 frames each, times within 2 µs of each other (separate, simultaneous captures)', async () => {
    const runs = await Promise.all(['tcp-udp-lo.pcap', 'tcp-udp-lo-nano.pcap', 'tcp-udp-any.pcap', 'tcp-udp-lo.pcapng'].map((f) => read(corpusFile(`generated-local/net/${f}`))));
    expect(runs.map((r) => r.frames.length)).toEqual([52, 52, 52, 52]);
    expect(runs.map((r) => r.frames[0]!.linkType)).toEqual([1, 1, 276, 1]);
    expect(runs.map((r) => r.frames[0]!.timeText.split('.')[1]!.length)).toEqual([6, 9, 6, 9]);
    const ns = (t: string) => {
      const [s, f] = t.split('.');
      return BigInt(s!) * 1000000000n + BigInt(f!.padEnd(9, '0'));
    };
    for (const r of runs) {
      r.frames.forEach((f, i) => {
        const d = ns(f.timeText) - ns(runs[0]!.frames[i]!.timeText);
        expect(d < 0n ? -d : d).toBeLessThanOrEqual(2000n);
      });
    }
  });
});

// ---------------------------------------------------------------------------

describe('link types', () => {
  it('names and descriptions as tcpdump prints them', () => {
    const seen: Record<number, string> = {
      0: 'NULL (BSD loopback)', 1: 'EN10MB (Ethernet)', 6: 'IEEE802 (Token ring)', 8: 'SLIP (SLIP)', 9: 'PPP (PPP)', 10: 'FDDI (FDDI)', 50: 'PPP_SERIAL (PPP over serial)',
      101: 'RAW (Raw IP)', 107: 'FRELAY (Frame Relay)', 113: 'LINUX_SLL (Linux cooked v1)', 127: 'IEEE802_11_RADIO (802.11 plus radiotap header)', 228: 'IPV4 (Raw IPv4)',
      229: 'IPV6 (Raw IPv6)', 231: 'DBUS (D-Bus)', 239: 'NFLOG (Linux netfilter log messages)', 258: 'PKTAP (Apple DLT_PKTAP)', 271: 'VSOCK (Linux vsock)', 276: 'LINUX_SLL2 (Linux cooked v2)',
      149: '149', 160: '160',
    };
    for (const [n, text] of Object.entries(seen)) expect(linkTypeText(Number(n))).toBe(text);
    expect(linkTypeName(279)).toBe('EBHSCR');
    expect(linkTypeName(12)).toBe('RAW');
    expect(LINK_TYPES.size).toBeGreaterThan(150);
  });

  it('covers every link type in the corpus', async () => {
    const missing = new Set<number>();
    for (const rel of captureFiles()) {
      const r = await read(corpusFile(rel));
      for (const f of r.frames) if (!LINK_TYPES.has(f.linkType) && !(f.linkType >= 147 && f.linkType <= 162)) missing.add(f.linkType);
    }
    expect([...missing]).toEqual([]);
  });
});
