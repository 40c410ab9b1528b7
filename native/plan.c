/* berth-shim: reporting to the daemon and reading the plan (see berth-shim.c for the format). */
#include "shim.h"

struct step steps[MAX_STEPS];
int nsteps;
int sync_fd = -1;

/* ---------------------------------------------------------------- reporting */

void put(int fd, const char *s, size_t n)
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

void event(const char *fmt, ...)
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
void die(const char *fmt, ...)
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
void fail_code(int code, const char *fmt, ...)
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


/* ---------------------------------------------------------------- plan parsing */

char *read_file(const char *path, size_t *len)
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
void parse_plan(char *p, size_t len)
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

unsigned long long num(const char *s)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 0);
    if (errno || *e || e == s)
        fail("plan: '%s' is not a number", s);
    return v;
}

int need(const struct step *s, int n)
{
    if (s->argc < n)
        fail("plan: '%s' needs %d arguments, has %d", s->op, n, s->argc);
    return 1;
}

/*
 * Just before execve: every signal at its default action and none blocked, as a process under
 * Docker starts. An ignored signal survives execve: the shim ignores SIGPIPE for itself, a daemon
 * started in the background by a shell script ignores SIGINT and SIGQUIT, and some parents pass
 * on the C library's own real-time signals (32, 33) ignored. Those two are why this is the raw
 * system call: sigaction(3) refuses them.
 */
void default_signals(void)
{
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        unsigned long long mask;
    } dfl = {.handler = SIG_DFL};
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

