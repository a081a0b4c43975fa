/*
 * fds.c - exercise many kinds of file descriptor so that strace's -y / -yy /
 * -e decode-fds=... / -x / -xx / -s / -v / -X output forms all show up.
 *
 * Usage: fds DIR      (DIR is a scratch directory; it is created if missing)
 *
 * Everything is bounded and local: no network, no loops without a limit.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[512];

/* "ünïcödé-日本.txt" spelled as bytes (string pieces split so that the hex
 * escapes do not swallow the following letters) */
#define UTF8_NAME "\xc3\xbc" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9" "-" \
    "\xe6\x97\xa5" "\xe6\x9c\xac" ".txt"

static void path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_named(const char *name, const char *text)
{
    char p[1024];
    path(p, sizeof p, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    write(fd, text, strlen(text));
    fsync(fd);
    close(fd);
}

int main(int argc, char **argv)
{
    char p[1024];
    char buf[8192];
    ssize_t n;

    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "/tmp/tracediff-work");
    mkdir(dir, 0755);
    /* chdir so that relative paths and AT_FDCWD appear too */
    chdir(dir);

    /* 1. awkward file names: space, quote, backslash, newline, tab, UTF-8 */
    write_named("with space.txt", "space\n");
    write_named("quote\"d 'single'.txt", "quotes\n");
    write_named("back\\slash.txt", "backslash\n");
    write_named("new\nline.txt", "newline\n");
    write_named("tab\there.txt", "tab\n");
    write_named(UTF8_NAME, "utf8\n");
    write_named("ctrl\x01\x7f.txt", "control chars\n");

    /* read one of them back by relative path with openat(AT_FDCWD, ...) */
    int rfd = openat(AT_FDCWD, "with space.txt", O_RDONLY);
    n = read(rfd, buf, sizeof buf);
    pread(rfd, buf, 3, 1);
    lseek(rfd, 0, SEEK_SET);
    struct stat st;
    fstat(rfd, &st);
    close(rfd);
    stat("with space.txt", &st);
    lstat("new\nline.txt", &st);
    rename("tab\there.txt", "tab\there renamed.txt");
    symlink("with space.txt", "link to space");
    readlink("link to space", buf, sizeof buf);

    /* directory listing: getdents64 with an array of structures */
    int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
    close(dfd);

    /* 2. /dev/null: -yy prints </dev/null<char 1:3>> */
    int nullfd = open("/dev/null", O_WRONLY);
    /* binary data: NUL, control bytes, high bytes and UTF-8, for -x / -xx */
    static const char bin[] = "A\0\x01\x02\t\n\r\x1b[0m \x7f\x80\xfe\xff caf\xc3\xa9 \"q\" \\ end";
    write(nullfd, bin, sizeof bin - 1);
    /* a long string: default -s 32 cuts it with "..."; -s 4096 shows more */
    memset(buf, 0, sizeof buf);
    for (int i = 0; i < 5000; i++)
        buf[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36];
    write(nullfd, buf, 5000);
    /* writev/readv with iovecs */
    struct iovec iov[3] = {
        {"first ", 6}, {"second ", 7}, {"third\n", 6},
    };
    writev(nullfd, iov, 3);
    pwritev(nullfd, iov, 2, 0);
    dup2(nullfd, 10);
    fcntl(10, F_SETFD, FD_CLOEXEC);
    fcntl(10, F_GETFL);
    close(10);

    /* 3. pipes */
    int pfd[2];
    pipe2(pfd, O_CLOEXEC);
    write(pfd[1], "through the pipe\n", 17);
    n = read(pfd[0], buf, sizeof buf);

    /* 4. eventfd */
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    uint64_t one = 1, got = 0;
    write(efd, &one, sizeof one);
    read(efd, &got, sizeof got);

    /* 5. timerfd: 1 ms one-shot timer */
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = {{0, 0}, {0, 1000000}};
    timerfd_settime(tfd, 0, &its, NULL);
    read(tfd, &got, sizeof got);

    /* 6. signalfd: block SIGUSR1, raise it, read it from the signalfd */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo ssi;
    read(sfd, &ssi, sizeof ssi);

    /* 7. epoll over the pipe, the eventfd and the timerfd */
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x1122334455667788ULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, pfd[0], &ev);
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = efd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev);
    write(pfd[1], "x", 1);
    struct epoll_event evs[4];
    epoll_wait(epfd, evs, 4, 100);
    epoll_ctl(epfd, EPOLL_CTL_DEL, efd, NULL);

    /* 8. inotify on the scratch directory */
    int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    inotify_add_watch(ifd, dir, IN_CREATE | IN_DELETE | IN_MODIFY);
    write_named("watched.txt", "inotify\n");
    n = read(ifd, buf, sizeof buf);

    /* 9. memfd_create */
    int mfd = memfd_create("tracediff memfd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    ftruncate(mfd, 4096);
    write(mfd, "in memory\n", 10);
    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
    void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0);
    munmap(m, 4096);

    /* 10. a file unlinked while open: -y shows "(deleted)" */
    path(p, sizeof p, "unlinked while open.txt");
    int ufd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    unlink(p);
    write(ufd, "still here\n", 11);
    fstat(ufd, &st);
    lseek(ufd, 0, SEEK_SET);
    read(ufd, buf, sizeof buf);

    /* 11. pidfd of a child: -yy / decode-fds=pidfd prints pidfd:[PID] */
    pid_t child = fork();
    if (child == 0) {
        _exit(0);
    }
    int pidfd = syscall(SYS_pidfd_open, child, 0);
    waitid(P_PIDFD, pidfd, NULL, WEXITED);
    close(pidfd);

    /* 12. O_PATH fd and fd relative *at() calls on a directory fd */
    int dirfd_ = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    fstatat(dirfd_, "with space.txt", &st, AT_SYMLINK_NOFOLLOW);
    faccessat(dirfd_, "with space.txt", R_OK, 0);
    struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    utimensat(dirfd_, "with space.txt", ts, 0);
    close(dirfd_);

    /* tidy up the scratch files */
    unlink("with space.txt");
    unlink("quote\"d 'single'.txt");
    unlink("back\\slash.txt");
    unlink("new\nline.txt");
    unlink("tab\there renamed.txt");
    unlink(UTF8_NAME);
    unlink("ctrl\x01\x7f.txt");
    unlink("link to space");
    unlink("watched.txt");

    close(ufd);
    close(mfd);
    close(ifd);
    close(epfd);
    close(sfd);
    close(tfd);
    close(efd);
    close(pfd[0]);
    close(pfd[1]);
    close(nullfd);
    (void)n;
    return 0;
}
