/*
 * A tiny static test payload (as crun's tests/init.c): tries each system call the security review
 * reached inside a default container and prints "name errno" (0 when the call succeeded).
 * Busybox has none of these calls. Built with gcc -static by SeccompIT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
    printf("%s %d\n", name, rc < 0 ? errno : 0);
}

/* In a child, so that a call that works (a new user namespace) changes nothing for the next. */
static void in_child(const char *name, long (*call)(void))
{
    int pipefd[2];
    if (pipe(pipefd) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        long rc = call();
        int err = rc < 0 ? errno : 0;
        if (write(pipefd[1], &err, sizeof err) != sizeof err)
            _exit(2);
        _exit(0);
    }
    int err = -1;
    if (read(pipefd[0], &err, sizeof err) != sizeof err)
        err = -1;
    waitpid(pid, NULL, 0);
    printf("%s %d\n", name, err);
}

static long do_unshare(void)
{
    return unshare(CLONE_NEWUSER);
}

static long do_clone_newuser(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        _exit(0);
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    return pid;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    report("add_key", syscall(SYS_add_key, "user", "berth-probe", "x", 1, -2 /* process keyring */));
    report("request_key", syscall(SYS_request_key, "user", "berth-probe-none", NULL, 0));
    in_child("unshare", do_unshare);
    in_child("clone", do_clone_newuser);
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_TASK_CLOCK;
    attr.exclude_kernel = 1;
    report("perf_event_open", syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    report("userfaultfd", syscall(SYS_userfaultfd, 0));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    report("io_uring_setup", syscall(SYS_io_uring_setup, 1, &params));
    char buf[64];
    report("lookup_dcookie", syscall(SYS_lookup_dcookie, 0, buf, sizeof buf));
    report("clone3", syscall(SYS_clone3, NULL, 0));
    report("getpid", syscall(SYS_getpid));
    return 0;
}
