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
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
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

#define EXIT_SETUP 128 /* what Docker reports when the runtime fails before exec */

/* The plan's vocabulary (steps.h): OP_NAMESPACES, OP_STDIN, ... and what each takes. */
enum op {
#define STEP(id, name, who, min, max) OP_##id,
#include "steps.h"
#undef STEP
    OP_COUNT
};
enum who { SUPERVISOR, CHILD };
#define MANY (-1)
struct op_info {
    const char *name;
    enum who who;
    int min, max;
};
extern const struct op_info ops[OP_COUNT];

struct step {
    enum op op;
    const char *name;
    int argc;
    char **argv;
};

/* plan.c */
extern struct step *steps;
extern int nsteps;
extern int op_count[OP_COUNT]; /* how many steps of each kind the plan holds */
extern int sync_fd;            /* child's end of the socketpair to the supervisor */
void put(int fd, const char *s, size_t n);
void event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fail_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void *alloc(size_t n, size_t size);
char *read_file(const char *path, size_t *len);
void parse_plan(char *p, size_t len);
unsigned long long num(const char *s);
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
