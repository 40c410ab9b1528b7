/*
 * berth-shim: the hands of Berth's runtime.
 *
 * Java (dev.berth.runtime.plan) decides everything about a container and writes a flat plan;
 * this program executes it. It exists in C because what happens between clone and execve in
 * the container's new namespaces cannot be done from a multi-threaded JVM (runc's nsexec.c
 * exists for the same reason).
 *
 * Usage: berth-shim [--init] PLAN
 *
 * The plan is a sequence of records, one per line: an operation name, then each argument as
 * " <length>:<bytes>", then '\n'. Length prefixes make any byte (spaces, newlines) safe in paths
 * and arguments without an escaping scheme.
 *
 * Two processes:
 *  - the supervisor (this process) stays in the daemon's namespaces, holds the container's stdio
 *    (or the pty master), forwards signals, reaps, and reports on its stdout, one event a line:
 *      "pid N"            host pid of the container's first process, which now waits
 *      "started"          execve succeeded
 *      "error CODE MSG"   setup or exec failed (the container exits with CODE)
 *      "exit CODE" | "signal N"   final status, also written to the exit file
 *    and reads commands on its stdin: "go" (cgroups are placed: continue), "kill SIG",
 *    "resize ROWS COLS".
 *  - the child, cloned into new namespaces, waits for "go", then runs the plan's steps in order
 *    and ends in execve.
 *
 * With "create-cmd"/"start-cmd" in the plan the shim supervises another OCI runtime instead
 * (runc, crun): it becomes a child subreaper, runs "runc create" (the container's first process
 * is reparented to the shim when runc exits), reports its pid from the pid file, runs
 * "runc start" on "go", and reaps and reports as above.
 */
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

static struct step steps[MAX_STEPS];
static int nsteps;
static int sync_fd = -1;  /* child's end of the socketpair to the supervisor */
static int root_fd = -1;  /* O_PATH fd of the container's root before pivot_root */
static char *exec_argv[MAX_ARGS * 4];
static int exec_argc;
static char *exec_envp[MAX_ARGS * 8];
static int exec_envc;
static int use_init;

/* ---------------------------------------------------------------- reporting */

static void put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the reader went away; nothing better to do with a report */
        s += w;
        n -= (size_t)w;
    }
}

static void event(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    put(STDOUT_FILENO, buf, (size_t)n);
}

/* Supervisor-side fatal error: say which call failed and why, then exit. */
static void die(const char *fmt, ...)
{
    char buf[1024];
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    event("error %d %s: %s", EXIT_SETUP, buf, strerror(err));
    fprintf(stderr, "berth-shim: %s: %s\n", buf, strerror(err));
    exit(EXIT_SETUP);
}

/* Child-side failure: the message goes to the supervisor over the sync socket, then exit CODE. */
static void fail_code(int code, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n >= (int)sizeof buf)
        n = sizeof buf - 1;
    char msg[2100];
    int m = snprintf(msg, sizeof msg, "%d %s", code, buf);
    if (sync_fd >= 0)
        put(sync_fd, msg, (size_t)m);
    else
        fprintf(stderr, "berth-shim: %s\n", buf);
    _exit(code);
}

#define fail(...) fail_code(EXIT_SETUP, __VA_ARGS__)
#define SYSFAIL(call, what) fail("%s %s: %s", call, what, strerror(errno))

/* ---------------------------------------------------------------- plan parsing */

static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open plan %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat plan %s", path);
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        die("malloc plan");
    size_t off = 0;
    while (off < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + off, (size_t)st.st_size - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("read plan %s", path);
        if (r == 0)
            break;
        off += (size_t)r;
    }
    close(fd);
    buf[off] = 0;
    *len = off;
    return buf;
}

/* Parses in place: separators after each word and argument become NULs. */
static void parse_plan(char *p, size_t len)
{
    char *end = p + len;
    while (p < end) {
        if (nsteps == MAX_STEPS) {
            errno = E2BIG;
            die("plan: more than %d steps", MAX_STEPS);
        }
        struct step *s = &steps[nsteps++];
        s->op = p;
        while (p < end && *p != ' ' && *p != '\n')
            p++;
        if (p == end) {
            errno = EINVAL;
            die("plan: truncated after '%s'", s->op);
        }
        while (*p == ' ') {
            *p++ = 0;
            char *colon;
            unsigned long n = strtoul(p, &colon, 10);
            if (colon == p || *colon != ':' || n > (unsigned long)(end - colon - 1)) {
                errno = EINVAL;
                die("plan: bad argument length in '%s'", s->op);
            }
            if (s->argc == MAX_ARGS) {
                errno = E2BIG;
                die("plan: too many arguments for '%s'", s->op);
            }
            s->argv[s->argc++] = colon + 1;
            p = colon + 1 + n;
            if (p >= end || (*p != ' ' && *p != '\n')) {
                errno = EINVAL;
                die("plan: argument of '%s' not followed by a separator", s->op);
            }
        }
        *p++ = 0; /* the '\n' */
    }
}

static unsigned long long num(const char *s)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 0);
    if (errno || *e || e == s)
        fail("plan: '%s' is not a number", s);
    return v;
}

static int need(const struct step *s, int n)
{
    if (s->argc < n)
        fail("plan: '%s' needs %d arguments, has %d", s->op, n, s->argc);
    return 1;
}

/* ---------------------------------------------------------------- paths inside the rootfs */

static int openat2_path(int dirfd, const char *path, int flags)
{
    struct open_how how = {.flags = (uint64_t)(flags | O_PATH | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/*
 * Opens PATH inside the container's root (symlinks cannot leave it: RESOLVE_IN_ROOT),
 * creating missing directories on the way and, when CREATE is 'f', an empty file at the end
 * (a bind mount of a file needs a file to land on).
 */
static int open_in_root(const char *path, int create)
{
    int fd = openat2_path(root_fd, path, 0);
    if (fd >= 0 || errno != ENOENT || create == '-')
        return fd;
    char prefix[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof prefix) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int dir = openat2_path(root_fd, "/", O_DIRECTORY);
    if (dir < 0)
        return -1;
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        if (i == start)
            break;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        int last = (i >= len) || strspn(path + i, "/") == len - i;
        int next = openat2_path(root_fd, prefix, 0);
        if (next < 0 && errno == ENOENT) {
            char name[NAME_MAX + 1];
            if (i - start > NAME_MAX) {
                errno = ENAMETOOLONG;
                close(dir);
                return -1;
            }
            memcpy(name, path + start, i - start);
            name[i - start] = 0;
            if (last && create == 'f') {
                int f = openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f < 0) {
                    close(dir);
                    return -1;
                }
                close(f);
            } else if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) {
                close(dir);
                return -1;
            }
            next = openat2_path(root_fd, prefix, 0);
        }
        close(dir);
        if (next < 0)
            return -1;
        dir = next;
    }
    return dir;
}

static void fd_path(char *buf, size_t n, int fd)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
}

/* mount(2) onto a path resolved inside the rootfs; the target is addressed through its fd. */
static void mount_in_root(const char *src, const char *dest, const char *type, unsigned long flags, const char *data, int create)
{
    int fd = open_in_root(dest, create);
    if (fd < 0)
        SYSFAIL("open", dest);
    char target[64];
    fd_path(target, sizeof target, fd);
    if (mount(*src ? src : NULL, target, *type ? type : NULL, flags, *data ? data : NULL) < 0)
        fail("mount %s on %s (type %s): %s", *src ? src : "-", dest, *type ? type : "-", strerror(errno));
    close(fd);
}

/* Splits DEST into the fd of its (created) parent directory and its last component. */
static int parent_in_root(const char *dest, char *name, size_t n)
{
    const char *slash = strrchr(dest, '/');
    char parent[PATH_MAX];
    if (!slash || strlen(slash + 1) >= n || (size_t)(slash - dest) >= sizeof parent)
        fail("plan: bad path '%s'", dest);
    memcpy(parent, dest, (size_t)(slash - dest));
    parent[slash - dest] = 0;
    strcpy(name, slash + 1);
    int fd = open_in_root(*parent ? parent : "/", 'd');
    if (fd < 0)
        SYSFAIL("open", *parent ? parent : "/");
    return fd;
}

static void make_device(const struct step *s)
{
    need(s, 8);
    const char *dest = s->argv[0];
    char name[NAME_MAX + 1];
    int dir = parent_in_root(dest, name, sizeof name);
    mode_t type = s->argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
    dev_t dev = makedev(num(s->argv[2]), num(s->argv[3]));
    mode_t mode = (mode_t)num(s->argv[4]);
    if (mknodat(dir, name, type | mode, dev) == 0) {
        if (fchownat(dir, name, (uid_t)num(s->argv[5]), (gid_t)num(s->argv[6]), AT_SYMLINK_NOFOLLOW) < 0)
            SYSFAIL("fchownat", dest);
        if (fchmodat(dir, name, mode, 0) < 0) /* mknod applies the umask */
            SYSFAIL("fchmodat", dest);
    } else if (errno == EPERM) {
        /* no CAP_MKNOD (user namespace): bind the host's node instead, as runc does */
        close(dir);
        mount_in_root(s->argv[7], dest, "", MS_BIND, "", 'f');
        return;
    } else {
        SYSFAIL("mknod", dest);
    }
    close(dir);
}

static void make_symlink(const struct step *s)
{
    need(s, 2);
    char name[NAME_MAX + 1];
    int dir = parent_in_root(s->argv[1], name, sizeof name);
    if (symlinkat(s->argv[0], dir, name) < 0 && errno != EEXIST)
        SYSFAIL("symlink", s->argv[1]);
    close(dir);
}

/* ---------------------------------------------------------------- after pivot_root */

/* Remount read-only, keeping the flags the kernel would refuse to drop (nosuid, nodev, noexec). */
static void remount_ro(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        SYSFAIL("statvfs", path);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (sv.f_flag & ST_NOSUID)
        flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV)
        flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    if (mount(NULL, path, NULL, flags, NULL) < 0)
        SYSFAIL("remount read-only", path);
}

static void readonly_path(const char *path)
{
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT)
            return;
        SYSFAIL("bind", path);
    }
    remount_ro(path);
}

/* Docker's masking: /dev/null over a file, an empty read-only tmpfs over a directory. */
static void mask_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT)
            return;
        SYSFAIL("stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
            SYSFAIL("mount tmpfs over", path);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
        SYSFAIL("bind /dev/null over", path);
    }
}

static void do_pivot(void)
{
    if (fchdir(root_fd) < 0)
        SYSFAIL("fchdir", "rootfs");
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." drops it */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        SYSFAIL("pivot_root", "rootfs");
    if (umount2(".", MNT_DETACH) < 0)
        SYSFAIL("umount2", "old root");
    if (chdir("/") < 0)
        SYSFAIL("chdir", "/");
    close(root_fd);
    root_fd = -1;
}

static void write_file(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        SYSFAIL("open", path);
    size_t n = strlen(value);
    if (write(fd, value, n) != (ssize_t)n)
        SYSFAIL("write", path);
    close(fd);
}

/* Allocates the pty inside the container's own devpts and hands the master to the supervisor. */
static void make_console(void)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        SYSFAIL("open", "/dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        SYSFAIL("ioctl TIOCSPTLCK", "/dev/ptmx");
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0)
        SYSFAIL("ioctl TIOCGPTPEER", "/dev/ptmx");
    char c = 'T';
    struct iovec iov = {.iov_base = &c, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &master, sizeof(int));
    if (sendmsg(sync_fd, &msg, 0) < 0)
        SYSFAIL("sendmsg", "pty master");
    close(master);
    if (setsid() < 0)
        SYSFAIL("setsid", "console");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        SYSFAIL("ioctl TIOCSCTTY", "console");
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            SYSFAIL("dup2", "console");
    if (slave > 2)
        close(slave);
}

static void set_identity(const struct step *s)
{
    need(s, 7);
    uid_t uid = (uid_t)num(s->argv[0]);
    gid_t gid = (gid_t)num(s->argv[1]);
    unsigned long long bnd = num(s->argv[2]), eff = num(s->argv[3]), prm = num(s->argv[4]);
    unsigned long long inh = num(s->argv[5]), amb = num(s->argv[6]);
    for (int c = 0; c < 64; c++) {
        if (bnd & (1ULL << c))
            continue;
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            fail("prctl PR_CAPBSET_DROP %d: %s", c, strerror(errno));
        }
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        SYSFAIL("prctl", "PR_SET_KEEPCAPS");
    if (setresgid(gid, gid, gid) < 0)
        fail("setresgid %u: %s", gid, strerror(errno));
    if (setresuid(uid, uid, uid) < 0)
        fail("setresuid %u: %s", uid, strerror(errno));
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        SYSFAIL("prctl", "PR_SET_KEEPCAPS");
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {
        {.effective = (uint32_t)eff, .permitted = (uint32_t)prm, .inheritable = (uint32_t)inh},
        {.effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(prm >> 32), .inheritable = (uint32_t)(inh >> 32)},
    };
    if (syscall(SYS_capset, &hdr, data) < 0)
        SYSFAIL("capset", "");
    for (int c = 0; c < 64; c++)
        if ((amb & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
            fail("prctl PR_CAP_AMBIENT_RAISE %d: %s", c, strerror(errno));
}

static void set_groups(const struct step *s)
{
    gid_t gids[MAX_ARGS];
    for (int i = 0; i < s->argc; i++)
        gids[i] = (gid_t)num(s->argv[i]);
    if (setgroups((size_t)s->argc, gids) < 0)
        SYSFAIL("setgroups", "");
}

/* ---------------------------------------------------------------- exec */

static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111);
}

/* strerror in the lower case Go (so runc and Docker) prints: "permission denied". */
static const char *go_error(int err)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s", strerror(err));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* Runs the command the way Docker reports it: 127 when it is not there, 126 when it cannot run. */
static void do_exec(const char *search_path)
{
    if (exec_argc == 0)
        fail("plan: no command to run");
    exec_argv[exec_argc] = NULL;
    exec_envp[exec_envc] = NULL;
    const char *name = exec_argv[0];
    char path[PATH_MAX];
    if (strchr(name, '/')) {
        snprintf(path, sizeof path, "%s", name);
        struct stat st;
        if (stat(path, &st) < 0)
            fail_code(errno == ENOENT || errno == ENOTDIR ? 127 : 126, "exec: \"%s\": stat %s: %s", name, name, go_error(errno));
    } else {
        const char *p = search_path;
        int found = 0;
        while (!found && p) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            snprintf(path, sizeof path, "%.*s/%s", (int)n, n ? p : ".", name);
            found = executable(path);
            p = colon ? colon + 1 : NULL;
        }
        if (!found)
            fail_code(127, "exec: \"%s\": executable file not found in $PATH", name);
    }
    execve(path, exec_argv, exec_envp);
    int err = errno;
    fail_code(err == ENOENT ? 127 : 126, "exec: \"%s\": %s", name, go_error(err));
}

/* --init: pid 1 stays a reaper and forwards signals to the command, which runs as its child. */
static volatile pid_t init_child;
static void init_forward(int sig)
{
    if (init_child > 0)
        kill(init_child, sig);
}

static void run_init(const char *search_path)
{
    pid_t pid = fork();
    if (pid < 0)
        SYSFAIL("fork", "init");
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        do_exec(search_path);
    }
    close(sync_fd); /* the command's copy (close-on-exec) tells the supervisor whether exec worked */
    init_child = pid;
    struct sigaction sa = {.sa_handler = init_forward};
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGCHLD && sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (;;) {
        int status;
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            _exit(EXIT_SETUP);
        if (w == pid)
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
}

/* ---------------------------------------------------------------- the child */

static int stdio_fds[3] = {-1, -1, -1};
static int terminal;

static void child_main(void)
{
    char go;
    ssize_t r;
    while ((r = read(sync_fd, &go, 1)) < 0 && errno == EINTR)
        ;
    if (r != 1)
        _exit(EXIT_SETUP); /* the supervisor gave up before releasing us */
    if (!terminal)
        for (int fd = 0; fd < 3; fd++)
            if (dup2(stdio_fds[fd], fd) < 0)
                SYSFAIL("dup2", "stdio");
    for (int fd = 0; fd < 3; fd++)
        if (stdio_fds[fd] > 2)
            close(stdio_fds[fd]);
    for (int i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        const char *op = s->op;
        if (!strcmp(op, "unshare") && need(s, 1)) {
            /* the cgroup namespace is made only now, so its root is the container's cgroup */
            if (!strcmp(s->argv[0], "cgroup") && unshare(CLONE_NEWCGROUP) < 0)
                SYSFAIL("unshare", "cgroup");
        } else if (!strcmp(op, "setns") && need(s, 1)) {
            int fd = open(s->argv[0], O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, 0) < 0)
                SYSFAIL("setns", s->argv[0]);
            close(fd);
        } else if (!strcmp(op, "mount") && need(s, 5)) {
            if (mount(*s->argv[0] ? s->argv[0] : NULL, s->argv[1], *s->argv[2] ? s->argv[2] : NULL, num(s->argv[3]),
                      *s->argv[4] ? s->argv[4] : NULL) < 0)
                fail("mount %s on %s: %s", *s->argv[0] ? s->argv[0] : "-", s->argv[1], strerror(errno));
        } else if (!strcmp(op, "rootfs") && need(s, 1)) {
            root_fd = open(s->argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (root_fd < 0)
                SYSFAIL("open rootfs", s->argv[0]);
        } else if (!strcmp(op, "mountin") && need(s, 6)) {
            mount_in_root(s->argv[0], s->argv[1], s->argv[2], num(s->argv[3]), s->argv[4], s->argv[5][0]);
        } else if (!strcmp(op, "mkdirin") && need(s, 1)) {
            int fd = open_in_root(s->argv[0], 'd');
            if (fd < 0)
                SYSFAIL("mkdir", s->argv[0]);
            close(fd);
        } else if (!strcmp(op, "mknod")) {
            make_device(s);
        } else if (!strcmp(op, "symlink")) {
            make_symlink(s);
        } else if (!strcmp(op, "pivot")) {
            do_pivot();
        } else if (!strcmp(op, "mask") && need(s, 1)) {
            mask_path(s->argv[0]);
        } else if (!strcmp(op, "readonly") && need(s, 1)) {
            readonly_path(s->argv[0]);
        } else if (!strcmp(op, "remount-ro") && need(s, 1)) {
            remount_ro(s->argv[0]);
        } else if (!strcmp(op, "write") && need(s, 2)) {
            write_file(s->argv[0], s->argv[1]);
        } else if (!strcmp(op, "console")) {
            make_console();
        } else if (!strcmp(op, "hostname") && need(s, 1)) {
            if (sethostname(s->argv[0], strlen(s->argv[0])) < 0)
                SYSFAIL("sethostname", s->argv[0]);
        } else if (!strcmp(op, "domainname") && need(s, 1)) {
            if (setdomainname(s->argv[0], strlen(s->argv[0])) < 0)
                SYSFAIL("setdomainname", s->argv[0]);
        } else if (!strcmp(op, "rlimit") && need(s, 3)) {
            struct rlimit rl = {.rlim_cur = num(s->argv[1]), .rlim_max = num(s->argv[2])};
            if (setrlimit((int)num(s->argv[0]), &rl) < 0)
                fail("setrlimit %s: %s", s->argv[0], strerror(errno));
        } else if (!strcmp(op, "groups")) {
            set_groups(s);
        } else if (!strcmp(op, "identity")) {
            set_identity(s);
        } else if (!strcmp(op, "nonewprivs")) {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                SYSFAIL("prctl", "PR_SET_NO_NEW_PRIVS");
        } else if (!strcmp(op, "chdir") && need(s, 1)) {
            if (chdir(s->argv[0]) < 0)
                fail("chdir to cwd %s: %s", s->argv[0], strerror(errno));
        } else if (!strcmp(op, "arg") && need(s, 1)) {
            if (exec_argc < (int)(sizeof exec_argv / sizeof *exec_argv) - 1)
                exec_argv[exec_argc++] = s->argv[0];
        } else if (!strcmp(op, "env") && need(s, 1)) {
            if (exec_envc < (int)(sizeof exec_envp / sizeof *exec_envp) - 1)
                exec_envp[exec_envc++] = s->argv[0];
        } else if (!strcmp(op, "exec") && need(s, 1)) {
            /* no fd of the daemon's may reach the container; sync_fd is close-on-exec already */
            if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                SYSFAIL("close_range", "");
            if (use_init)
                run_init(s->argv[0]);
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            do_exec(s->argv[0]);
        } else if (!strcmp(op, "pidns") || !strcmp(op, "hide-mount") || !strcmp(op, "create-cmd") || !strcmp(op, "start-cmd") || !strcmp(op, "pidfile") ||
                   !strcmp(op, "namespaces") || !strcmp(op, "stdin") || !strcmp(op, "stdout") || !strcmp(op, "stderr") ||
                   !strcmp(op, "terminal") || !strcmp(op, "winsize") || !strcmp(op, "exitfile") || !strcmp(op, "init") ||
                   !strcmp(op, "joinpid")) {
            /* supervisor settings, read before clone */
        } else {
            fail("plan: unknown step '%s'", op);
        }
    }
    fail("plan: ended without exec");
}

/* ---------------------------------------------------------------- the supervisor */

static int ns_flag(const char *name)
{
    static const struct {
        const char *name;
        int flag;
    } map[] = {{"pid", CLONE_NEWPID}, {"mount", CLONE_NEWNS}, {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC}, {"network", CLONE_NEWNET}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i].name, name))
            return map[i].flag;
    errno = EINVAL;
    die("plan: unknown namespace '%s'", name);
    return 0;
}

static int open_stdio(const char *path, int fd)
{
    int flags = fd == 0 ? O_RDONLY : O_WRONLY | O_APPEND | O_CREAT;
    struct stat st;
    int fifo = stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
    /* a fifo opened read-write never blocks and never sees the reader vanish */
    if (fifo && fd != 0)
        flags = O_RDWR;
    /*
     * stdin must see end of file when the daemon closes its end (`echo x | docker run -i … cat`),
     * so it is opened read-only; O_NONBLOCK keeps the open from waiting for the writer (the daemon
     * opens its end before it starts the shim) and is cleared at once.
     */
    if (fifo && fd == 0)
        flags |= O_NONBLOCK;
    int r = open(path, flags | O_CLOEXEC | O_NOCTTY, 0640);
    if (r < 0)
        die("open %s", path);
    if (fifo && fd == 0 && fcntl(r, F_SETFL, fcntl(r, F_GETFL) & ~O_NONBLOCK) < 0)
        die("fcntl %s", path);
    return r;
}

static void write_exit_file(const char *path, const char *line)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "berth-shim: open %s: %s\n", tmp, strerror(errno));
        return;
    }
    put(fd, line, strlen(line));
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0)
        fprintf(stderr, "berth-shim: write %s: %s\n", path, strerror(errno));
}

static int recv_master(int sock, int *master, char *text, size_t n)
{
    struct iovec iov = {.iov_base = text, .iov_len = n - 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (r <= 0)
        return (int)r;
    text[r] = 0;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (cm && cm->cmsg_type == SCM_RIGHTS)
        memcpy(master, CMSG_DATA(cm), sizeof(int));
    return (int)r;
}

static void copy_some(int from, int to, int *open_flag)
{
    char buf[4096];
    ssize_t r = read(from, buf, sizeof buf);
    if (r <= 0) {
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        *open_flag = 0;
        return;
    }
    put(to, buf, (size_t)r);
}


/* ---------------------------------------------------------------- another OCI runtime */

static const struct step *create_cmd, *start_cmd;
static const char *pid_file;

/* Runs an external runtime command to completion; returns its wait status. */
static int run_cmd(const struct step *cmd, const sigset_t *old, int with_stdio)
{
    char *argv[MAX_ARGS + 1];
    for (int i = 0; i < cmd->argc; i++)
        argv[i] = cmd->argv[i];
    argv[cmd->argc] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        die("fork %s", argv[0]);
    if (pid == 0) {
        for (int fd = 0; with_stdio && fd < 3; fd++)
            if (dup2(stdio_fds[fd], fd) < 0)
                _exit(EXIT_SETUP);
        if (!with_stdio) {
            int null = open("/dev/null", O_RDWR);
            if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0)
                _exit(EXIT_SETUP);
        }
        sigprocmask(SIG_SETMASK, old, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "berth-shim: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid %s", argv[0]);
    return status;
}

static pid_t read_pid_file(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open pid file %s", path);
    if (read(fd, buf, sizeof buf - 1) < 0)
        die("read pid file %s", path);
    close(fd);
    return (pid_t)atoi(buf);
}

static void report_failed_cmd(const struct step *cmd, int status)
{
    event("error %d %s failed with %s %d", EXIT_SETUP, cmd->op, WIFEXITED(status) ? "exit code" : "signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int main(int argc, char **argv)
{
    const char *plan_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--init"))
            use_init = 1;
        else
            plan_path = argv[i];
    }
    if (!plan_path) {
        fprintf(stderr, "usage: berth-shim [--init] PLAN\n");
        return 2;
    }
    size_t len = 0;
    char *plan = read_file(plan_path, &len);
    parse_plan(plan, len);

    int clone_flags = 0;
    const char *stdio_paths[3] = {"/dev/null", "/dev/null", "/dev/null"};
    const char *exit_file = NULL;
    const char *join_pid = NULL; /* exec: the container's pid namespace, joined before clone */
    unsigned short rows = 0, cols = 0;
    for (int i = 0; i < nsteps; i++) {
        struct step *s = &steps[i];
        if (!strcmp(s->op, "namespaces"))
            for (int a = 0; a < s->argc; a++)
                clone_flags |= ns_flag(s->argv[a]);
        else if (!strcmp(s->op, "stdin") && s->argc == 1)
            stdio_paths[0] = s->argv[0];
        else if (!strcmp(s->op, "stdout") && s->argc == 1)
            stdio_paths[1] = s->argv[0];
        else if (!strcmp(s->op, "stderr") && s->argc == 1)
            stdio_paths[2] = s->argv[0];
        else if (!strcmp(s->op, "terminal"))
            terminal = 1;
        else if (!strcmp(s->op, "winsize") && s->argc == 2)
            rows = (unsigned short)atoi(s->argv[0]), cols = (unsigned short)atoi(s->argv[1]);
        else if (!strcmp(s->op, "exitfile") && s->argc == 1)
            exit_file = s->argv[0];
        else if (!strcmp(s->op, "init"))
            use_init = 1;
        else if (!strcmp(s->op, "create-cmd") && s->argc > 0)
            create_cmd = s;
        else if (!strcmp(s->op, "start-cmd") && s->argc > 0)
            start_cmd = s;
        else if (!strcmp(s->op, "pidfile") && s->argc == 1)
            pid_file = s->argv[0];
        else if (!strcmp(s->op, "joinpid") && s->argc == 1)
            join_pid = s->argv[0];
    }
    if (create_cmd && (!start_cmd || !pid_file || terminal)) {
        errno = EINVAL;
        die("plan: create-cmd needs start-cmd and pidfile, and no terminal");
    }

    /* own session: the daemon's terminal signals are not the container's */
    if (setsid() < 0 && errno != EPERM)
        die("setsid");
    signal(SIGPIPE, SIG_IGN);
    for (int fd = 0; fd < 3; fd++)
        stdio_fds[fd] = open_stdio(stdio_paths[fd], fd);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        die("socketpair");
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCONT, SIGALRM, SIGWINCH};
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
        sigaddset(&mask, forwarded[i]);
    if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
        die("sigprocmask");

    /* "pidns PATH" (exec into a running container): children are born in that pid namespace */
    for (int i = 0; i < nsteps; i++) {
        if (strcmp(steps[i].op, "pidns") || steps[i].argc != 1)
            continue;
        int fd = open(steps[i].argv[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
            die("setns %s", steps[i].argv[0]);
        close(fd);
    }
    pid_t child;
    if (create_cmd) {
        /* the container's first process outlives "runc create": we become its parent */
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
            die("prctl PR_SET_CHILD_SUBREAPER");
        /*
         * "hide-mount PATH": the runtime runs in a mount namespace of its own without PATH, e.g.
         * crun, which refuses a hybrid cgroup layout, does not see /sys/fs/cgroup/unified.
         */
        int private_ns = 0;
        for (int i = 0; i < nsteps; i++) {
            if (strcmp(steps[i].op, "hide-mount") || steps[i].argc != 1)
                continue;
            if (!private_ns) {
                if (unshare(CLONE_NEWNS) < 0)
                    die("unshare mount namespace");
                if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                    die("make / rslave");
                private_ns = 1;
            }
            if (umount2(steps[i].argv[0], MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
                die("umount %s", steps[i].argv[0]);
        }
        int st = run_cmd(create_cmd, &old, 1);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            report_failed_cmd(create_cmd, st);
            if (exit_file)
                write_exit_file(exit_file, "exit 128\n");
            event("exit %d", EXIT_SETUP);
            return 0;
        }
        child = read_pid_file(pid_file);
        if (child <= 0) {
            errno = EINVAL;
            die("pid file %s", pid_file);
        }
        close(sv[1]);
        sv[1] = -1;
        close(sv[0]);
        sv[0] = -1;
    } else {
        /* setns(CLONE_NEWPID) moves only the children made after it: the exec'd process */
        if (join_pid) {
            int fd = open(join_pid, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
                die("setns %s", join_pid);
            close(fd);
        }
        /* fork semantics (no new stack): the child continues here in its new namespaces */
        child = (pid_t)syscall(SYS_clone, (unsigned long)clone_flags | SIGCHLD, NULL, NULL, NULL, 0UL);
    }
    if (child < 0)
        die("clone");
    if (child == 0) {
        close(sv[0]);
        sync_fd = sv[1];
        if (!use_init)
            sigprocmask(SIG_SETMASK, &old, NULL);
        child_main();
    }
    if (sv[1] >= 0)
        close(sv[1]);
    for (int fd = 0; fd < 3; fd++)
        close(stdio_fds[fd]);
    int sync_sock = sv[0];
    event("pid %d", child);

    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        die("signalfd");
    int master = -1;
    int ctl_open = 1, sync_open = sync_sock >= 0, in_open = 0, out_open = 0, errored = 0, status = -1;
    int pty_in = -1, pty_out = -1;
    if (terminal) {
        pty_in = open_stdio(stdio_paths[0], 0);
        pty_out = open_stdio(stdio_paths[1], 1);
    }
    char ctl[256];
    size_t ctl_len = 0;
    while (status < 0 || out_open) {
        struct pollfd p[5] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = ctl_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = sync_open ? sync_sock : -1, .events = POLLIN},
            {.fd = out_open ? master : -1, .events = POLLIN},
            {.fd = in_open ? pty_in : -1, .events = POLLIN},
        };
        if (status >= 0) {
            /* the container is gone: drain what the pty still holds, then stop */
            p[0].fd = p[1].fd = p[2].fd = p[4].fd = -1;
        }
        if (poll(p, 5, status >= 0 ? 100 : -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (status >= 0 && !(p[3].revents & (POLLIN | POLLHUP | POLLERR)))
            break;
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo != SIGCHLD) {
                    if (si.ssi_signo == SIGWINCH)
                        continue;
                    kill(child, (int)si.ssi_signo);
                    continue;
                }
                int st;
                pid_t w;
                while ((w = waitpid(-1, &st, WNOHANG)) > 0)
                    if (w == child)
                        status = st;
            }
        }
        if (p[1].revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(STDIN_FILENO, ctl + ctl_len, sizeof ctl - 1 - ctl_len);
            if (r <= 0) {
                ctl_open = 0; /* the daemon went away; the container keeps running */
            } else {
                ctl_len += (size_t)r;
                char *nl;
                while ((nl = memchr(ctl, '\n', ctl_len))) {
                    *nl = 0;
                    int a = 0, b = 0;
                    if (!strcmp(ctl, "go") && create_cmd) {
                        int st = run_cmd(start_cmd, &old, 0);
                        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
                            event("started");
                        } else {
                            errored = 1;
                            report_failed_cmd(start_cmd, st);
                        }
                    } else if (!strcmp(ctl, "go")) {
                        if (write(sync_sock, "g", 1) != 1)
                            fprintf(stderr, "berth-shim: release child: %s\n", strerror(errno));
                    } else if (sscanf(ctl, "kill %d", &a) == 1) {
                        if (kill(child, a) < 0)
                            fprintf(stderr, "berth-shim: kill %d: %s\n", a, strerror(errno));
                    } else if (sscanf(ctl, "resize %d %d", &a, &b) == 2) {
                        rows = (unsigned short)a, cols = (unsigned short)b;
                        struct winsize ws = {.ws_row = rows, .ws_col = cols};
                        if (master >= 0 && ioctl(master, TIOCSWINSZ, &ws) < 0)
                            fprintf(stderr, "berth-shim: resize: %s\n", strerror(errno));
                    }
                    size_t used = (size_t)(nl - ctl) + 1;
                    memmove(ctl, nl + 1, ctl_len - used);
                    ctl_len -= used;
                }
                if (ctl_len == sizeof ctl - 1)
                    ctl_len = 0; /* an overlong line is garbage */
            }
        }
        if (p[2].revents & (POLLIN | POLLHUP)) {
            char text[2100];
            int got = -1;
            int r = recv_master(sync_sock, &got, text, sizeof text);
            if (r <= 0) {
                sync_open = 0;
                close(sync_sock);
                if (!errored)
                    event("started"); /* close-on-exec: the command is running (or already ran) */
            } else if (got >= 0) {
                master = got;
                struct winsize ws = {.ws_row = rows, .ws_col = cols};
                if (rows && ioctl(master, TIOCSWINSZ, &ws) < 0)
                    fprintf(stderr, "berth-shim: set window size: %s\n", strerror(errno));
                out_open = in_open = 1;
            } else {
                errored = 1;
                event("error %s", text);
                fprintf(stderr, "berth-shim: %s\n", strchr(text, ' ') ? strchr(text, ' ') + 1 : text);
            }
        }
        if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
            copy_some(master, pty_out, &out_open);
        if (p[4].revents & (POLLIN | POLLHUP | POLLERR))
            copy_some(pty_in, master, &in_open);
    }
    if (sync_open) {
        /* the child died before exec without saying why, or its message is still queued */
        char text[2100];
        int got = -1;
        int r = recv_master(sync_sock, &got, text, sizeof text);
        if (r > 0 && got < 0)
            event("error %s", text);
        else if (r == 0 && !errored)
            event("started");
    }
    char line[64];
    if (WIFSIGNALED(status))
        snprintf(line, sizeof line, "signal %d\n", WTERMSIG(status));
    else
        snprintf(line, sizeof line, "exit %d\n", WEXITSTATUS(status));
    if (exit_file)
        write_exit_file(exit_file, line);
    put(STDOUT_FILENO, line, strlen(line));
    return 0;
}
