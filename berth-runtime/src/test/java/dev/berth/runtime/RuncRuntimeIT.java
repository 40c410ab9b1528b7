package dev.berth.runtime;

import dev.berth.runtime.oci.OciRuntime;
import dev.berth.runtime.shim.ShimRuntime;
import dev.berth.testing.Prerequisites;
import java.nio.file.Path;
import java.util.List;

class RuncRuntimeIT extends RuntimeContract {
    @Override
    protected ContainerRuntime newRuntime(Path work) {
        Path runc = OciRuntime.find("runc");
        Prerequisites.require(runc != null, "runc on PATH");
        return new OciRuntime(
                "runc", runc, ShimRuntime.defaultShimBinary(), cgroups, cgroupParent, work.resolve("runc"), List.of());
    }
}
