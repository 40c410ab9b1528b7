package dev.berth.runtime.plan;

/**
 * The plan's vocabulary: every step berth-shim knows, with who runs it and how many arguments it
 * takes. native/steps.h holds the same table for the C side; OpTableTest fails when they differ,
 * so a step is added in both or in neither.
 */
public enum Op {
    NAMESPACES("namespaces", Who.SUPERVISOR, 0, Op.MANY),
    JOINPID("joinpid", Who.SUPERVISOR, 1, 1),
    STDIN("stdin", Who.SUPERVISOR, 1, 1),
    STDOUT("stdout", Who.SUPERVISOR, 1, 1),
    STDERR("stderr", Who.SUPERVISOR, 1, 1),
    TERMINAL("terminal", Who.SUPERVISOR, 0, 0),
    WINSIZE("winsize", Who.SUPERVISOR, 2, 2),
    EXITFILE("exitfile", Who.SUPERVISOR, 1, 1),
    INIT("init", Who.SUPERVISOR, 0, 0),
    PIDFILE("pidfile", Who.SUPERVISOR, 1, 1),
    CONSOLE_SOCKET("console-socket", Who.SUPERVISOR, 1, 1),
    HIDE_MOUNT("hide-mount", Who.SUPERVISOR, 1, 1),
    CREATE_CMD("create-cmd", Who.SUPERVISOR, 1, Op.MANY),
    START_CMD("start-cmd", Who.SUPERVISOR, 1, Op.MANY),
    SETNS("setns", Who.CHILD, 1, 1),
    UNSHARE("unshare", Who.CHILD, 1, 1),
    MOUNT("mount", Who.CHILD, 5, 6),
    ROOTFS("rootfs", Who.CHILD, 1, 1),
    MOUNTIN("mountin", Who.CHILD, 6, 6),
    MKDIRIN("mkdirin", Who.CHILD, 1, 1),
    MKNOD("mknod", Who.CHILD, 8, 8),
    SYMLINK("symlink", Who.CHILD, 2, 2),
    PIVOT("pivot", Who.CHILD, 0, 0),
    WRITE("write", Who.CHILD, 2, 2),
    MASK("mask", Who.CHILD, 1, 1),
    READONLY("readonly", Who.CHILD, 1, 1),
    REMOUNT_RO("remount-ro", Who.CHILD, 1, 1),
    CONSOLE("console", Who.CHILD, 0, 0),
    HOSTNAME("hostname", Who.CHILD, 1, 1),
    DOMAINNAME("domainname", Who.CHILD, 1, 1),
    RLIMIT("rlimit", Who.CHILD, 3, 3),
    GROUPS("groups", Who.CHILD, 0, Op.MANY),
    IDENTITY("identity", Who.CHILD, 7, 7),
    NONEWPRIVS("nonewprivs", Who.CHILD, 0, 0),
    SECCOMP("seccomp", Who.CHILD, 1, 1),
    CHDIR("chdir", Who.CHILD, 1, 1),
    ARG("arg", Who.CHILD, 1, 1),
    ENV("env", Who.CHILD, 1, 1),
    EXEC("exec", Who.CHILD, 1, 1);

    /** No upper bound on the arguments. */
    public static final int MANY = -1;

    /** SUPERVISOR: read by the shim before clone. CHILD: run in order in the container's namespaces. */
    public enum Who {
        SUPERVISOR,
        CHILD
    }

    private final String wireName;
    private final Who who;
    private final int min;
    private final int max;

    Op(String wireName, Who who, int min, int max) {
        this.wireName = wireName;
        this.who = who;
        this.min = min;
        this.max = max;
    }

    /** The name in the encoded plan. */
    public String wireName() {
        return wireName;
    }

    public Who who() {
        return who;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** Whether the shim takes {@code count} arguments for this step (it refuses the plan otherwise). */
    public boolean takes(int count) {
        return count >= min && (max == MANY || count <= max);
    }
}
