/**
 * The image services behind the Docker API's image endpoints: {@link dev.berth.engine.image.LayerStore}
 * (each layer unpacked once into the snapshot named by its chain ID, shared by every image that
 * has it), {@link dev.berth.engine.image.ImageStore} (the one place an image is added: files
 * first, then every row in one transaction), and one small class per job — resolve a name, tag,
 * list/inspect/history, remove/prune, import, load, save, disk usage, the start-up check.
 * {@link dev.berth.engine.image.ImageServices} wires them for the composition root.
 *
 * <p>Concurrency: no global lock. {@link dev.berth.engine.image.Leases} keep the blobs and
 * layers an operation is about to refer to out of removal, and a striped lock serialises file
 * work on one layer. Removal takes rows first, then files; what a crash leaves between the two
 * is unreferenced and goes at the next start ({@link dev.berth.engine.image.StartupCheck}).
 *
 * <p>Hooks for later stores: {@link dev.berth.engine.image.ImageUsers} (containers veto
 * removal of an image in use) and {@link dev.berth.engine.image.GcRoots} (what else keeps blobs
 * and snapshots alive at start).
 */
package dev.berth.engine.image;
