package dev.berth.core.image;

import java.util.Locale;

/** The host's platform in OCI terms (Go's GOARCH names). */
public final class Platforms {
    private Platforms() {}

    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
    }

    public static String hostOs() {
        return "linux";
    }
}
