package dev.berth.core.text;

import java.time.Duration;

/**
 * Coarse durations exactly as Docker prints them (github.com/docker/go-units HumanDuration):
 * "Less than a second", "About a minute", "3 hours", "2 weeks". The daemon uses it for a
 * container's status ("Up 5 minutes") and the CLI for "Created 2 days ago".
 */
public final class HumanDuration {
    private HumanDuration() {}

    /** go-units HumanDuration; callers append " ago" where they need it. */
    public static String of(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        // Go's d.Round(time.Hour): half away from zero.
        long hours = (d.toMillis() + 30 * 60 * 1000L) / (60 * 60 * 1000L);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }
}
