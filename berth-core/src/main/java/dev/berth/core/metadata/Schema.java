package dev.berth.core.metadata;

import java.util.List;

/**
 * Berth's schema as an ordered list of migrations; {@code PRAGMA user_version} records how far a
 * database has come. Never edit a migration that has landed: append a new one (containers,
 * networks, build cache come as versions 4, 5 …, each in its own constant here).
 */
public final class Schema {
    /** Images, tags, repo digests, layers, and which layers each image has. */
    public static final Migration V1_IMAGES = Migration.of(
            1,
            "images, tags, repo digests, layers",
            """
            CREATE TABLE layers (
                chain_id        TEXT PRIMARY KEY,              -- sha256:… (config.md "ChainID")
                diff_id         TEXT NOT NULL,                 -- sha256 of the uncompressed tar
                parent_chain_id TEXT REFERENCES layers(chain_id),
                snapshot_key    TEXT NOT NULL UNIQUE,          -- committed snapshot name
                size            INTEGER NOT NULL,              -- bytes of the unpacked files
                blob_digest     TEXT,                          -- the stored (maybe compressed) layer blob
                blob_media_type TEXT,
                blob_size       INTEGER,
                created         INTEGER NOT NULL               -- epoch seconds when unpacked
            )""",
            "CREATE INDEX layers_parent ON layers(parent_chain_id)",
            """
            CREATE TABLE images (
                id             TEXT PRIMARY KEY,               -- sha256 of the config bytes = image ID
                config_digest  TEXT NOT NULL,                  -- blob holding the config (same digest)
                config_size    INTEGER NOT NULL,
                created        TEXT,                           -- config "created", as written there
                created_unix   INTEGER NOT NULL,               -- the same in epoch seconds (0 when absent)
                size           INTEGER NOT NULL,               -- bytes of all its layers' files
                parent         TEXT,                           -- parent image ID (local builds/commits)
                top_chain_id   TEXT REFERENCES layers(chain_id),
                last_tag_time  TEXT,
                added          INTEGER NOT NULL                -- epoch seconds when stored
            )""",
            """
            CREATE TABLE image_layers (
                image_id  TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                position  INTEGER NOT NULL,                    -- 0 = bottom
                chain_id  TEXT NOT NULL REFERENCES layers(chain_id),
                PRIMARY KEY (image_id, position)
            )""",
            "CREATE INDEX image_layers_chain ON image_layers(chain_id)",
            """
            CREATE TABLE tags (
                reference  TEXT PRIMARY KEY,                   -- normalized: docker.io/library/busybox:latest
                image_id   TEXT NOT NULL REFERENCES images(id),
                created    INTEGER NOT NULL
            )""",
            "CREATE INDEX tags_image ON tags(image_id)",
            """
            CREATE TABLE repo_digests (
                reference        TEXT PRIMARY KEY,             -- normalized: docker.io/library/busybox@sha256:…
                image_id         TEXT NOT NULL REFERENCES images(id),
                manifest_digest  TEXT NOT NULL                 -- blob holding the manifest, kept while referenced
            )""",
            "CREATE INDEX repo_digests_image ON repo_digests(image_id)");

    /**
     * Containers (dev.berth.engine.container): one row per container; config and host config are
     * kept as the JSON the engine wrote, the state as columns so that start-up can query it.
     */
    public static final Migration V2_CONTAINERS =
            Migration.of(2, "containers", """
            CREATE TABLE containers (
                id             TEXT PRIMARY KEY,               -- 64 hex
                name           TEXT NOT NULL UNIQUE,           -- with Docker's leading '/'
                image_id       TEXT NOT NULL REFERENCES images(id),
                image_name     TEXT NOT NULL,                  -- the image as the user gave it
                created        TEXT NOT NULL,                  -- RFC 3339 with nanoseconds
                config         TEXT NOT NULL,                  -- JSON: Docker's Config
                host_config    TEXT NOT NULL,                  -- JSON: Docker's HostConfig
                path           TEXT NOT NULL,                  -- the command that runs
                args           TEXT NOT NULL,                  -- JSON array
                state          TEXT NOT NULL,                  -- created, running, paused, restarting, exited, dead
                pid            INTEGER NOT NULL DEFAULT 0,
                shim_pid       INTEGER NOT NULL DEFAULT 0,
                exit_code      INTEGER NOT NULL DEFAULT 0,
                error          TEXT NOT NULL DEFAULT '',
                oom_killed     INTEGER NOT NULL DEFAULT 0,
                started_at     TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
                finished_at    TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
                restart_count  INTEGER NOT NULL DEFAULT 0,
                stopped_by_user INTEGER NOT NULL DEFAULT 0,    -- for unless-stopped and restart policies
                snapshot_key   TEXT NOT NULL UNIQUE            -- the writable layer
            )""", "CREATE INDEX containers_image ON containers(image_id)");

    /**
     * Volumes (dev.berth.engine.volume): one row per volume of the local driver, whose files are
     * {@code <data-root>/volumes/<name>/_data}; and each container's mount points other than its
     * host-path Binds (volumes, --mount binds and tmpfs, --volumes-from), Docker's MountPoints.
     * A mount point's row is written before its container's row (so no foreign key to containers;
     * the start-up check removes rows whose container never came), and its volume cannot be
     * deleted while it refers to it.
     */
    public static final Migration V3_VOLUMES = Migration.of(
            3,
            "volumes and container mount points",
            """
            CREATE TABLE volumes (
                name       TEXT PRIMARY KEY,                   -- [a-zA-Z0-9][a-zA-Z0-9_.-]+, or 64 hex when anonymous
                driver     TEXT NOT NULL,                      -- 'local'
                labels     TEXT NOT NULL,                      -- JSON object
                options    TEXT NOT NULL,                      -- JSON object: DriverOpts (type, device, o)
                anonymous  INTEGER NOT NULL,                   -- made without a name (image VOLUME, -v /path)
                created    TEXT NOT NULL                       -- RFC 3339
            )""",
            """
            CREATE TABLE container_mounts (
                container_id TEXT NOT NULL,                    -- 64 hex
                destination  TEXT NOT NULL,                    -- absolute path in the container
                type         TEXT NOT NULL,                    -- volume, bind, tmpfs
                volume_name  TEXT REFERENCES volumes(name),    -- type volume only
                source       TEXT NOT NULL,                    -- bind: the host path; tmpfs: its options
                mode         TEXT NOT NULL,                    -- as the user wrote it (ro, z, nocopy …)
                rw           INTEGER NOT NULL,
                propagation  TEXT NOT NULL,
                named        INTEGER NOT NULL,                 -- the source was named (rm -v keeps the volume)
                PRIMARY KEY (container_id, destination)
            )""",
            "CREATE INDEX container_mounts_volume ON container_mounts(volume_name)");

    /**
     * The image manifest each repo digest resolves to: {@code manifest_digest} itself for a
     * single-platform manifest, the platform manifest the pull chose for an index. The row keeps
     * that blob alive too, so start-up reads no blob to know it. NULL in rows written before this
     * version until the daemon's start records it (reading the index once).
     */
    public static final Migration V4_REPO_DIGEST_IMAGE_MANIFEST = Migration.of(
            4, "the image manifest of each repo digest", "ALTER TABLE repo_digests ADD COLUMN image_manifest TEXT");

    /**
     * Blobs an unfinished pull has fetched, kept by the start-up check until {@code expires}
     * (epoch seconds) so that the next pull after a crash does not fetch them again. The pull
     * deletes its rows once the image's rows refer to the blobs.
     */
    public static final Migration V5_PULL_LEASES = Migration.of(5, "blobs leased by unfinished pulls", """
            CREATE TABLE pull_leases (
                digest  TEXT PRIMARY KEY,
                expires INTEGER NOT NULL
            )""");

    /**
     * Networks (dev.berth.network): one row per network (the built-in bridge, host and none too);
     * each container's endpoint on a network, written when it is created or connected, with the
     * address, MAC, endpoint ID and host-side interface it has while it runs (the unique index is
     * what keeps an address from being handed out twice); and the host ports its published ports
     * hold while it runs. {@code removing} records the intent to remove a network before its bridge
     * and rules go, so that start-up finishes the job after a crash. Endpoint and port rows have no
     * foreign key to containers: they are written before the container's row.
     */
    public static final Migration V6_NETWORKS = Migration.of(
            6,
            "networks, endpoints and published ports",
            """
            CREATE TABLE networks (
                id            TEXT PRIMARY KEY,               -- 64 hex
                name          TEXT NOT NULL UNIQUE,
                driver        TEXT NOT NULL,                  -- bridge, host, null
                created       TEXT NOT NULL,                  -- RFC 3339 with nanoseconds
                internal      INTEGER NOT NULL,
                attachable    INTEGER NOT NULL,
                bridge        TEXT UNIQUE,                    -- the Linux bridge (bridge driver)
                subnet        TEXT,                           -- CIDR (bridge driver)
                ip_range      TEXT,                           -- CIDR inside subnet, or NULL
                gateway       TEXT,                           -- the bridge's own address
                from_pool     INTEGER NOT NULL,               -- subnet taken from the default pools
                options       TEXT NOT NULL,                  -- JSON: driver options as given
                labels        TEXT NOT NULL,                  -- JSON
                ipam          TEXT NOT NULL,                  -- JSON: IPAM driver, options, aux addresses as given
                removing      INTEGER NOT NULL DEFAULT 0
            )""",
            """
            CREATE TABLE endpoints (
                network_id     TEXT NOT NULL REFERENCES networks(id),
                container_id   TEXT NOT NULL,                 -- 64 hex
                container_name TEXT NOT NULL,                 -- without Docker's leading '/'
                config         TEXT NOT NULL,                 -- JSON: the EndpointSettings the user gave
                endpoint_id    TEXT,                          -- 64 hex, while the container runs
                ip             TEXT,                          -- its address while it runs
                mac            TEXT,
                interface      TEXT,                          -- the host side of its veth
                PRIMARY KEY (network_id, container_id),
                UNIQUE (network_id, ip)
            )""",
            "CREATE INDEX endpoints_container ON endpoints(container_id)",
            """
            CREATE TABLE port_mappings (
                container_id   TEXT NOT NULL,
                network_id     TEXT NOT NULL,                 -- the network whose address the port leads to
                protocol       TEXT NOT NULL,                 -- tcp, udp, sctp
                container_port INTEGER NOT NULL,
                host_ip        TEXT NOT NULL,                 -- 0.0.0.0 for every address
                host_port      INTEGER NOT NULL,
                PRIMARY KEY (protocol, host_ip, host_port)
            )""",
            "CREATE INDEX port_mappings_container ON port_mappings(container_id)");

    /**
     * The build cache (dev.berth.build.cache): each step of a build made an image, and its key —
     * the digest of what the step's result depends on (the key of the step before it, the
     * instruction after substitution, the build args it used, the content of the files it
     * copied) — finds that image again. A row goes with its image.
     */
    public static final Migration V7_BUILD_CACHE =
            Migration.of(7, "build cache", """
            CREATE TABLE build_cache (
                key          TEXT PRIMARY KEY,                 -- sha256 hex of the step's inputs
                image_id     TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                description  TEXT NOT NULL,                    -- the step, as the image history shows it
                size         INTEGER NOT NULL,                 -- bytes of the layer the step added (0: none)
                created      INTEGER NOT NULL,                 -- epoch seconds
                last_used    INTEGER NOT NULL,                 -- epoch seconds
                usage_count  INTEGER NOT NULL
            )""", "CREATE INDEX build_cache_image ON build_cache(image_id)");

    /** Every migration, in order. */
    public static final List<Migration> ALL = List.of(
            V1_IMAGES,
            V2_CONTAINERS,
            V3_VOLUMES,
            V4_REPO_DIGEST_IMAGE_MANIFEST,
            V5_PULL_LEASES,
            V6_NETWORKS,
            V7_BUILD_CACHE);

    private Schema() {}
}
