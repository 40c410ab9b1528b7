package dev.berth.runtime;

import dev.berth.runtime.oci.OciRuntime;
import dev.berth.runtime.shim.ShimRuntime;
import dev.berth.testing.Prerequisites;
import java.nio.file.Path;

class CrunRuntimeIT extends RuntimeContract {
    @Override
    protected ContainerRuntime newRuntime(Path work) {
        Path crun = OciRuntime.find("crun");
        Prerequisites.require(crun != null, "crun on PATH");
        return new OciRuntime(
                "crun",
                crun,
                ShimRuntime.defaultShimBinary(),
                cgroups,
                cgroupParent,
                work.resolve("crun"),
                cgroups.hybridUnifiedMount().stream().toList());
    }
}
