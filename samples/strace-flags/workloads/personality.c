/*
 * personality.c - a 64-bit program that makes two i386 system calls through
 * "int $0x80". strace notices the change of syscall ABI and prints
 *   [ Process PID=N runs in 32 bit mode. ]
 *   [ Process PID=N runs in 64 bit mode. ]
 * and decodes the int 0x80 calls with the i386 syscall table.
 * Build with -no-pie so that the string lives below 4 GiB.
 */
#include <unistd.h>

static const char msg[] = "hello from int 0x80\n";

int main(void)
{
    long ret;
    /* i386 getpid = 20 */
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
    /* i386 write = 4: write(1, msg, len) */
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(4L), "b"(1L), "c"((long)msg), "d"((long)(sizeof msg - 1))
                     : "memory");
    /* back to the 64-bit syscall instruction */
    getppid();
    return 0;
}
