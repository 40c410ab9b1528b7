package dev.berth.core.layer;

/** How a layer's deletions are materialised when it is unpacked. */
public enum WhiteoutMode {
    /** As overlayfs expects: 0/0 character devices, {@code trusted.overlay.opaque=y} directories. */
    OVERLAY,
    /** Applied: the deleted paths are removed from the (copied) tree, as the vfs driver does. */
    APPLY,
    /**
     * Not a layer: a build context or an archive that {@code ADD} unpacks. Names beginning with
     * {@code .wh.} are ordinary files; symlinks already in the target are followed inside it, as
     * in APPLY.
     */
    PLAIN;

    /**
     * Whether unpacking a layer reads its parent's files: APPLY starts from a copy of them. An
     * OVERLAY layer's directory holds its own changes only, so the layers of an image can be
     * unpacked side by side, each before its parent is.
     */
    public boolean needsParentFiles() {
        return this != OVERLAY;
    }
}
