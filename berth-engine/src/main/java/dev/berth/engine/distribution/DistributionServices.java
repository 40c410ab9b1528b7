package dev.berth.engine.distribution;

import dev.berth.core.content.BlobStore;
import dev.berth.core.metadata.MetadataStore;
import dev.berth.engine.image.ImageServices;
import java.time.Clock;

/** Pull, push and login over one registry client, for the composition root and the API's routes. */
public record DistributionServices(RegistryClient client, PullService pulls, PushService pushes, LoginService logins) {
    public static DistributionServices create(
            RegistrySettings settings, ImageServices images, MetadataStore db, BlobStore blobs, Clock clock) {
        RegistryClient client = new RegistryClient(settings);
        return new DistributionServices(
                client,
                new PullService(
                        client, images.store(), blobs, images.leases(), images.layers(), db, images.events(), clock),
                new PushService(client, images.store(), blobs, images.leases(), images.layers(), db, images.events()),
                new LoginService(client));
    }
}
