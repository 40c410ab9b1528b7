package dev.berth.api.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One message of Docker's JSON message stream ({@code pkg/jsonmessage}), as the docker CLI
 * renders it: {@code status} lines keyed by {@code id} (a layer) with a progress bar, plain
 * {@code stream} text ("Loaded image: busybox:latest\n"), {@code aux} objects, and errors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JsonMessage(
        @JsonProperty("stream") String stream,
        @JsonProperty("status") String status,
        @JsonProperty("progressDetail") ProgressDetail progressDetail,
        @JsonProperty("progress") String progress,
        @JsonProperty("id") String id,
        @JsonProperty("errorDetail") ErrorDetail errorDetail,
        @JsonProperty("error") String error,
        @JsonProperty("aux") Object aux) {

    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record ProgressDetail(
            @JsonProperty("current") long current,
            @JsonProperty("total") long total) {}

    /** The error of a failed operation; {@code code} (a build step's exit code) when there is one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"code", "message"})
    public record ErrorDetail(
            @JsonProperty("code") Integer code,
            @JsonProperty("message") String message) {}

    /** {@code {"stream":"…"}}: text the CLI prints as is (include the newline). */
    public static JsonMessage stream(String text) {
        return new JsonMessage(text, null, null, null, null, null, null, null);
    }

    /** {@code {"status":"…","id":"…"}}: a status line, per layer when {@code id} is not null. */
    public static JsonMessage status(String id, String status) {
        return new JsonMessage(null, status, null, null, id, null, null, null);
    }

    /**
     * A progress line ("Loading layer [=====>   ]  1.2MB/4.5MB"): {@code total} 0 or less when
     * unknown. The bar is rendered here like Docker's {@code JSONProgress.String()}, for clients
     * that show {@code progress} verbatim.
     */
    public static JsonMessage progress(String id, String status, long current, long total) {
        return new JsonMessage(
                null, status, new ProgressDetail(current, total), progressBar(current, total), id, null, null, null);
    }

    /** {@code {"aux":{…}}}: structured side information (e.g. {@code {"ID":"sha256:…"}}). */
    public static JsonMessage aux(Object aux) {
        return new JsonMessage(null, null, null, null, null, null, null, aux);
    }

    /** {@code {"errorDetail":{"message":m},"error":m}}: how Docker reports an error after the 200 header. */
    public static JsonMessage error(String message) {
        return new JsonMessage(null, null, null, null, null, new ErrorDetail(null, message), message, null);
    }

    /**
     * An error with a code, as dockerd reports a build step that failed
     * ({@code {"errorDetail":{"code":1,"message":m},"error":m}}); the docker CLI exits with it.
     */
    public static JsonMessage error(String message, int code) {
        return new JsonMessage(null, null, null, null, null, new ErrorDetail(code, message), message, null);
    }

    static String progressBar(long current, long total) {
        if (total <= 0) {
            return humanSize(current);
        }
        int width = 50;
        int filled = (int) Math.min(width, Math.max(0, current * width / total));
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        return "[" + bar + "] "
                + String.format("%8s/%s", humanSize(current), humanSize(total)).stripLeading();
    }

    /** Decimal sizes as Docker's {@code units.HumanSize} ("4.5MB", "512B"). */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int unit = 0;
        while (v >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        String number = String.format(java.util.Locale.ROOT, "%.4g", v);
        if (number.contains(".")) {
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return number + units[unit];
    }
}
