/*
 * berth-shim: the hands of Berth's runtime.
 *
 * Java (dev.berth.runtime.plan) decides everything about a container and writes a flat plan;
 * this program executes it. It exists in C because what happens between clone and execve in
 * the container's new namespaces cannot be done from a multi-threaded JVM (runc's nsexec.c
 * exists for the same reason).
 *
 * Usage: berth-shim [--init] [--control FIFO] PLAN
 *        berth-shim --reap CMD [ARG...]   (pid 1 reaper for --init under runc/crun)
 *
 * The plan is a sequence of records, one per line: a step's name, then each argument as
 * " <length>:<bytes>", then '\n'. Length prefixes make any byte (spaces, newlines) safe in paths
 * and arguments without an escaping scheme. steps.h lists every step, who runs it and how many
 * arguments it takes (Java's plan.Op is the same table); plan.c refuses a plan that breaks it.
 *
 * Two processes:
 *  - the supervisor (this process) stays in the daemon's namespaces, relays the container's stdio
 *    between its fifos and the container's own pipes (or the pty master), forwards signals, reaps,
 *    and reports on its stdout, one event a line:
 *      "pid N"            host pid of the container's first process, which now waits
 *      "started"          execve succeeded
 *      "error CODE MSG"   setup or exec failed (the container exits with CODE)
 *      "exit CODE" | "signal N"   final status, also written to the exit file
 *    and reads commands on its stdin: "go" (cgroups are placed: continue), "kill SIG",
 *    "resize ROWS COLS", "closestdin" (the container's stdin ends once the daemon's end is closed
 *    too; until then the supervisor holds a writer, so that stdin outlives a daemon crash).
 *  - the child, cloned into new namespaces, waits for "go", then runs the plan's steps in order
 *    and ends in execve.
 *
 * With "create-cmd"/"start-cmd" in the plan the shim supervises another OCI runtime instead
 * (runc, crun): it becomes a child subreaper, runs "runc create" (the container's first process
 * is reparented to the shim when runc exits), reports its pid from the pid file, runs
 * "runc start" on "go", and reaps and reports as above. With a terminal, "console-socket PATH"
 * is where the runtime sends the pty master during create (runc's --console-socket protocol);
 * the shim relays it like its own.
 */
#include "shim.h"

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
    /*
     * Output waits in the pipe while no daemon reads it (after a daemon crash, until a new one
     * reattaches): 1 MB (pipe-max-size's default) instead of 64 kB before the container blocks.
     * Best effort: a user over its pipe page quota keeps the default.
     */
    if (fifo && fd != 0)
        (void)fcntl(r, F_SETPIPE_SZ, 1 << 20);
    return r;
}

/*
 * Whole or not at all (rename), for a daemon that restarts while the machine stays up; not
 * fsynced: it lives in the exec root (/run), which a machine crash empties along with the
 * container, and the fsync held up every exit event by 0.3-1 ms (more while others write).
 */
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
    if (close(fd) < 0 || rename(tmp, path) < 0)
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

/*
 * One of the container's stdio streams. The container gets a pipe of the shim's, never the
 * daemon's fifo or file: a descriptor naming a host path shows in /proc/self/fd, and through it
 * the container could chmod the fifo or open it afresh (containerd's shim gives runc pipes for the
 * same reason). The shim moves the bytes between the pipe and the path with splice, never blocking
 * on either side: a full fifo (no daemon reading, e.g. after a crash) stops the copy, and the
 * container's pipe fills and blocks it, as the fifo itself did before.
 */
struct relay {
    int from, to;
    int open;
    int wait_out; /* the last move found `to` full: wait until it takes more */
};

/* Moves what is waiting; >0 moved, 0 end of file, -1 errno (EAGAIN: nothing now). */
static ssize_t relay_move(struct relay *r)
{
    ssize_t n = splice(r->from, NULL, r->to, NULL, 1 << 16, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n >= 0 || errno != EINVAL)
        return n;
    /* a file opened for appending takes no splice (runtime tests write to files): copy */
    char buf[16384];
    n = read(r->from, buf, sizeof buf);
    if (n > 0)
        put(r->to, buf, (size_t)n);
    return n;
}

static void relay_close(struct relay *r)
{
    if (!r->open)
        return;
    close(r->from);
    close(r->to);
    r->open = 0;
}

/*
 * Called when poll found r's side ready. EAGAIN after `from` was readable means `to` is full;
 * after `to` was writable, that `from` is empty: the relay then waits on the other side.
 */
static void relay_some(struct relay *r)
{
    ssize_t n = relay_move(r);
    if (n > 0) {
        r->wait_out = 0;
    } else if (n < 0 && errno == EAGAIN) {
        r->wait_out = !r->wait_out;
    } else if (n == 0 || errno != EINTR) {
        relay_close(r); /* end of file, or the reader went away (EPIPE) */
    }
}

/* The relay's entry in poll's set (fd -1 when closed). */
static struct pollfd relay_poll(const struct relay *r)
{
    if (!r->open)
        return (struct pollfd){.fd = -1};
    return r->wait_out ? (struct pollfd){.fd = r->to, .events = POLLOUT} : (struct pollfd){.fd = r->from, .events = POLLIN};
}

/*
 * After the container's process has ended: everything it wrote is in its pipe by now; move it
 * all, waiting for a full fifo to take it, and stop once the pipe is empty (a background process
 * of an exec may hold the pipe open for ever).
 */
static void relay_drain(struct relay *r)
{
    while (r->open) {
        ssize_t n = relay_move(r);
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        if (n == 0 || errno != EAGAIN) {
            relay_close(r);
            return;
        }
        struct pollfd in = {.fd = r->from, .events = POLLIN};
        if (poll(&in, 1, 0) <= 0 || !(in.revents & POLLIN)) {
            relay_close(r); /* empty */
            return;
        }
        struct pollfd out = {.fd = r->to, .events = POLLOUT};
        if (poll(&out, 1, -1) < 0 && errno != EINTR)
            die("poll");
    }
}


/* ---------------------------------------------------------------- another OCI runtime */

/* What the plan's SUPERVISOR steps say (steps.h), read once before anything starts. */
struct settings {
    int clone_flags;
    const char *stdio_paths[3];
    const char *exit_file;
    const char *join_pid; /* exec: the container's pid namespace, joined before clone */
    unsigned short rows, cols;
    /* another OCI runtime (runc, crun) makes the container */
    const struct step *create_cmd, *start_cmd;
    const char *pid_file;
    const char *console_socket; /* with a terminal: where the runtime sends the pty master */
};

/* The supervisor's state while the container runs. */
struct supervisor {
    const struct settings *set;
    pid_t child;
    int sync_sock, sfd, control, master;
    int stdin_hold; /* our writer on the stdin fifo, until "closestdin" */
    struct relay io[3]; /* the container's stdin, stdout, stderr (not with a terminal) */
    int pty_in, pty_out;
    int ctl_open, sync_open, in_open, out_open, errored, status;
    char ctl[256];
    size_t ctl_len;
};

static void read_settings(struct settings *set)
{
    *set = (struct settings){.stdio_paths = {"/dev/null", "/dev/null", "/dev/null"}};
    for (int i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        switch (s->op) {
        case OP_NAMESPACES:
            for (int a = 0; a < s->argc; a++)
                set->clone_flags |= ns_flag(s->argv[a]);
            break;
        case OP_STDIN: set->stdio_paths[0] = s->argv[0]; break;
        case OP_STDOUT: set->stdio_paths[1] = s->argv[0]; break;
        case OP_STDERR: set->stdio_paths[2] = s->argv[0]; break;
        case OP_TERMINAL: terminal = 1; break;
        case OP_WINSIZE:
            set->rows = (unsigned short)atoi(s->argv[0]);
            set->cols = (unsigned short)atoi(s->argv[1]);
            break;
        case OP_EXITFILE: set->exit_file = s->argv[0]; break;
        case OP_INIT: use_init = 1; break;
        case OP_CREATE_CMD: set->create_cmd = s; break;
        case OP_START_CMD: set->start_cmd = s; break;
        case OP_PIDFILE: set->pid_file = s->argv[0]; break;
        case OP_CONSOLE_SOCKET: set->console_socket = s->argv[0]; break;
        case OP_JOINPID: set->join_pid = s->argv[0]; break;
        default: break; /* HIDE_MOUNT is read by hide_mounts; CHILD steps are the child's */
        }
    }
    if (set->create_cmd && (!set->start_cmd || !set->pid_file || (terminal && !set->console_socket))) {
        errno = EINVAL;
        die("plan: create-cmd needs start-cmd and pidfile, and a console-socket for a terminal");
    }
}

/* Listens at PATH for the runtime's --console-socket connection (made and closed during create). */
static int listen_console(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        die("console socket %s", path);
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        die("socket console");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind console socket %s", path);
    if (listen(fd, 1) < 0)
        die("listen console socket %s", path);
    return fd;
}

/* Runs an external runtime command to completion; returns its wait status. */
static int run_cmd(const struct step *cmd, int with_stdio)
{
    char **argv = alloc((size_t)cmd->argc + 1, sizeof *argv);
    for (int i = 0; i < cmd->argc; i++)
        argv[i] = cmd->argv[i];
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
        default_signals();
        execvp(argv[0], argv);
        fprintf(stderr, "berth-shim: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    free(argv);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid %s", cmd->argv[0]);
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
    event("error %d %s failed with %s %d", EXIT_SETUP, cmd->name, WIFEXITED(status) ? "exit code" : "signal",
          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* The container never started: say so, as its exit, and stop. */
static void __attribute__((noreturn)) exit_not_started(const struct settings *set)
{
    if (set->exit_file)
        write_exit_file(set->exit_file, "exit 128\n");
    event("exit %d", EXIT_SETUP);
    exit(0);
}

/*
 * "hide-mount PATH": the runtime runs in a mount namespace of its own without PATH, e.g. crun,
 * which refuses a hybrid cgroup layout, does not see /sys/fs/cgroup/unified.
 */
static void hide_mounts(void)
{
    if (!op_count[OP_HIDE_MOUNT])
        return;
    if (unshare(CLONE_NEWNS) < 0)
        die("unshare mount namespace");
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        die("make / rslave");
    for (int i = 0; i < nsteps; i++)
        if (steps[i].op == OP_HIDE_MOUNT && umount2(steps[i].argv[0], MNT_DETACH) < 0 && errno != EINVAL &&
            errno != ENOENT)
            die("umount %s", steps[i].argv[0]);
}

/*
 * Another runtime creates the container: we become a child subreaper, so its first process is
 * ours once "create" returns; with a terminal, the runtime hands us the pty master on the console
 * socket during create. Returns the container's pid.
 */
static pid_t create_with_runtime(const struct settings *set, int *console_master)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        die("prctl PR_SET_CHILD_SUBREAPER");
    hide_mounts();
    int console = terminal ? listen_console(set->console_socket) : -1;
    int st = run_cmd(set->create_cmd, 1);
    if (console >= 0) {
        /* the runtime connected and sent the master before "create" returned: both are queued */
        int conn = accept4(console, NULL, NULL, SOCK_CLOEXEC);
        char text[256];
        if (conn >= 0 && recv_master(conn, console_master, text, sizeof text) <= 0)
            *console_master = -1;
        if (conn >= 0)
            close(conn);
        close(console);
        unlink(set->console_socket);
        if (*console_master < 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            event("error %d the runtime sent no terminal to %s", EXIT_SETUP, set->console_socket);
            exit_not_started(set);
        }
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        report_failed_cmd(set->create_cmd, st);
        exit_not_started(set);
    }
    pid_t child = read_pid_file(set->pid_file);
    if (child <= 0) {
        errno = EINVAL;
        die("pid file %s", set->pid_file);
    }
    return child;
}

/* Clones the child into its new namespaces; in the child this does not return. */
static pid_t clone_child(const struct settings *set, int sv[2], const sigset_t *old)
{
    /* setns(CLONE_NEWPID) moves only the children made after it: the exec'd process */
    if (set->join_pid) {
        int fd = open(set->join_pid, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
            die("setns %s", set->join_pid);
        close(fd);
    }
    /* fork semantics (no new stack): the child continues here in its new namespaces */
    pid_t child = (pid_t)syscall(SYS_clone, (unsigned long)set->clone_flags | SIGCHLD, NULL, NULL, NULL, 0UL);
    if (child < 0)
        die("clone");
    if (child == 0) {
        close(sv[0]);
        sync_fd = sv[1];
        if (!use_init)
            sigprocmask(SIG_SETMASK, old, NULL);
        child_main();
    }
    close(sv[1]);
    return child;
}

/*
 * The container's stdio: its ends of the relays' pipes (or, with a terminal, the paths themselves:
 * only another runtime's create writes there, the container has the pty), set up here so the
 * child inherits them. A write end of the stdin fifo is held until the daemon says "closestdin":
 * the container sees end of file when the daemon closes stdin on purpose, not when the daemon dies
 * (a restarted daemon reattaches and opens the fifo again). The read end exists by then, so this
 * does not block.
 */
static int open_container_stdio(const struct settings *set, struct relay io[3])
{
    for (int fd = 0; fd < 3; fd++) {
        int host = open_stdio(set->stdio_paths[fd], fd);
        if (terminal) {
            stdio_fds[fd] = host;
            continue;
        }
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            die("pipe");
        stdio_fds[fd] = fd == 0 ? p[0] : p[1];
        io[fd] = fd == 0 ? (struct relay){.from = host, .to = p[1], .open = 1}
                         : (struct relay){.from = p[0], .to = host, .open = 1};
        if (fd == 0 && !strcmp(set->stdio_paths[0], "/dev/null"))
            relay_close(&io[0]); /* no stdin: end of file at once (/dev/null takes no splice) */
    }
    struct stat in_st;
    if (stat(set->stdio_paths[0], &in_st) < 0 || !S_ISFIFO(in_st.st_mode))
        return -1;
    int hold = open(set->stdio_paths[0], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (hold < 0)
        die("open %s for writing", set->stdio_paths[0]);
    return hold;
}

static void set_window(int master, unsigned short rows, unsigned short cols)
{
    struct winsize ws = {.ws_row = rows, .ws_col = cols};
    if (master >= 0 && rows && ioctl(master, TIOCSWINSZ, &ws) < 0)
        fprintf(stderr, "berth-shim: set window size: %s\n", strerror(errno));
}

static void on_signals(struct supervisor *sv)
{
    struct signalfd_siginfo si;
    while (read(sv->sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo != SIGCHLD) {
            if (si.ssi_signo != SIGWINCH)
                kill(sv->child, (int)si.ssi_signo);
            continue;
        }
        int st;
        pid_t w;
        while ((w = waitpid(-1, &st, WNOHANG)) > 0)
            if (w == sv->child)
                sv->status = st;
    }
}

static void run_command(struct supervisor *sv, const char *line)
{
    const struct settings *set = sv->set;
    int a = 0, b = 0;
    if (!strcmp(line, "go") && set->create_cmd) {
        int st = run_cmd(set->start_cmd, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            event("started");
        } else {
            sv->errored = 1;
            report_failed_cmd(set->start_cmd, st);
        }
    } else if (!strcmp(line, "go")) {
        if (write(sv->sync_sock, "g", 1) != 1)
            fprintf(stderr, "berth-shim: release child: %s\n", strerror(errno));
    } else if (sscanf(line, "kill %d", &a) == 1) {
        if (kill(sv->child, a) < 0)
            fprintf(stderr, "berth-shim: kill %d: %s\n", a, strerror(errno));
    } else if (!strcmp(line, "closestdin")) {
        if (sv->stdin_hold >= 0)
            close(sv->stdin_hold);
        sv->stdin_hold = -1;
    } else if (sscanf(line, "resize %d %d", &a, &b) == 2) {
        struct winsize ws = {.ws_row = (unsigned short)a, .ws_col = (unsigned short)b};
        if (sv->master >= 0 && ioctl(sv->master, TIOCSWINSZ, &ws) < 0)
            fprintf(stderr, "berth-shim: resize: %s\n", strerror(errno));
    }
}

/*
 * Commands come from the daemon that started us (stdin), or from the control fifo once a later
 * daemon has reattached; one daemon at a time, each writing whole lines.
 */
static void on_commands(struct supervisor *sv, int from)
{
    ssize_t r = read(from, sv->ctl + sv->ctl_len, sizeof sv->ctl - 1 - sv->ctl_len);
    if (r <= 0) {
        if (from == STDIN_FILENO)
            sv->ctl_open = 0; /* the daemon went away; the container keeps running */
        return;
    }
    sv->ctl_len += (size_t)r;
    char *nl;
    while ((nl = memchr(sv->ctl, '\n', sv->ctl_len))) {
        *nl = 0;
        run_command(sv, sv->ctl);
        size_t used = (size_t)(nl - sv->ctl) + 1;
        memmove(sv->ctl, nl + 1, sv->ctl_len - used);
        sv->ctl_len -= used;
    }
    if (sv->ctl_len == sizeof sv->ctl - 1)
        sv->ctl_len = 0; /* an overlong line is garbage */
}

/* The child's sync socket: a pty master, a setup error, or its close-on-exec end (it runs). */
static void on_sync(struct supervisor *sv)
{
    char text[2100];
    int got = -1;
    int r = recv_master(sv->sync_sock, &got, text, sizeof text);
    if (r <= 0) {
        sv->sync_open = 0;
        close(sv->sync_sock);
        if (!sv->errored)
            event("started"); /* close-on-exec: the command is running (or already ran) */
    } else if (got >= 0) {
        sv->master = got;
        set_window(sv->master, sv->set->rows, sv->set->cols);
        sv->out_open = sv->in_open = 1;
    } else {
        sv->errored = 1;
        event("error %s", text);
        fprintf(stderr, "berth-shim: %s\n", strchr(text, ' ') ? strchr(text, ' ') + 1 : text);
    }
}

/* Until the container has exited and its pty is drained: signals, commands, the child, the pty. */
static void supervise(struct supervisor *sv, const char *control_path)
{
    if (terminal) {
        sv->pty_in = open_stdio(sv->set->stdio_paths[0], 0);
        sv->pty_out = open_stdio(sv->set->stdio_paths[1], 1);
    }
    if (sv->master >= 0) { /* from another runtime's console socket */
        set_window(sv->master, sv->set->rows, sv->set->cols);
        sv->out_open = sv->in_open = 1;
    }
    /*
     * The control fifo: the same commands as on stdin, for a daemon that reattaches after the one
     * that started us died (it cannot get at our stdin). Read-write, so that opening never waits
     * and the fifo never reports end of file.
     */
    if (control_path && (sv->control = open(control_path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
        fprintf(stderr, "berth-shim: open %s: %s\n", control_path, strerror(errno)); /* stdin still works */
    while (sv->status < 0 || sv->out_open) {
        struct pollfd p[9] = {
            {.fd = sv->sfd, .events = POLLIN},
            {.fd = sv->ctl_open ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = sv->sync_open ? sv->sync_sock : -1, .events = POLLIN},
            {.fd = sv->out_open ? sv->master : -1, .events = POLLIN},
            {.fd = sv->in_open ? sv->pty_in : -1, .events = POLLIN},
            {.fd = sv->control, .events = POLLIN},
            relay_poll(&sv->io[0]),
            relay_poll(&sv->io[1]),
            relay_poll(&sv->io[2]),
        };
        if (sv->status >= 0) {
            /* the container is gone: drain what the pty still holds, then stop */
            p[0].fd = p[1].fd = p[2].fd = p[4].fd = p[5].fd = p[6].fd = p[7].fd = p[8].fd = -1;
        }
        if (poll(p, 9, sv->status >= 0 ? 100 : -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (sv->status >= 0 && !(p[3].revents & (POLLIN | POLLHUP | POLLERR)))
            break;
        if (p[0].revents & POLLIN)
            on_signals(sv);
        if (p[1].revents & (POLLIN | POLLHUP))
            on_commands(sv, STDIN_FILENO);
        else if (p[5].revents & POLLIN)
            on_commands(sv, sv->control);
        if (p[2].revents & (POLLIN | POLLHUP))
            on_sync(sv);
        if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
            copy_some(sv->master, sv->pty_out, &sv->out_open);
        if (p[4].revents & (POLLIN | POLLHUP | POLLERR))
            copy_some(sv->pty_in, sv->master, &sv->in_open);
        for (int i = 0; i < 3; i++)
            if (p[6 + i].revents)
                relay_some(&sv->io[i]);
    }
    relay_close(&sv->io[0]);
    relay_drain(&sv->io[1]);
    relay_drain(&sv->io[2]);
    if (sv->sync_open) {
        /* the child died before exec without saying why, or its message is still queued */
        char text[2100];
        int got = -1;
        int r = recv_master(sv->sync_sock, &got, text, sizeof text);
        if (r > 0 && got < 0)
            event("error %s", text);
        else if (r == 0 && !sv->errored)
            event("started");
    }
}

static void report_exit(const struct settings *set, int status)
{
    char line[64];
    if (WIFSIGNALED(status))
        snprintf(line, sizeof line, "signal %d\n", WTERMSIG(status));
    else
        snprintf(line, sizeof line, "exit %d\n", WEXITSTATUS(status));
    if (set->exit_file)
        write_exit_file(set->exit_file, line);
    put(STDOUT_FILENO, line, strlen(line));
}

/*
 * Runs from a sealed memfd copy of this binary, as runc's cloned_binary does (CVE-2019-5736):
 * whatever joins a container (the child before execve, the --init reaper as its pid 1) then has
 * no host path as /proc/self/exe, and a "#!/proc/self/exe" script run by docker exec reaches only
 * the copy, which nobody can write (F_SEAL_WRITE). The first run copies and re-executes itself;
 * the copy sees its own seals and goes on. Not being dumpable also keeps processes of the
 * container from ptrace-ing us or opening our descriptors through /proc until execve, which
 * makes the command dumpable again.
 */
static void run_from_sealed_copy(char **argv)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        die("prctl PR_SET_DUMPABLE");
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        die("open /proc/self/exe");
    int seals = fcntl(self, F_GET_SEALS);
    if (seals >= 0 && (seals & F_SEAL_WRITE)) {
        close(self);
        return;
    }
    struct stat st;
    if (fstat(self, &st) < 0)
        die("fstat /proc/self/exe");
    int copy = memfd_create("berth-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (copy < 0)
        die("memfd_create");
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(copy, self, &done, (size_t)(st.st_size - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("copy /proc/self/exe to a memfd");
    }
    close(self);
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        die("seal the memfd copy");
    extern char **environ;
    fexecve(copy, argv, environ);
    die("fexecve the memfd copy");
}

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCONT, SIGALRM, SIGWINCH};

int main(int argc, char **argv)
{
    const char *plan_path = NULL;
    const char *control_path = NULL;
    run_from_sealed_copy(argv);
    if (argc > 2 && !strcmp(argv[1], "--reap"))
        reap_main(argc - 2, argv + 2);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--init"))
            use_init = 1;
        else if (!strcmp(argv[i], "--control") && i + 1 < argc)
            control_path = argv[++i];
        else
            plan_path = argv[i];
    }
    if (!plan_path) {
        fprintf(stderr, "usage: berth-shim [--init] [--control FIFO] PLAN\n");
        return 2;
    }
    size_t len = 0;
    char *plan = read_file(plan_path, &len);
    parse_plan(plan, len);
    struct settings set;
    read_settings(&set);

    /* own session: the daemon's terminal signals are not the container's */
    if (setsid() < 0 && errno != EPERM)
        die("setsid");
    signal(SIGPIPE, SIG_IGN);
    struct supervisor sv = {.set = &set, .sync_sock = -1, .control = -1, .master = -1, .pty_in = -1,
                            .pty_out = -1, .ctl_open = 1, .status = -1};
    sv.stdin_hold = open_container_stdio(&set, sv.io);

    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
        sigaddset(&mask, forwarded[i]);
    if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
        die("sigprocmask");

    if (set.create_cmd) {
        sv.child = create_with_runtime(&set, &sv.master);
    } else {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
            die("socketpair");
        sv.child = clone_child(&set, pair, &old);
        sv.sync_sock = pair[0];
        sv.sync_open = 1;
    }
    for (int fd = 0; fd < 3; fd++)
        close(stdio_fds[fd]);
    event("pid %d", sv.child);

    sv.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sv.sfd < 0)
        die("signalfd");
    supervise(&sv, control_path);
    report_exit(&set, sv.status);
    return 0;
}
