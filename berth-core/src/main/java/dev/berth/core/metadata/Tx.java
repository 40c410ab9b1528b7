package dev.berth.core.metadata;

import java.sql.Connection;

/** An open transaction. DAOs are made on it: {@code tx.images()}, or {@code new ContainerDao(tx)}. */
public record Tx(Connection connection) {
    public ImageDao images() {
        return new ImageDao(this);
    }

    public TagDao tags() {
        return new TagDao(this);
    }

    public RepoDigestDao repoDigests() {
        return new RepoDigestDao(this);
    }

    public LayerDao layers() {
        return new LayerDao(this);
    }

    public PullLeaseDao pullLeases() {
        return new PullLeaseDao(this);
    }
}
