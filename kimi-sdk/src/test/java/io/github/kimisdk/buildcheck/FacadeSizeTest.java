package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code KimiClient} is the facade: chat, the accessors of its services, and the builder's
 * documented setters, each handing its call to {@code internal.client}. It stays within its
 * no-growth line of 900 lines: a new platform endpoint is a service of its own behind an accessor
 * (as {@code models()} and {@code files()} are), and mechanism moves into {@code internal.client},
 * keeping the Javadoc.
 */
class FacadeSizeTest {

  /** The no-growth line of {@code KimiClient.java}, in lines. */
  static final int KIMI_CLIENT_LINES = 900;

  @Test
  void kimiClientStaysWithinItsNoGrowthLine() throws Exception {
    Path source = Compat.root().resolve("kimi-sdk/src/main/java/io/github/kimisdk/KimiClient.java");
    int lines = Files.readAllLines(source).size();
    assertThat(lines)
        .as(
            "%s has %d lines, over the facade's line of %d: give a new endpoint a service of its"
                + " own behind an accessor, and move mechanism into internal.client (ClientScope"
                + " for calls, ClientConfig for settings, their defaults and checks, Keys for the"
                + " key and endpoint); do not trim the Javadoc",
            source, lines, KIMI_CLIENT_LINES)
        .isLessThanOrEqualTo(KIMI_CLIENT_LINES);
  }
}
