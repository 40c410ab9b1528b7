package dev.berth.runtime.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The numbers Berth ships are Linux's: the same as the installed kernel headers (linux-libc-dev). */
class SyscallTableTest {
    @Test
    void tablesMatchTheKernelHeaders() throws IOException {
        Map<SyscallTable, String> headers = Map.of(
                SyscallTable.X86_64, "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
                SyscallTable.X86, "/usr/include/x86_64-linux-gnu/asm/unistd_32.h");
        for (var e : headers.entrySet()) {
            Path header = Path.of(e.getValue());
            assertThat(header)
                    .as("kernel headers (apt-get install linux-libc-dev)")
                    .exists();
            Map<String, Integer> expected = new HashMap<>();
            Matcher m = Pattern.compile("#define __NR_(\\w+) (\\d+)").matcher(Files.readString(header));
            while (m.find()) {
                expected.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            assertThat(e.getKey().numbers()).as("%s", e.getKey()).containsAllEntriesOf(expected);
        }
        assertThat(SyscallTable.X86_64.number("keyctl")).contains(250);
        assertThat(SyscallTable.X86.number("keyctl")).contains(288);
    }
}
