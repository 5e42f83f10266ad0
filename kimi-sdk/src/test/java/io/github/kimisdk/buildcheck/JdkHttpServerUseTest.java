package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No server of the repository built on the JDK's {@code com.sun.net.httpserver} (the fake, the test
 * servers, the benchmarks' and the examples' servers) relies on behaviour that differs between the
 * JDKs the project is tested on (CONTRIBUTING, "JDK builds"). Each rule below was a failure seen on
 * one of them and not on another:
 *
 * <ol>
 *   <li>No exchange attributes ({@code HttpExchange.setAttribute}/{@code getAttribute}): up to JDK
 *       17.0.15 they are a {@code ConcurrentHashMap}, {@code setAttribute(name, null)} throws, and
 *       the server closes the connection without an answer (JDK-8288109; later updates take a null
 *       as a removal); on every JDK before 26 they are the context's, shared by all its exchanges
 *       at once (JDK-8235786), so they cannot carry one request's state anyway. A value of one
 *       request is handed on as a parameter.
 *   <li>A streamed answer ({@code sendResponseHeaders(status, 0)}) flushes its headers at once: JDK
 *       17 sends them by itself, JDK 25 keeps them in its buffer until the first write, and a
 *       client waiting for the headers before its first event waits until then.
 * </ol>
 */
class JdkHttpServerUseTest {

  /** The repository: surefire runs in the module's directory. */
  private static final Path ROOT = Path.of("..");

  private static final Pattern ATTRIBUTES = Pattern.compile("\\.(set|get)Attribute\\(");
  private static final Pattern IMPORTS_SERVER =
      Pattern.compile("(?m)^import com\\.sun\\.net\\.httpserver\\.");
  private static final Pattern STREAMED_HEADERS =
      Pattern.compile("sendResponseHeaders\\([^;]*,\\s*0\\)\\s*;");

  @Test
  void theScanSeesTheServersOfEveryModule() throws IOException {
    List<Path> servers = serverSources();
    assertThat(servers)
        .as("sources that import com.sun.net.httpserver")
        .anyMatch(p -> p.endsWith("FakeKimiServer.java"))
        .anyMatch(p -> p.endsWith("McpHttpTestServer.java"))
        .anyMatch(p -> p.endsWith("DripServer.java"));
  }

  @Test
  void noServerKeepsStateInTheExchangesAttributes() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path p : serverSources()) {
      found.addAll(attributeUses(p.toString(), Files.readString(p)));
    }
    assertThat(found).as("HttpExchange attributes used").isEmpty();
  }

  @Test
  void everyStreamedAnswerFlushesItsHeadersAtOnce() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path p : serverSources()) {
      found.addAll(unflushedStreams(p.toString(), Files.readString(p)));
    }
    assertThat(found).as("streamed answers whose headers wait for the first write").isEmpty();
  }

  @Test
  void theRulesFindWhatTheyForbid() {
    assertThat(attributeUses("A.java", "ex.setAttribute(\"token\", presented);\n"))
        .containsExactly("A.java:1: ex.setAttribute(\"token\", presented);");
    assertThat(attributeUses("A.java", "String t = (String) ex.getAttribute(\"t\");")).hasSize(1);
    assertThat(unflushedStreams("B.java", "ex.sendResponseHeaders(200, 0);\nwrite(out);\n"))
        .containsExactly("B.java:1: ex.sendResponseHeaders(200, 0);");
    assertThat(
            unflushedStreams(
                "B.java", "ex.sendResponseHeaders(200, 0);\n\n  ex.getResponseBody().flush();\n"))
        .isEmpty();
    assertThat(unflushedStreams("B.java", "ex.sendResponseHeaders(200, bytes.length);\nw();"))
        .isEmpty();
  }

  static List<String> attributeUses(String name, String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (ATTRIBUTES.matcher(lines[i]).find()) {
        found.add(name + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    return found;
  }

  static List<String> unflushedStreams(String name, String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = STREAMED_HEADERS.matcher(lines[i]);
      if (!m.find()) {
        continue;
      }
      int next = i + 1;
      while (next < lines.length && lines[next].isBlank()) {
        next++;
      }
      if (next >= lines.length || !lines[next].contains("flush()")) {
        found.add(name + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    return found;
  }

  /** Every main and test source of the repository that uses the JDK's HTTP server. */
  private static List<Path> serverSources() throws IOException {
    try (Stream<Path> all = Files.walk(ROOT)) {
      List<Path> found = new ArrayList<>();
      for (Path p : all.filter(JdkHttpServerUseTest::isSource).toList()) {
        if (IMPORTS_SERVER.matcher(Files.readString(p)).find()) {
          found.add(p.normalize());
        }
      }
      return found;
    }
  }

  private static boolean isSource(Path p) {
    String s = p.toString().replace('\\', '/');
    return s.endsWith(".java")
        && !s.contains("/target/")
        && !s.contains("/node_modules/")
        && !s.contains("/.git/");
  }
}
