package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TabWriterTest {
    @Test
    void columnsArePaddedToTheWidestCellPlusThreeButAtLeastTenAndTheLastIsNotPadded() {
        String table = TabWriter.docker()
                .format("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n"
                        + "foo/bar\tv1\tb0145a7ee550\t3 seconds ago\t1.98MB\n"
                        + "busybox\tlatest\tb0145a7ee550\t3 seconds ago\t1.98MB\n");
        assertThat(table)
                .isEqualTo("REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\n"
                        + "foo/bar      v1        b0145a7ee550   3 seconds ago   1.98MB\n"
                        + "busybox      latest    b0145a7ee550   3 seconds ago   1.98MB\n");
    }

    @Test
    void aLineWithoutTabsEndsAColumnBlock() {
        String table = TabWriter.docker().format("a\tb\nplain line\nlonger cell\tc\n");
        assertThat(table).isEqualTo("a         b\nplain line\nlonger cell   c\n");
    }

    @Test
    void widthCountsCharactersNotBytes() {
        String table = TabWriter.docker().format("ééééé\tx\nab\ty\n");
        assertThat(table).isEqualTo("ééééé     x\nab        y\n");
    }
}
