/*
 * Unit tests of parse_plan (plan.c), built with AddressSanitizer and run by `make test` (the
 * native module's build). Each bad plan is parsed in a child process, since the parser dies on
 * it: the test checks the exit code (128, as a setup failure) and the message it reports.
 */
#include "../shim.h"

static int failures, cases;

/* The parser keeps what it allocates for the life of the process, as the shim does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}

/* Parses TEXT in a child; returns its exit status and puts what it reported in OUT. */
static int parse_in_child(const char *text, size_t len, char *out, size_t outlen)
{
    int pipefd[2];
    if (pipe(pipefd) < 0) {
        perror("pipe");
        exit(2);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        dup2(pipefd[1], STDERR_FILENO);
        char *copy = malloc(len + 1);
        memcpy(copy, text, len);
        parse_plan(copy, len);
        printf("parsed %d steps\n", nsteps);
        exit(0);
    }
    close(pipefd[1]);
    size_t got = 0;
    ssize_t r;
    while (got < outlen - 1 && (r = read(pipefd[0], out + got, outlen - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = 0;
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
}

static void expect_refused(const char *what, const char *text, size_t len, const char *message)
{
    char out[4096];
    int code = parse_in_child(text, len, out, sizeof out);
    cases++;
    if (code != EXIT_SETUP || !strstr(out, message)) {
        failures++;
        printf("FAIL %s: exit %d, expected %d with \"%s\"; it said:\n%s\n", what, code, EXIT_SETUP, message, out);
    }
}

#define REFUSED(what, text, message) expect_refused(what, text, sizeof text - 1, message)

static void check(int ok, const char *what)
{
    cases++;
    if (!ok) {
        failures++;
        printf("FAIL %s\n", what);
    }
}

static void parses_every_byte_and_counts_steps(void)
{
    /* an argument may hold spaces, newlines, colons and NULs: its length says where it ends */
    char plan[] = "namespaces 3:pid 5:mount\n"
                  "arg 7:a b\nc:d\n"
                  "env 3:A=\0\n"
                  "mount 0: 1:/ 0: 6:278528 0:\n"
                  "pivot\n"
                  "exec 4:/bin\n";
    parse_plan(plan, sizeof plan - 1);
    check(nsteps == 6, "six steps");
    check(steps[0].op == OP_NAMESPACES && steps[0].argc == 2 && !strcmp(steps[0].argv[1], "mount"),
          "namespaces pid mount");
    check(steps[1].op == OP_ARG && !memcmp(steps[1].argv[0], "a b\nc:d", 8), "an argument with a space and a newline");
    check(steps[2].op == OP_ENV && !memcmp(steps[2].argv[0], "A=\0", 4), "an argument with a NUL");
    check(steps[3].op == OP_MOUNT && steps[3].argc == 5 && steps[3].argv[0][0] == 0, "empty arguments");
    check(steps[4].op == OP_PIVOT && steps[4].argc == 0 && !strcmp(steps[4].name, "pivot"), "no arguments");
    check(op_count[OP_ARG] == 1 && op_count[OP_ENV] == 1 && op_count[OP_EXEC] == 1, "counts by kind");
}

/* Thousands of arguments and variables: nothing is dropped and nothing overruns (ASan watches). */
static void has_no_fixed_maximum(void)
{
    size_t cap = 1 << 20, len = 0;
    char *plan = malloc(cap);
    len += (size_t)sprintf(plan + len, "groups");
    for (int i = 0; i < 100; i++)
        len += (size_t)sprintf(plan + len, " 4:%04d", i);
    plan[len++] = '\n';
    for (int i = 0; i < 3000; i++)
        len += (size_t)sprintf(plan + len, "arg 5:a%04d\n", i);
    for (int i = 0; i < 6000; i++)
        len += (size_t)sprintf(plan + len, "env 7:V%04d=1\n", i);
    char out[4096];
    check(parse_in_child(plan, len, out, sizeof out) == 0 && strstr(out, "parsed 9001 steps"), "9001 steps parse");
    free(plan);
}

int main(void)
{
    REFUSED("truncated after the step name", "pivot", "plan: truncated after 'pivot'");
    REFUSED("truncated second step", "pivot\npivot", "plan: truncated after 'pivot'");
    REFUSED("truncated inside an argument", "arg 5:ab", "plan: bad argument length in 'arg'");
    REFUSED("length past the end", "arg 10:abc\n", "plan: bad argument length in 'arg'");
    REFUSED("length not a number", "arg x:a\n", "plan: bad argument length in 'arg'");
    REFUSED("negative length", "arg -1:a\n", "plan: bad argument length in 'arg'");
    REFUSED("no colon", "arg 1a\n", "plan: bad argument length in 'arg'");
    REFUSED("argument longer than its length", "arg 1:ab\n", "plan: argument of 'arg' not followed by a separator");
    REFUSED("argument at the very end", "arg 1:a", "plan: argument of 'arg' not followed by a separator");
    REFUSED("unknown step", "frobnicate 1:a\n", "plan: unknown step 'frobnicate'");
    REFUSED("empty step name", "\n", "plan: unknown step ''");
    REFUSED("too few arguments", "mount 1:a\n", "plan: 'mount' takes 5 to 6 arguments, has 1");
    REFUSED("too many arguments", "pivot 1:a\n", "plan: 'pivot' takes 0 to 0 arguments, has 1");
    REFUSED("a supervisor step checked too", "winsize 2:24\n", "plan: 'winsize' takes 2 to 2 arguments, has 1");
    has_no_fixed_maximum();
    char empty[] = "";
    char out[256];
    check(parse_in_child(empty, 0, out, sizeof out) == 0 && strstr(out, "parsed 0 steps"), "an empty plan");
    parses_every_byte_and_counts_steps();
    printf("%d passed, %d failed\n", cases - failures, failures);
    return failures ? 1 : 0;
}
