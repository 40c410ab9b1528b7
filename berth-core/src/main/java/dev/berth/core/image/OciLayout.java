package dev.berth.core.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code oci-layout} file of an OCI image layout (image-layout.md). */
public record OciLayout(@JsonProperty("imageLayoutVersion") String imageLayoutVersion) {
    public static final String FILE_NAME = "oci-layout";
    public static final OciLayout CURRENT = new OciLayout("1.0.0");
}
