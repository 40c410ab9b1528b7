package dev.berth.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupsTest {
    private static final List<String> PROC_CGROUPS_V1 = List.of(
            "#subsys_name\thierarchy\tnum_cgroups\tenabled",
            "cpuset\t3\t1\t1",
            "cpu\t1\t1\t1",
            "memory\t4\t24\t1",
            "pids\t8\t1\t1",
            "hugetlb\t0\t1\t1");

    @Test
    void hybridWithControllersOnV1IsV1() {
        List<String> mountinfo = List.of(
                "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
                "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
                "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

        CgroupDriver driver = Cgroups.detect(mountinfo, PROC_CGROUPS_V1);

        assertThat(driver.version()).isEqualTo(1);
        assertThat(driver.hybridUnifiedMount()).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(driver.containerMounts())
                .extracting(CgroupDriver.CgroupMount::dir)
                .containsExactly("", "cpu", "memory", "pids", "systemd");
    }

    @Test
    void unifiedOnlyIsV2() {
        List<String> mountinfo = List.of(
                "25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate");
        List<String> procCgroups =
                List.of("#subsys_name\thierarchy\tnum_cgroups\tenabled", "cpu\t0\t80\t1", "memory\t0\t80\t1");

        CgroupDriver driver = Cgroups.detect(mountinfo, procCgroups);

        assertThat(driver.version()).isEqualTo(2);
        assertThat(driver.containerMounts()).containsExactly(new CgroupDriver.CgroupMount("", "cgroup2", ""));
    }

    @Test
    void sharesMapToWeightsLikeDocker() {
        assertThat(CgroupV2.sharesToWeight(2)).isEqualTo(1);
        assertThat(CgroupV2.sharesToWeight(1024)).isEqualTo(39);
        assertThat(CgroupV2.sharesToWeight(262144)).isEqualTo(10000);
    }
}
