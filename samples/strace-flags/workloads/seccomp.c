/*
 * seccomp.c - install a seccomp filter in a child and break its rules, for
 *   prctl(PR_SET_NO_NEW_PRIVS...), seccomp(SECCOMP_SET_MODE_FILTER, ...)
 *   getuid() = -1 EPERM             (SECCOMP_RET_ERRNO)
 *   --- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, ...} ---
 *   +++ killed by SIGSYS (core dumped) +++     (SECCOMP_RET_TRAP, no handler)
 * plus a call to a syscall number the kernel does not have (1000), which
 * strace prints as syscall_0x3e8(...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    syscall(1000, 1, 2, 3); /* no such syscall: ENOSYS */

    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        struct sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getuid, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
        syscall(SYS_getuid);  /* -1 EPERM from the filter */
        syscall(SYS_getppid); /* SIGSYS */
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return 0;
}
