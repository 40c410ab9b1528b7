package dev.berth.runtime.shim;

import dev.berth.core.error.BerthException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** kill(2) through FFM: ProcessHandle can only send SIGTERM and SIGKILL. */
final class Signals {
    private static final MethodHandle KILL = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {}

    /** Returns false when the process is gone (ESRCH or a failure to signal it). */
    static boolean kill(long pid, int signal) {
        if (pid <= 0) {
            throw BerthException.invalid("refusing to signal pid %d", pid);
        }
        try {
            return (int) KILL.invokeExact((int) pid, signal) == 0;
        } catch (Throwable t) {
            throw BerthException.internal("kill " + pid, t);
        }
    }
}
