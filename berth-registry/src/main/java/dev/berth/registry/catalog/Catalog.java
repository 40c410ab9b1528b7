package dev.berth.registry.catalog;

import dev.berth.registry.storage.Page;
import dev.berth.registry.storage.RepositoryStore;

/** The list of repositories (distribution's {@code /v2/_catalog}), a page at a time. */
public final class Catalog {
    private final RepositoryStore repos;

    public Catalog(RepositoryStore repos) {
        this.repos = repos;
    }

    public Page repositories(int n, String last) {
        return Page.of(repos.repositories(), n, last);
    }
}
