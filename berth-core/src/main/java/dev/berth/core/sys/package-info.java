/**
 * Linux system calls Java lacks (mount, umount2, mknod, lchown, xattrs, utimensat, statfs …),
 * bound through the Foreign Function &amp; Memory API. {@link dev.berth.core.sys.Libc} holds the
 * bindings, {@link dev.berth.core.sys.Mounts} the mount flags and helpers, and
 * {@link dev.berth.core.sys.Errno} the one errno → error-kind mapping. A failed call throws a
 * BerthException such as {@code mknod /x/dev/null: Operation not permitted (EPERM)}.
 */
package dev.berth.core.sys;
