package dev.berth.core.sys;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How file operations on paths under a directory reach the kernel. {@link #TRUSTED} hands each
 * path over as it is: for a tree nothing else changes while we work in it (a fresh snapshot being
 * unpacked). {@link InRoot} has the kernel resolve every path inside the directory, for a tree
 * that someone else may be changing under us (a running container's files).
 */
public interface PathScope {
    /** One operation on one path. */
    @FunctionalInterface
    interface PathOp<T> {
        T apply(Path path) throws IOException;
    }

    /**
     * Runs {@code op} on a path naming the same directory entry as {@code path}. The operation must
     * not follow its last component (lstat, mkdir, symlink, open with O_NOFOLLOW, lchown, l*xattr).
     */
    <T> T entry(Path path, PathOp<T> op) throws IOException;

    /**
     * Runs {@code op} on a path naming the object at {@code path} itself (a symlink there is not
     * followed): the operation may follow it (stat, chmod, opendir, open for reading).
     */
    <T> T object(Path path, PathOp<T> op) throws IOException;

    PathScope TRUSTED = new PathScope() {
        @Override
        public <T> T entry(Path path, PathOp<T> op) throws IOException {
            return op.apply(path);
        }

        @Override
        public <T> T object(Path path, PathOp<T> op) throws IOException {
            return op.apply(path);
        }
    };
}
