/**
 * The catalogue of findings: every id tracediff can report, its severity,
 * its title and the explanation it gives, as data. The rules that find them
 * are in src/findings/rules/; docs/findings.md is generated from this table
 * and src/knowledge/errno-advice.ts (`npm run docs:rules`).
 *
 * Templates use {name} for values the rule fills in (a path, a count, a
 * duration). An explanation says what happened, why it matters and what to
 * check, in that order.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface FindingKind {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
  /** Where the rule comes from, when it is someone else's (Wireshark, Zeek, the kernel docs). */
  readonly source?: string;
}

export const FINDING_KINDS: readonly FindingKind[] = [
  // process
  {
    id: 'process.killed',
    severity: 'error',
    title: '{proc} ({program}) was killed by {signal}',
    explanation: '{signal} ended the process{core}. {advice}',
  },
  {
    id: 'process.exit-nonzero',
    severity: 'error',
    title: '{proc} ({program}) exited with status {code}',
    explanation: 'The traced program reported failure with exit status {code}. Its last failing calls before the exit are the place to look; a status the program documents (curl 7: could not connect, 28: timed out, 56: receive failure) names the failure.',
  },
  {
    id: 'process.child-exit-nonzero',
    severity: 'info',
    title: 'Child {proc} ({program}) exited with status {code}',
    explanation: 'A child process exited with status {code}. Shell pipelines and probes do this routinely (grep finding nothing exits 1); it matters when the parent acts on it.',
  },
  {
    id: 'process.blocked',
    severity: 'warning',
    title: '{call} in {proc} never returned: blocked {duration} on {target}',
    explanation: 'The trace ends while {proc} is inside {call} on {target}, entered at {since} and still waiting: {duration}. A process stuck here does nothing else: if it is a single-threaded server, every other client waits too.',
  },
  {
    id: 'process.stuck-server',
    severity: 'error',
    title: 'Server ({proc}) stuck reading one client while it is also the one that accepts on {listener}',
    explanation: 'The server ({proc}) accepted a client and is blocked in {call} on that connection ({target}) since {since}, {duration}, while it is the process that accepts on {listener}. Nothing else is served meanwhile: new clients fill the listen queue{backlog} and then their SYNs go unanswered. Give the read a timeout, serve clients concurrently (threads, an event loop), and look at what the stuck client is doing.',
  },
  {
    id: 'process.slow-call',
    severity: 'warning',
    title: '{call} took {duration} in {proc}',
    explanation: 'One call on {target} took {duration} (from {from}). A call this slow is where the time went: a slow disk or a lock for file calls, a slow peer for network calls.',
  },
  // sockets in strace
  {
    id: 'socket.listen-backlog',
    severity: 'warning',
    title: 'listen() backlog of {backlog} on {listener}',
    explanation: 'The listening socket on {listener} was given a backlog of {backlog}: at most that many connections can wait to be accepted. When the server is slow to accept, further SYNs are dropped (the kernel logs "Possible SYN flooding on port …") and clients retransmit them 1, 2, 4 … s later. Check the backlog the program asks for (e.g. Python socketserver request_queue_size = 5), net.core.somaxconn and net.ipv4.tcp_max_syn_backlog, and why accepting is slow.',
  },
  // TCP, from captures or tcpdump text
  {
    id: 'tcp.syn-unanswered',
    severity: 'error',
    title: 'SYN to {server} sent {tries} times, never answered',
    explanation: 'The client sent its SYN to {server} {tries} times ({intervals}) and got neither a SYN-ACK nor a reset: the packets were dropped (a firewall DROP rule, a full SYN queue, a host or route that swallows them), not refused. With the kernel\'s exponential backoff (net.ipv4.tcp_syn_retries, default 6: tries at 0, 1, 3, 7, 15, 31, 63 s) the connect gives up after about {kernelGiveUp} unless the application times out first, so a proxy timeout of 60 s is reached by the retries alone. Check firewall rules and whether the server listens and accepts (ss -ltn on the server).',
    source: 'Wireshark tcp.analysis.retransmission; Zeek conn_state S0',
  },
  {
    id: 'tcp.syn-unanswered-many',
    severity: 'error',
    title: 'SYNs from {clients} connections to {server} unanswered while other connections to it succeed',
    explanation: '{clients} connections to {server} sent SYNs that were never answered (retransmitted {tries} times in all), while {served} other connections to the same server were accepted. The listener exists but is not taking connections: its accept queue is full (a small listen backlog, a server that does not call accept, a single-threaded server stuck on one client). Look for "Possible SYN flooding on port" in dmesg, the backlog in ss -ltn (Send-Q) and what the server process is doing.',
  },
  {
    id: 'tcp.refused',
    severity: 'error',
    title: 'Connection to {server} refused (RST answering the SYN)',
    explanation: 'The SYN to {server} was answered by a reset: nothing listens on that port on that host, or a firewall REJECTs with a reset. Check that the service runs and listens on that address and port (ss -ltn), and firewall REJECT rules.',
    source: 'Zeek conn_state REJ; Wireshark tcp.analysis: RST to SYN',
  },
  {
    id: 'tcp.reset-after-handshake',
    severity: 'error',
    title: 'Connection to {server} reset right after the handshake, by the {by}',
    explanation: 'The handshake with {server} completed and then the {by} sent a reset before any data. Servers do this when they accept and immediately drop a connection: out of file descriptors (accept fails with EMFILE, or the accept queue is flushed), an overloaded or crashing process, or a load balancer with no healthy backend.',
  },
  {
    id: 'tcp.reset-after-request',
    severity: 'error',
    title: '{count} connection(s) to {server} reset by the {by} after the request, with no response',
    explanation: 'The client sent its request ({requestBytes} bytes on the first) and the {by} answered with a reset instead of a response. The server process aborted the connection: it crashed or was killed mid-request, closed the socket with unread data, hit a limit (file descriptors, memory), or timed out. The server\'s own logs at that time say which.',
  },
  {
    id: 'tcp.close-wait',
    severity: 'warning',
    title: '{count} connection(s) to {server} closed by the client but never by the server (CLOSE_WAIT)',
    explanation: 'The client sent its FIN on {count} connection(s) and the server never closed its side before the capture ended: those sockets sit in CLOSE_WAIT on the server (each holding a file descriptor once accepted). A server piling them up is not closing connections whose clients gave up, typically because its handlers are stuck (a blocked database pool, a lock) — the fds leak until accept fails with EMFILE. Check ss -tan state close-wait on the server and what its handlers wait for.',
  },
  {
    id: 'tcp.no-response',
    severity: 'error',
    title: 'Requests on {count} connection(s) to {server} acknowledged but never answered, for up to {duration}',
    explanation: 'The client sent its request ({requestBytes} bytes on the first), the server\'s TCP acknowledged it, and then nothing came back: for {duration} on the longest ({end}). The network delivered the request; the server application never answered — it is slow, stuck, or waiting on something else (a backend, a lock, a full pool).',
  },
  {
    id: 'tcp.zero-window',
    severity: 'warning',
    title: '{side} of the connection to {server} advertised a zero window {count} time(s)',
    explanation: 'The receiver\'s buffer was full: it told the sender to stop ({count} zero-window advertisements). The receiving application is not reading fast enough (busy, blocked, or slow disk behind it).',
    source: 'Wireshark tcp.analysis.zero_window',
  },
  {
    id: 'tcp.retransmissions',
    severity: 'warning',
    title: '{count} retransmitted segments on the connection to {server}',
    explanation: 'Data segments on this connection were sent again {count} times: packets were lost or delayed on the path (congestion, a flaky link, a middlebox), and every loss costs at least one retransmission timeout of waiting.',
    source: 'Wireshark tcp.analysis.retransmission',
  },
  {
    id: 'tcp.short-connections',
    severity: 'warning',
    title: '{count} short connections from {client} to {server}, each closed first by the client',
    explanation: 'The client opened {count} connections to {server} in {span}, each lasting about {typical} and closed first by the client{reused}. The side that closes first keeps the socket in TIME_WAIT for 60 s, so a client making connections this fast holds {rate} ports per second of its ephemeral range (net.ipv4.ip_local_port_range) and runs out — connect() then fails with EADDRNOTAVAIL. Reuse connections (HTTP keep-alive, upstream keepalive in nginx), widen the port range, or enable net.ipv4.tcp_tw_reuse.',
  },
];

/**
 * Calls a process may be inside when a trace ends without being stuck: it
 * waits for work (readiness waits, accept, locks and sleeps, waiting for a
 * child), by syscall class and family (src/knowledge/syscall-families.ts).
 */
export const IDLE_AT_END = {
  classes: new Set(['wait', 'sync']) as ReadonlySet<string>,
  families: new Set(['accept', 'wait']) as ReadonlySet<string>,
  why: 'a server in poll or accept, a worker on a futex or in a sleep, a shell in wait4: that is where an idle program sits when the trace stops',
} as const;

export function findingKind(id: string): FindingKind | undefined {
  return KINDS.get(id);
}

const KINDS = new Map(FINDING_KINDS.map((k) => [k.id, k]));

/** Fill {name} placeholders; a missing value leaves the placeholder's name in angle brackets, never "undefined". */
export function fillTemplate(template: string, vars: Readonly<Record<string, string | number | undefined>>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (_, k: string) => {
    const v = vars[k];
    return v === undefined ? `<${k}>` : String(v);
  });
}
