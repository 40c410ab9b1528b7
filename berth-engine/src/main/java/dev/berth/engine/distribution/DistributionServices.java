package dev.berth.engine.distribution;

import dev.berth.engine.image.ImageStore;

/** Pull, push and login over one registry client, for the composition root and the API's routes. */
public record DistributionServices(RegistryClient client, PullService pulls, PushService pushes, LoginService logins) {
    public static DistributionServices create(RegistrySettings settings, ImageStore images) {
        RegistryClient client = new RegistryClient(settings);
        return new DistributionServices(
                client, new PullService(client, images), new PushService(client, images), new LoginService(client));
    }
}
