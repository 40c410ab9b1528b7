package dev.berth.build.dockerfile;

import java.util.List;
import java.util.Locale;

/**
 * One build stage: a {@code FROM} and the instructions up to the next.
 *
 * @param index    the stage's position (COPY --from=0 names the first)
 * @param name     the {@code AS} name in lower case, or null
 * @param base     the image or earlier stage it starts from, as written (substituted with the global ARGs)
 * @param platform the {@code --platform} flag as written, or null
 */
public record Stage(
        int index,
        String name,
        String base,
        String platform,
        Instruction.Source source,
        List<Instruction> instructions) {

    public Stage {
        instructions = List.copyOf(instructions);
    }

    /** Whether {@code ref} (a {@code --from} or {@code FROM} word) names this stage. */
    public boolean isNamed(String ref) {
        return name != null && name.equals(ref.toLowerCase(Locale.ROOT));
    }

    /** How the stage is shown to a user: its name, else its index. */
    public String displayName() {
        return name != null ? name : Integer.toString(index);
    }
}
