/** The strace sample pairs of samples/README.md, good and bad, as paths relative to the repository (as the CLI is given them). */
const S = (p: string) => `samples/${p}`;

export const STRACE_PAIRS: ReadonlyArray<[good: string, bad: string]> = [
  [S('nginx-cache-enospc/good.strace'), S('nginx-cache-enospc/bad.strace')],
  [S('nginx-tmpfs-enospc/good.strace'), S('nginx-tmpfs-enospc/bad.strace')],
  [S('nginx-tmpfs-enospc/good-ftt.strace'), S('nginx-tmpfs-enospc/bad-ftt.strace')],
  [S('connect-refused/good.strace'), S('connect-refused/bad.strace')],
  [S('connect-refused/good-wget.strace'), S('connect-refused/bad-wget.strace')],
  [S('slow-backend/good.strace'), S('slow-backend/bad.strace')],
  [S('slow-backend/good-wget.strace'), S('slow-backend/bad-wget.strace')],
  [S('shell-missing-config/good.strace'), S('shell-missing-config/bad.strace')],
  ...['curl', 'ls', 'nginx', 'python', 'shell'].map((p): [string, string] => [S(`good-twice/${p}/run1.strace`), S(`good-twice/${p}/run2.strace`)]),
];
