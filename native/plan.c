/* berth-shim: reporting to the daemon and reading the plan (see berth-shim.c for the format). */
#include "shim.h"

const struct op_info ops[OP_COUNT] = {
#define STEP(id, name, who, min, max) [OP_##id] = {name, who, min, max},
#include "steps.h"
#undef STEP
};

struct step *steps;
int nsteps;
int op_count[OP_COUNT];
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

/* calloc that dies when memory is short: the shim allocates only while it reads the plan. */
void *alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("calloc %zu bytes", n * size);
    return p;
}

static enum op op_named(const char *name, size_t n)
{
    for (int i = 0; i < OP_COUNT; i++)
        if (strlen(ops[i].name) == n && !memcmp(ops[i].name, name, n))
            return (enum op)i;
    errno = EINVAL;
    die("plan: unknown step '%.*s'", (int)(n > 64 ? 64 : n), name);
}

/*
 * Parses in place: separators after each word and argument become NULs. Steps and arguments are
 * sized from the plan itself (a step ends in '\n' and an argument starts with ' ', so their counts
 * bound them), never from a fixed maximum; each step's arguments are checked against steps.h.
 */
void parse_plan(char *p, size_t len)
{
    char *end = p + len;
    size_t max_steps = 0, max_args = 0;
    for (char *c = p; c < end; c++) {
        max_steps += *c == '\n';
        max_args += *c == ' ';
    }
    steps = alloc(max_steps + 1, sizeof *steps); /* + the truncated one a bad plan ends with */
    char **args = alloc(max_args, sizeof *args);
    while (p < end) {
        struct step *s = &steps[nsteps++];
        char *name = p;
        while (p < end && *p != ' ' && *p != '\n')
            p++;
        if (p == end) {
            errno = EINVAL;
            die("plan: truncated after '%.*s'", (int)(p - name > 64 ? 64 : p - name), name);
        }
        s->op = op_named(name, (size_t)(p - name));
        s->name = ops[s->op].name;
        s->argv = args;
        while (*p == ' ') {
            *p++ = 0;
            char *colon;
            unsigned long n = strtoul(p, &colon, 10);
            if (colon == p || *p == '-' || *colon != ':' || n > (unsigned long)(end - colon - 1)) {
                errno = EINVAL;
                die("plan: bad argument length in '%s'", s->name);
            }
            *args++ = colon + 1;
            s->argc++;
            p = colon + 1 + n;
            if (p >= end || (*p != ' ' && *p != '\n')) {
                errno = EINVAL;
                die("plan: argument of '%s' not followed by a separator", s->name);
            }
        }
        *p++ = 0; /* the '\n' */
        const struct op_info *info = &ops[s->op];
        if (s->argc < info->min || (info->max != MANY && s->argc > info->max)) {
            errno = EINVAL;
            die("plan: '%s' takes %d to %d arguments, has %d", s->name, info->min, info->max, s->argc);
        }
        op_count[s->op]++;
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

