/*
 * segv.c - die of SIGSEGV (NULL write) or SIGABRT, for
 *   --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---
 *   +++ killed by SIGSEGV (core dumped) +++
 * The recorder runs it with `ulimit -c unlimited` in a scratch directory and
 * deletes the core file afterwards. "abort" as argv[1] raises SIGABRT.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    write(1, "about to crash\n", 15);
    if (argc > 1 && strcmp(argv[1], "abort") == 0)
        abort();
    *(volatile int *)0 = 42;
    return 0;
}
