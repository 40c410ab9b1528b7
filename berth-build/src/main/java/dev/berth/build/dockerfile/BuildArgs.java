package dev.berth.build.dockerfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The build arguments of one build and Docker's scoping rules for them:
 * <ul>
 *   <li>an ARG before the first FROM is global: usable in FROM lines only, and as the default
 *       of an ARG of the same name declared (without a value) inside a stage;
 *   <li>inside a stage an ARG is visible from its line on, and in stages built FROM that stage;
 *       a value given with {@code --build-arg} wins over the default;
 *   <li>the proxy variables ({@code HTTP_PROXY} …) reach RUN without an ARG, but stay out of the
 *       cache key and the image history unless the Dockerfile declares them;
 *   <li>the platform variables ({@code TARGETPLATFORM} …) are global ARGs that are always set.
 * </ul>
 * A given argument that no ARG consumed is reported once the build ends, as dockerd does.
 */
public final class BuildArgs {
    public static final List<String> PREDEFINED = List.of(
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "FTP_PROXY",
            "ftp_proxy",
            "NO_PROXY",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy");

    /**
     * Arguments the builder itself reads, so giving one is not "unconsumed"
     * ({@code SOURCE_DATE_EPOCH} clamps timestamps).
     */
    public static final List<String> BUILTIN = List.of(
            "SOURCE_DATE_EPOCH",
            "BUILDKIT_SYNTAX",
            "BUILDKIT_INLINE_CACHE",
            "BUILDKIT_MULTI_PLATFORM",
            "BUILDKIT_SANDBOX_HOSTNAME",
            "BUILDKIT_CACHE_MOUNT_NS");

    private final Map<String, String> given;
    private final Set<String> consumed = Collections.synchronizedSet(new LinkedHashSet<>());

    /**
     * @param given the {@code buildargs} of the request; a null value is an argument named without
     *              a value (the CLI's {@code --build-arg NAME} when NAME is not in its environment)
     */
    public BuildArgs(Map<String, String> given) {
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /** The value given for {@code name}, or null. */
    public String given(String name) {
        return given.get(name);
    }

    public boolean isGiven(String name) {
        return given.containsKey(name) && given.get(name) != null;
    }

    /**
     * The global scope: the automatic platform arguments, then each global ARG in order, its
     * default substituted with what precedes it, a given value winning.
     */
    public Map<String, String> globals(List<Instruction.Arg> globalArgs, Map<String, String> automatic, ShellLex lex) {
        Map<String, String> scope = new LinkedHashMap<>(automatic);
        for (Instruction.Arg arg : globalArgs) {
            for (Instruction.ArgDecl decl : arg.args()) {
                String value = decl.defaultValue() == null ? null : lex.word(decl.defaultValue(), scope);
                consumed.add(decl.name());
                if (isGiven(decl.name())) {
                    value = given.get(decl.name());
                }
                if (value != null) {
                    scope.put(decl.name(), value);
                } else {
                    scope.remove(decl.name());
                }
            }
        }
        return scope;
    }

    /**
     * The value an ARG inside a stage takes: the given one, else its default (already
     * substituted), else the global ARG's; null when it has none (it is then declared but unset).
     */
    public String resolve(Instruction.ArgDecl decl, String expandedDefault, Map<String, String> globals) {
        consumed.add(decl.name());
        if (isGiven(decl.name())) {
            return given.get(decl.name());
        }
        if (expandedDefault != null) {
            return expandedDefault;
        }
        return globals.get(decl.name());
    }

    /**
     * The proxy variables given but not declared: RUN sees them, the cache key and history do not.
     */
    public Map<String, String> predefined(Set<String> declared) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : PREDEFINED) {
            if (isGiven(name) && !declared.contains(name)) {
                out.put(name, given.get(name));
            }
        }
        return out;
    }

    /** The given arguments no ARG consumed (neither predefined nor read by the builder), sorted. */
    public Set<String> unconsumed() {
        Set<String> out = new TreeSet<>();
        for (String name : given.keySet()) {
            if (!consumed.contains(name) && !PREDEFINED.contains(name) && !BUILTIN.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
