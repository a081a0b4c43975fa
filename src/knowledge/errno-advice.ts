/**
 * What an errno usually means when it ends up in an incident, and what to
 * check: knowledge as data, next to the name/meaning table of errno.ts.
 * A failed call no routine rule explains (src/knowledge/syscall-analysis.ts)
 * becomes the finding `errno.<NAME>`; the rows here give it its severity,
 * causes and advice. An errno with no row still becomes a finding, with
 * strace's meaning of it and severity `warning`.
 */
import type { Severity } from './findings.js';

export interface ErrnoAdvice {
  readonly errno: string;
  readonly severity: Severity;
  /** Only for these syscall families (src/knowledge/syscall-families.ts); otherwise the generic meaning applies. */
  readonly families?: readonly string[];
  /** What it usually means here. */
  readonly causes: string;
  /** What to check. */
  readonly check: string;
}

export const ERRNO_ADVICE: readonly ErrnoAdvice[] = [
  { errno: 'ENOSPC', severity: 'error', causes: 'the filesystem holding {target} is full: no free blocks, or no free inodes', check: 'df -h and df -i on that filesystem; what filled it (caches, temp files, logs: du -x); for a tmpfs, its size= option' },
  { errno: 'EDQUOT', severity: 'error', causes: 'the user\'s disk quota on the filesystem holding {target} is used up', check: 'quota -v for the user the process runs as; repquota on the filesystem' },
  { errno: 'EMFILE', severity: 'error', causes: 'the process reached its own limit of open file descriptors (RLIMIT_NOFILE)', check: 'the limit (ulimit -n, prlimit --pid, LimitNOFILE= in the systemd unit, worker_rlimit_nofile in nginx), ls /proc/PID/fd | wc -l, and fds that are never closed: sockets piling up in CLOSE_WAIT (ss -tanp state close-wait) are the classic leak' },
  { errno: 'ENFILE', severity: 'error', causes: 'the whole system ran out of file handles (fs.file-max)', check: 'cat /proc/sys/fs/file-nr against fs.file-max; which process holds most (lsof | awk \'{print $2}\' | sort | uniq -c | sort -n)' },
  { errno: 'EADDRNOTAVAIL', severity: 'error', families: ['connect'], causes: 'no local port was free for a new outgoing connection: the ephemeral port range is exhausted, usually by sockets in TIME_WAIT from many short connections to the same server', check: 'net.ipv4.ip_local_port_range, the TIME_WAIT count (ss -tan state time-wait | wc -l), keep-alive to the upstream (nginx upstream keepalive), net.ipv4.tcp_tw_reuse' },
  { errno: 'EADDRNOTAVAIL', severity: 'error', families: ['bind'], causes: 'the address to bind is not configured on any interface of this host (or namespace)', check: 'ip addr; whether the service starts before the interface has its address (net.ipv4.ip_nonlocal_bind)' },
  { errno: 'EADDRINUSE', severity: 'error', families: ['bind', 'listen'], causes: 'another socket already holds that address and port', check: 'ss -ltnp for the port: a second instance, or an old one still running; SO_REUSEADDR for restarts' },
  { errno: 'ECONNREFUSED', severity: 'error', causes: 'the peer answered the connection with a reset: nothing listens on that address and port, or a firewall REJECTs it', check: 'that the service runs and listens there (ss -ltn on the server), the address and port the client uses, REJECT rules' },
  { errno: 'ETIMEDOUT', severity: 'error', causes: 'the connection attempt (or an established connection) got no answer until the kernel gave up: SYNs or segments dropped on the way', check: 'firewall DROP rules, routing, whether the server\'s accept queue is full; the capture shows the retransmissions' },
  { errno: 'ECONNRESET', severity: 'error', causes: 'the peer reset the connection: it crashed, was killed, closed with unread data, or hit a limit (file descriptors, memory)', check: 'the peer\'s logs at that time, its fd limit and CLOSE_WAIT count, a load balancer\'s idle timeout' },
  { errno: 'EPIPE', severity: 'error', causes: 'the process wrote to a connection or pipe whose other end was already closed', check: 'why the reader went away first (it timed out, crashed, or closed early); for HTTP, a client that gave up' },
  { errno: 'EHOSTUNREACH', severity: 'error', causes: 'no route to the host, or an ICMP host-unreachable / admin-prohibited came back', check: 'ip route get ADDRESS, firewall REJECT rules with icmp-host-prohibited, ARP/neighbour resolution of the next hop' },
  { errno: 'ENETUNREACH', severity: 'error', causes: 'no route to the network', check: 'ip route; the default route; IPv6 attempted on a host without IPv6 routing' },
  { errno: 'EACCES', severity: 'error', causes: 'permission denied on {target}: file mode or ownership, a directory on the path without search permission, or an LSM (SELinux, AppArmor) denial', check: 'ls -l along the path (namei -l PATH), the user the process runs as, audit logs (ausearch -m avc, dmesg for apparmor)' },
  { errno: 'EPERM', severity: 'error', causes: 'the operation is not permitted to this process: missing capability, seccomp filter, immutable file, or a restricted namespace', check: 'the capabilities (getpcaps PID), seccomp (grep Seccomp /proc/PID/status), lsattr on the file' },
  { errno: 'ENOENT', severity: 'warning', causes: '{target} does not exist at the time of the call (not a PATH lookup or locale probe: those are routine)', check: 'whether the file should exist there: a missing configuration or data file, a wrong working directory, a deploy that did not ship it, a race with whatever creates it' },
  { errno: 'ENOMEM', severity: 'error', causes: 'the kernel could not allocate memory for the call: memory exhausted, a cgroup memory limit, or an address-space limit (RLIMIT_AS, vm.overcommit)', check: 'free -m, the cgroup\'s memory.max and memory.events, dmesg for the OOM killer, ulimit -v' },
  { errno: 'EAGAIN', severity: 'error', families: ['fork'], causes: 'a new process or thread could not be created: the user\'s process limit (RLIMIT_NPROC), the cgroup\'s pids.max, or kernel.threads-max', check: 'ulimit -u, the cgroup\'s pids.max and pids.current, how many threads the process has' },
  { errno: 'EAGAIN', severity: 'warning', causes: 'the call would have blocked or a resource was temporarily unavailable, outside the normal non-blocking read/write/accept loop', check: 'which resource: a lock (flock/fcntl), a full pipe or socket buffer, an exhausted kernel queue' },
  { errno: 'EIO', severity: 'error', causes: 'an I/O error from the device or the filesystem under {target}', check: 'dmesg for disk or filesystem errors, SMART data, the network filesystem\'s server' },
  { errno: 'EROFS', severity: 'error', causes: 'the filesystem holding {target} is mounted read-only (perhaps remounted read-only after errors)', check: 'mount | grep for it; dmesg for the remount and the errors that caused it' },
  { errno: 'ENOBUFS', severity: 'error', causes: 'the kernel ran out of buffer space for the socket or interface', check: 'net.core.wmem/rmem settings, the interface queue, dmesg' },
];

/** The advice row for an errno on a syscall family: the family-specific row first, then the general one. */
export function errnoAdvice(errno: string, family: string): ErrnoAdvice | undefined {
  let general: ErrnoAdvice | undefined;
  for (const a of ERRNO_ADVICE) {
    if (a.errno !== errno) continue;
    if (a.families) {
      if (a.families.includes(family)) return a;
    } else general ??= a;
  }
  return general;
}
