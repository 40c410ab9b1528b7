package dev.berth.daemon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The layering of shared/DESIGN.md "Modules", held on the compiled classes of every module (this
 * module's tests see them all): a wrong arrow, a package cycle, or the CLI reaching past the API
 * fails the build. Maven already refuses module cycles; this also refuses arrows Maven would
 * allow, like the CLI importing the engine.
 */
class LayeringTest {
    /**
     * Each module, by its package under {@code dev.berth}, and the modules it may use, bottom-up:
     * core, then http, runtime and registry, then network (the kernel's side of networks, which the
     * engine's container runner calls between "namespaces exist" and "exec", as shared/DESIGN.md's
     * module table orders them), then engine, then build, then api, then
     * the daemon (everything) and the CLI (the API's client side, and the builder's .dockerignore
     * reading, which decides what the CLI sends as a build context). Adding a module is one line
     * here; a package under dev.berth that is missing fails {@link #everyModuleHasItsLine}.
     */
    private static final Map<String, Set<String>> MAY_USE = ordered(
            entry("testing", Set.of()),
            entry("core", Set.of()),
            entry("http", Set.of("core")),
            entry("runtime", Set.of("core")),
            entry("registry", Set.of("core", "http")),
            entry("network", Set.of("core", "http", "runtime", "registry")),
            entry("engine", Set.of("core", "http", "runtime", "registry", "network")),
            entry("build", Set.of("core", "http", "runtime", "registry", "network", "engine")),
            entry("api", Set.of("core", "http", "runtime", "registry", "engine", "network", "build")),
            entry("daemon", Set.of("core", "http", "runtime", "registry", "engine", "network", "build", "api")),
            entry("cli", Set.of("core", "http", "api", "build")));

    /** Production classes only: tests (this one too) may use anything. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.berth");

    @Test
    void everyModuleHasItsLine() {
        Set<String> modules = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            String rest = c.getPackageName().substring("dev.berth.".length());
            modules.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
        }
        assertThat(MAY_USE.keySet()).containsAll(modules);
        assertThat(modules).as("modules whose classes were read").contains("core", "engine", "api", "cli", "daemon");
    }

    @Test
    void eachModuleUsesOnlyTheModulesBelowIt() {
        List<ArchRule> rules = new ArrayList<>();
        MAY_USE.forEach((module, allowed) -> {
            String[] forbidden = MAY_USE.keySet().stream()
                    .filter(other -> !other.equals(module) && !allowed.contains(other))
                    .map(other -> "dev.berth." + other + "..")
                    .toArray(String[]::new);
            rules.add(noClasses()
                    .that()
                    .resideInAPackage("dev.berth." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(forbidden)
                    .because("berth-" + module + " may use " + (allowed.isEmpty() ? "no other module" : allowed))
                    .allowEmptyShould(true));
        });
        CompositeArchRule.of(rules).check(CLASSES);
    }

    @Test
    void theCliReachesTheDaemonOnlyThroughTheApi() {
        noClasses()
                .that()
                .resideInAPackage("dev.berth.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.berth.engine..",
                        "dev.berth.runtime..",
                        "dev.berth.registry..",
                        "dev.berth.build.builder..")
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.berth.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @SafeVarargs
    private static Map<String, Set<String>> ordered(Map.Entry<String, Set<String>>... entries) {
        Map<String, Set<String>> map = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : entries) {
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }
}
