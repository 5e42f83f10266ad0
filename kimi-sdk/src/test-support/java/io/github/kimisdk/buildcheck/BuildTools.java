package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.spi.ToolProvider;

/** The compiled SDK under test, and the JDK's tools run in-process. */
final class BuildTools {

  private BuildTools() {}

  /** Where the SDK's classes were loaded from: {@code target/classes}, or the jar. */
  static Path sdkLocation() throws URISyntaxException {
    return Path.of(KimiClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Runs a JDK tool (javac, jdeps, ...) and returns its output; fails on a non-zero status. */
  static String run(String tool, String... args) {
    ToolProvider provider =
        ToolProvider.findFirst(tool)
            .orElseThrow(() -> new AssertionError("the running JDK has no " + tool + " tool"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      status = provider.run(o, e, args);
    }
    assertThat(status).as("%s %s failed:%n%s%s", tool, String.join(" ", args), out, err).isZero();
    return out.toString();
  }
}
