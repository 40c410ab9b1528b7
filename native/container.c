/* berth-shim: the child's side, in the container's new namespaces: the plan's steps from the
 * rootfs mount to execve, in order. Nothing here runs in the daemon's namespaces. */
#include "shim.h"

static int root_fd = -1; /* O_PATH fd of the container's root before pivot_root */
static char **exec_argv; /* sized from the plan's "arg" steps (or reap's argv), NULL-terminated */
static int exec_argc;
static char **exec_envp;
static int exec_envc;
int use_init;

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

/*
 * mount(2) as the plan says. An optional sixth argument is the working directory the mount's
 * relative paths are relative to (overlay lowerdirs given as short l/ names, because the mount
 * data is limited to one page): the mount happens from there, then the cwd goes back to "/".
 */
static void do_mount(const struct step *s)
{
    const char *cwd = s->argc > 5 && *s->argv[5] ? s->argv[5] : NULL;
    if (cwd && chdir(cwd) < 0)
        fail("chdir to mount working directory %s: %s", cwd, strerror(errno));
    if (mount(*s->argv[0] ? s->argv[0] : NULL, s->argv[1], *s->argv[2] ? s->argv[2] : NULL, num(s->argv[3]),
              *s->argv[4] ? s->argv[4] : NULL) < 0)
        fail("mount %s on %s%s%s: %s", *s->argv[0] ? s->argv[0] : "-", s->argv[1], cwd ? " from " : "", cwd ? cwd : "",
             strerror(errno));
    if (cwd && chdir("/") < 0)
        SYSFAIL("chdir", "/");
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
    gid_t *gids = alloc((size_t)s->argc, sizeof *gids);
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
    default_signals();
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

static void __attribute__((noreturn)) run_init(const char *search_path)
{
    pid_t pid = fork();
    if (pid < 0)
        SYSFAIL("fork", "init");
    if (pid == 0)
        do_exec(search_path);
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

/*
 * "berth-shim --reap CMD [ARG...]": the --init of a container run by another OCI runtime (runc,
 * crun), bind-mounted into it as its first process: the same reaper as run_init, for the
 * command with the environment and cwd the runtime gave.
 */
void reap_main(int argc, char **argv)
{
    extern char **environ;
    int envc = 0;
    while (environ[envc])
        envc++;
    exec_argv = alloc((size_t)argc + 1, sizeof *exec_argv);
    exec_envp = alloc((size_t)envc + 1, sizeof *exec_envp);
    for (int i = 0; i < argc; i++)
        exec_argv[exec_argc++] = argv[i];
    for (int i = 0; i < envc; i++)
        exec_envp[exec_envc++] = environ[i];
    const char *path = getenv("PATH");
    run_init(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

/* ---------------------------------------------------------------- the steps, one function each */

static void step_unshare(const struct step *s)
{
    /* the cgroup namespace is made only now, so its root is the container's cgroup */
    if (!strcmp(s->argv[0], "cgroup") && unshare(CLONE_NEWCGROUP) < 0)
        SYSFAIL("unshare", "cgroup");
}

static void step_setns(const struct step *s)
{
    int fd = open(s->argv[0], O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, 0) < 0)
        SYSFAIL("setns", s->argv[0]);
    close(fd);
}

static void step_rootfs(const struct step *s)
{
    root_fd = open(s->argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        SYSFAIL("open rootfs", s->argv[0]);
}

static void step_mountin(const struct step *s)
{
    mount_in_root(s->argv[0], s->argv[1], s->argv[2], num(s->argv[3]), s->argv[4], s->argv[5][0]);
}

static void step_mkdirin(const struct step *s)
{
    int fd = open_in_root(s->argv[0], 'd');
    if (fd < 0)
        SYSFAIL("mkdir", s->argv[0]);
    close(fd);
}

static void step_pivot(const struct step *s)
{
    (void)s;
    do_pivot();
}

static void step_mask(const struct step *s)
{
    mask_path(s->argv[0]);
}

static void step_readonly(const struct step *s)
{
    readonly_path(s->argv[0]);
}

static void step_remount_ro(const struct step *s)
{
    remount_ro(s->argv[0]);
}

static void step_write(const struct step *s)
{
    write_file(s->argv[0], s->argv[1]);
}

static void step_console(const struct step *s)
{
    (void)s;
    make_console();
}

static void step_hostname(const struct step *s)
{
    if (sethostname(s->argv[0], strlen(s->argv[0])) < 0)
        SYSFAIL("sethostname", s->argv[0]);
}

static void step_domainname(const struct step *s)
{
    if (setdomainname(s->argv[0], strlen(s->argv[0])) < 0)
        SYSFAIL("setdomainname", s->argv[0]);
}

static void step_rlimit(const struct step *s)
{
    struct rlimit rl = {.rlim_cur = num(s->argv[1]), .rlim_max = num(s->argv[2])};
    if (setrlimit((int)num(s->argv[0]), &rl) < 0)
        fail("setrlimit %s: %s", s->argv[0], strerror(errno));
}

static void step_nonewprivs(const struct step *s)
{
    (void)s;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        SYSFAIL("prctl", "PR_SET_NO_NEW_PRIVS");
}

/* Installs the filter Java compiled (dev.berth.runtime.seccomp.SeccompBpf): from here on the kernel checks every call. */
static void step_seccomp(const struct step *s)
{
    const char *hex = s->argv[0];
    size_t len = strlen(hex);
    if (len == 0 || len % (2 * sizeof(struct sock_filter)) != 0)
        fail("plan: seccomp program of %zu hex digits is not whole instructions", len);
    unsigned char *bytes = alloc(len / 2, 1);
    for (size_t i = 0; i < len; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            fail("plan: seccomp program is not lower-case hex at %zu", i);
        bytes[i / 2] = (unsigned char)(bytes[i / 2] << 4 | v);
    }
    struct sock_fprog prog = {.len = (unsigned short)(len / 2 / sizeof(struct sock_filter)),
                              .filter = (struct sock_filter *)bytes};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        SYSFAIL("prctl PR_SET_SECCOMP", "");
}

static void step_chdir(const struct step *s)
{
    if (chdir(s->argv[0]) < 0)
        fail("chdir to cwd %s: %s", s->argv[0], strerror(errno));
}

static void step_arg(const struct step *s)
{
    exec_argv[exec_argc++] = s->argv[0];
}

static void step_env(const struct step *s)
{
    exec_envp[exec_envc++] = s->argv[0];
}

static void step_exec(const struct step *s)
{
    /* no fd of the daemon's may reach the container; sync_fd is close-on-exec already */
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        SYSFAIL("close_range", "");
    if (use_init)
        run_init(s->argv[0]);
    do_exec(s->argv[0]);
}

/* What the child does for each CHILD step of steps.h; SUPERVISOR steps were read before clone. */
static void (*const run_step[OP_COUNT])(const struct step *) = {
    [OP_UNSHARE] = step_unshare,
    [OP_SETNS] = step_setns,
    [OP_MOUNT] = do_mount,
    [OP_ROOTFS] = step_rootfs,
    [OP_MOUNTIN] = step_mountin,
    [OP_MKDIRIN] = step_mkdirin,
    [OP_MKNOD] = make_device,
    [OP_SYMLINK] = make_symlink,
    [OP_PIVOT] = step_pivot,
    [OP_WRITE] = step_write,
    [OP_MASK] = step_mask,
    [OP_READONLY] = step_readonly,
    [OP_REMOUNT_RO] = step_remount_ro,
    [OP_CONSOLE] = step_console,
    [OP_HOSTNAME] = step_hostname,
    [OP_DOMAINNAME] = step_domainname,
    [OP_RLIMIT] = step_rlimit,
    [OP_GROUPS] = set_groups,
    [OP_IDENTITY] = set_identity,
    [OP_NONEWPRIVS] = step_nonewprivs,
    [OP_SECCOMP] = step_seccomp,
    [OP_CHDIR] = step_chdir,
    [OP_ARG] = step_arg,
    [OP_ENV] = step_env,
    [OP_EXEC] = step_exec,
};

/* ---------------------------------------------------------------- the child */

int stdio_fds[3] = {-1, -1, -1};
int terminal;

void child_main(void)
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
    /*
     * Nothing else of the supervisor's stays with the container: not its ends of the stdio pipes
     * (a held write end of stdin would keep end of file from the command), not the fifos, not the
     * stdin fifo's held writer. Close-on-exec would not do: an --init reaper never execs.
     */
    if (sync_fd > 3 && syscall(SYS_close_range, 3U, (unsigned)sync_fd - 1, 0U) < 0)
        SYSFAIL("close_range", "");
    if (syscall(SYS_close_range, (unsigned)sync_fd + 1, ~0U, 0U) < 0)
        SYSFAIL("close_range", "");
    exec_argv = alloc((size_t)op_count[OP_ARG] + 1, sizeof *exec_argv);
    exec_envp = alloc((size_t)op_count[OP_ENV] + 1, sizeof *exec_envp);
    for (int i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        if (ops[s->op].who == SUPERVISOR)
            continue;
        if (!run_step[s->op])
            fail("plan: no handler for step '%s'", s->name);
        run_step[s->op](s);
    }
    fail("plan: ended without exec");
}
