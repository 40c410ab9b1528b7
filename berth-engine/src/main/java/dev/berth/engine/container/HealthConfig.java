package dev.berth.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.berth.core.error.BerthException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code Healthcheck} (Config.Healthcheck, an image's HEALTHCHECK): the test and its
 * timing in nanoseconds, 0 meaning "the default" (or the image's, when merged). Test is
 * {@code ["NONE"]} (no check), {@code ["CMD", arg…]} or {@code ["CMD-SHELL", command]}.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthConfig(
        @JsonProperty("Test") List<String> test,
        @JsonProperty("Interval") long interval,
        @JsonProperty("Timeout") long timeout,
        @JsonProperty("StartPeriod") long startPeriod,
        @JsonProperty("StartInterval") long startInterval,
        @JsonProperty("Retries") int retries) {

    /** moby's daemon/health.go defaults. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
    static final int DEFAULT_RETRIES = 3;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** An image config's Healthcheck (kept there as a plain map), or null. */
    static HealthConfig fromImage(Map<String, Object> healthcheck) {
        return healthcheck == null ? null : JSON.convertValue(healthcheck, HealthConfig.class);
    }

    /** As an image config keeps it. */
    @SuppressWarnings("unchecked")
    Map<String, Object> toImage() {
        return JSON.convertValue(this, Map.class);
    }

    /**
     * moby's merge: what the container leaves unset (no test, zero durations or retries) comes
     * from the image's.
     */
    static HealthConfig merge(HealthConfig container, HealthConfig image) {
        if (container == null) {
            return image;
        }
        if (image == null) {
            return container;
        }
        return new HealthConfig(
                container.test == null || container.test.isEmpty() ? image.test : container.test,
                container.interval == 0 ? image.interval : container.interval,
                container.timeout == 0 ? image.timeout : container.timeout,
                container.startPeriod == 0 ? image.startPeriod : container.startPeriod,
                container.startInterval == 0 ? image.startInterval : container.startInterval,
                container.retries == 0 ? image.retries : container.retries);
    }

    /** Whether a check runs: a test other than NONE. */
    boolean enabled() {
        return test != null && !test.isEmpty() && !test.getFirst().equals("NONE");
    }

    /** The command a probe execs, from CMD or CMD-SHELL. */
    List<String> command() {
        return switch (test.getFirst()) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
            default -> throw BerthException.invalid("unknown Healthcheck type '%s'", test.getFirst());
        };
    }

    /** Refuses what moby's verifyContainerSettings refuses (400). */
    void check() {
        checkDuration("Interval", interval);
        checkDuration("Timeout", timeout);
        checkDuration("StartPeriod", startPeriod);
        checkDuration("StartInterval", startInterval);
        if (retries < 0) {
            throw BerthException.invalid("Retries in Healthcheck cannot be negative");
        }
        if (test != null
                && !test.isEmpty()
                && !List.of("NONE", "CMD", "CMD-SHELL").contains(test.getFirst())) {
            throw BerthException.invalid("unknown Healthcheck type '%s'", test.getFirst());
        }
    }

    private static void checkDuration(String name, long nanos) {
        if (nanos != 0 && nanos < 1_000_000) {
            throw BerthException.invalid("%s in Healthcheck cannot be less than 1ms", name);
        }
    }

    Duration intervalOrDefault() {
        return interval > 0 ? Duration.ofNanos(interval) : DEFAULT_INTERVAL;
    }

    Duration timeoutOrDefault() {
        return timeout > 0 ? Duration.ofNanos(timeout) : DEFAULT_TIMEOUT;
    }

    Duration startIntervalOrDefault() {
        return startInterval > 0 ? Duration.ofNanos(startInterval) : DEFAULT_START_INTERVAL;
    }

    Duration startPeriodDuration() {
        return Duration.ofNanos(startPeriod);
    }

    int retriesOrDefault() {
        return retries > 0 ? retries : DEFAULT_RETRIES;
    }
}
