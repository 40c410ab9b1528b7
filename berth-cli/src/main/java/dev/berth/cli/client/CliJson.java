package dev.berth.cli.client;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The client's one plain JSON mapper, made when a command first uses it. Making Jackson's first
 * mapper is about a third of a command's start-up, and picocli makes every command object before
 * it runs one: a mapper in a command's static field was paid by every command, `berth --version`
 * included.
 */
public final class CliJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private CliJson() {}
}
