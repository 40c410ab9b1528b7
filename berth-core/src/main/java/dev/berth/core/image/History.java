package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One {@code history} entry of an image config; {@code empty_layer} entries add no layer. */
@JsonPropertyOrder({"created", "author", "created_by", "comment", "empty_layer"})
public record History(
        String created,
        String author,
        @JsonProperty("created_by") String createdBy,
        String comment,

        @JsonProperty("empty_layer") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean emptyLayer) {}
