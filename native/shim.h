/* berth-shim: what the supervisor (berth-shim.c), the plan reader (plan.c) and the container
 * setup (container.c) share. */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

#define MAX_ARGS 64
#define MAX_STEPS 1024
#define EXIT_SETUP 128 /* what Docker reports when the runtime fails before exec */

struct step {
    const char *op;
    int argc;
    char *argv[MAX_ARGS];
};

/* plan.c */
extern struct step steps[MAX_STEPS];
extern int nsteps;
extern int sync_fd; /* child's end of the socketpair to the supervisor */
void put(int fd, const char *s, size_t n);
void event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fail_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
char *read_file(const char *path, size_t *len);
void parse_plan(char *p, size_t len);
unsigned long long num(const char *s);
int need(const struct step *s, int n);
void default_signals(void);

#define fail(...) fail_code(EXIT_SETUP, __VA_ARGS__)
#define SYSFAIL(call, what) fail("%s %s: %s", call, what, strerror(errno))

/* container.c */
extern int use_init;
extern int stdio_fds[3];
extern int terminal;
void child_main(void) __attribute__((noreturn));
void reap_main(int argc, char **argv) __attribute__((noreturn));

#endif
