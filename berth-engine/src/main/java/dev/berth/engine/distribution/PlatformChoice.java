package dev.berth.engine.distribution;

import dev.berth.core.error.BerthException;
import dev.berth.core.image.Descriptor;
import dev.berth.core.image.Index;
import dev.berth.core.image.MediaTypes;
import dev.berth.core.image.Platform;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which entry of an index or manifest list to pull: the one for the wanted platform
 * ({@code --platform linux/arm64/v8}), by default linux/amd64 — Berth runs linux/amd64 images;
 * containerd's platforms.Only matching, reduced to what Docker does for these names: OS and
 * architecture must match; a variant asked for must match (arm64 defaults to v8, arm to v7);
 * with no variant asked for, an exact-empty variant is preferred. Entries that are not image
 * manifests (attestations, marked {@code unknown/unknown}) never match.
 */
public final class PlatformChoice {
    public static final Platform DEFAULT = Platform.of("linux", "amd64");

    private PlatformChoice() {}

    /** Parses {@code os/arch[/variant]} (or just {@code arch}, meaning linux); null or empty gives {@link #DEFAULT}. */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/");
        if (parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw BerthException.invalid("invalid platform %s: expected os/arch[/variant]", text);
        }
        String os = parts.length == 1 ? "linux" : parts[0];
        String arch = normalizeArchitecture(parts.length == 1 ? parts[0] : parts[1]);
        String variant = parts.length == 3 ? parts[2] : null;
        if (!os.equals("linux")) {
            throw BerthException.invalid("%s: operating system is not supported", text);
        }
        return new Platform(arch, os, null, null, variant);
    }

    /** The platform as Docker prints it: {@code linux/arm64/v8}. */
    public static String format(Platform p) {
        return p.os() + "/" + p.architecture()
                + (p.variant() == null || p.variant().isEmpty() ? "" : "/" + p.variant());
    }

    /** The index entry for {@code wanted}; NOT_FOUND with Docker's message when there is none. */
    public static Descriptor choose(Index index, Platform wanted) {
        return find(index.manifests(), wanted)
                .orElseThrow(() -> BerthException.notFound(
                        "no matching manifest for %s in the manifest list entries", format(wanted)));
    }

    static Optional<Descriptor> find(List<Descriptor> entries, Platform wanted) {
        String wantedVariant = normalizeVariant(wanted.architecture(), wanted.variant());
        return entries.stream()
                .filter(d -> d.platform() != null && (d.mediaType() == null || MediaTypes.isManifest(d.mediaType())))
                .filter(d -> wanted.os().equals(d.platform().os()))
                .filter(d -> normalizeArchitecture(d.platform().architecture()).equals(wanted.architecture()))
                .filter(d -> wantedVariant == null
                        || wantedVariant.equals(normalizeVariant(
                                wanted.architecture(), d.platform().variant())))
                // With no variant asked for, the entry without one (or the default one) comes first;
                // otherwise the index order decides, as it does in containerd.
                .min(Comparator.comparingInt(
                        d -> rank(wanted.architecture(), d.platform().variant(), wantedVariant)));
    }

    private static int rank(String arch, String variant, String wantedVariant) {
        if (wantedVariant != null) {
            return 0;
        }
        String v = normalizeVariant(arch, variant);
        return v == null || v.equals(normalizeVariant(arch, null)) ? 0 : 1;
    }

    static String normalizeArchitecture(String arch) {
        if (arch == null) {
            return "";
        }
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            case "armhf" -> "arm";
            case "i386" -> "386";
            default -> arch.toLowerCase(Locale.ROOT);
        };
    }

    private static String normalizeVariant(String arch, String variant) {
        String v = variant == null || variant.isEmpty() ? null : variant.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "arm64" -> v == null || v.equals("8") ? "v8" : v;
            case "arm" -> v == null || v.equals("7") ? "v7" : v.matches("[0-9]") ? "v" + v : v;
            default -> v;
        };
    }
}
