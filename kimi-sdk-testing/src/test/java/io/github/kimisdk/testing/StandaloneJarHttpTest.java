package io.github.kimisdk.testing;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The self-contained jar as a user runs it: {@code java -jar
 * kimi-sdk-testing-VERSION-standalone.jar --port P} in a child JVM answers {@code POST
 * /v1/chat/completions} on that port, and ends on {@code SIGTERM} or {@code SIGINT}. Runs in the
 * build's {@code integration-test} phase, after {@code package} made the jar (its path comes in
 * {@code kimisdk.testing.standaloneJar}).
 */
@Tag("multiprocess") // runs the jar as a process: mvn -B -P slow verify
class StandaloneJarHttpTest {

  static final Duration START = Duration.ofSeconds(60);
  static final Duration END = Duration.ofSeconds(60);
  static final Pattern BASE_URL = Pattern.compile("^FakeKimiServer at (http://\\S+/v1) \\(");

  static Path jar;

  @BeforeAll
  static void findTheJar() {
    String path = System.getProperty("kimisdk.testing.standaloneJar", "");
    assumeTrue(!path.isEmpty(), "run by Maven after package, which passes the jar's path");
    jar = Path.of(path);
    assertThat(jar).as("the standalone jar (mvn package makes it)").isRegularFile();
  }

  /** A running {@code java -jar}: its process and the lines it printed so far. */
  record Server(
      Process process, BlockingQueue<String> out, BlockingQueue<String> err, List<Thread> readers) {

    /** Waits for the next line of standard output. */
    String nextLine() throws InterruptedException {
      String line = out.poll(START.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(line).as("a line from %s within %s; stderr: %s", jar, START, err).isNotNull();
      return line;
    }

    /** Waits for the next line of standard error. */
    String nextErrorLine() throws InterruptedException {
      String line = err.poll(START.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(line).as("a line on stderr from %s within %s", jar, START).isNotNull();
      return line;
    }

    /**
     * Waits for the next request's {@code --verbose} lines on standard error: its line, then its
     * headers, names in order, up to the {@code user-agent} every request of the JDK's client
     * carries (the last of the names its requests here have).
     */
    List<String> nextRequest() throws InterruptedException {
      List<String> block = new ArrayList<>();
      String line = nextErrorLine();
      assertThat(line).as("a request's line").doesNotStartWith(" ");
      Matcher at = ANSWERED_AT.matcher(line);
      assertThat(at.lookingAt()).as("a request's line opens with its time: %s", line).isTrue();
      assertThat(Duration.between(Instant.parse(at.group(1)), Instant.now()).abs())
          .as("the time it was answered")
          .isLessThan(Duration.ofMinutes(5));
      block.add(line.substring(at.end()));
      do {
        line = nextErrorLine();
        assertThat(line).as("a header's line").startsWith("  ");
        block.add(line);
      } while (!line.startsWith("  user-agent: "));
      return block;
    }

    /** Waits for the process to end and for its output to be read to the end. */
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(END.toMillis(), TimeUnit.MILLISECONDS)) {
        String seen = Signals.of(process.pid()).describe(Signals.SIGINT);
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "java -jar did not end within "
                + END
                + " ("
                + seen
                + "; load average "
                + loadAverage()
                + "); stderr: "
                + err);
      }
      for (Thread t : readers) {
        t.join(END.toMillis());
      }
      return process.exitValue();
    }
  }

  /** Says which case a test tested, in its output (target/surefire-reports*\/*-output.txt). */
  static void say(String what) {
    System.out.println("StandaloneJarHttpTest: " + what);
  }

  /** The machine's load averages (1, 5 and 15 minutes), or "unknown". */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static Server start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    BlockingQueue<String> out = new LinkedBlockingQueue<>();
    BlockingQueue<String> err = new LinkedBlockingQueue<>();
    List<Thread> readers =
        List.of(
            read(p.getInputStream(), out::add, "out"), read(p.getErrorStream(), err::add, "err"));
    return new Server(p, out, err, readers);
  }

  static Thread read(InputStream in, java.util.function.Consumer<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  sink.accept(l);
                }
              } catch (IOException e) {
                // the JDK closes a pipe whose process exited while a read waits on it (what the
                // process wrote before was drained first): that is the stream's end, not a failure
                if (!"Stream closed".equals(e.getMessage())) {
                  sink.accept("(reading failed: " + e + ")");
                }
              }
            },
            "standalone-jar-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Starts {@code java -jar ... --port P [more]} on a port that was free a moment ago, taking
   * another if something took it in between; returns the server, its first line read.
   */
  static Started startOnAFreePort(String... more) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      List<String> args = new ArrayList<>(List.of("--port", "" + port));
      args.addAll(List.of(more));
      Server server = start(args.toArray(String[]::new));
      String first = server.out().poll(START.toMillis(), TimeUnit.MILLISECONDS);
      if (first != null) {
        return new Started(server, port, first);
      }
      int status = server.awaitExit();
      boolean taken = status == 1 && String.join("\n", server.err()).contains("cannot listen");
      if (!taken || attempt == 5) {
        throw new AssertionError("java -jar exited " + status + ": " + server.err());
      }
    }
  }

  /** A server started on {@code port}, and the first line it printed. */
  record Started(Server server, int port, String firstLine) {
    String baseUrl() {
      Matcher m = BASE_URL.matcher(firstLine);
      assertThat(m.find()).as("the first line names the base URL: %s", firstLine).isTrue();
      return m.group(1);
    }
  }

  static HttpResponse<String> post(String url, String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return FakeKimiServerOptionsHttpTest.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String text, boolean stream) {
    return "{\"model\":\"kimi-k3\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  @Test
  void answersChatCompletionsOnTheGivenPortAndEndsOnSigterm() throws Exception {
    Started s = startOnAFreePort();
    try {
      assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:" + s.port() + "/v1");
      assertThat(s.firstLine())
          .isEqualTo(
              "FakeKimiServer at http://127.0.0.1:"
                  + s.port()
                  + "/v1 (Anthropic Messages: http://127.0.0.1:"
                  + s.port()
                  + "/anthropic)");
      assertThat(s.server().nextLine()).isEqualTo("Serving until stopped (Ctrl-C or SIGTERM).");

      String url = "http://127.0.0.1:" + s.port() + "/v1/chat/completions";
      HttpResponse<String> reply = post(url, chat("Hello from a process", false), "any-key");
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
      assertThat(reply.body()).contains("\"content\":\"You said: Hello from a process\"");
      HttpResponse<String> streamed = post(url, chat("again", true), "any-key");
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(streamed.body()).contains("data: [DONE]");
      assertThat(post(url, chat("no key", false), null).statusCode()).isEqualTo(401);

      s.server().process().destroy(); // SIGTERM
      assertThat(s.server().awaitExit()).isEqualTo(143); // 128 + SIGTERM: the JVM's own
      assertThat(s.server().err()).isEmpty();
    } finally {
      s.server().process().destroyForcibly();
    }
    // the shutdown hook closed the server: nothing listens on the port any more
    try {
      post("http://127.0.0.1:" + s.port() + "/v1/chat/completions", chat("x", false), "k");
      throw new AssertionError("the port still answers after the process ended");
    } catch (ConnectException expected) {
      // as it should
    }
  }

  /**
   * {@code --verbose} prints a line per request on standard error and its headers under it (a
   * {@code traceparent} as sent; {@code Authorization} and a header named like a key redacted; the
   * key nowhere; the fields taken and ignored as Kimi does after the line), and the module README
   * quotes the lines of its sample (a reply, a 400, the model list) as this run prints them, but
   * for the port and the JDK's {@code user-agent}.
   */
  @Test
  void verbosePrintsEachRequestAndItsHeadersOnStandardErrorWithoutTheKey() throws Exception {
    String key = "sk-local-verbose-test";
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Started s = startOnAFreePort("--verbose", "--api-key", key);
    List<List<String>> sample = new ArrayList<>();
    try {
      String url = s.baseUrl() + "/chat/completions";
      assertThat(s.server().nextLine()).isEqualTo("Serving until stopped (Ctrl-C or SIGTERM).");
      Map<String, String> traced = new LinkedHashMap<>();
      traced.put("traceparent", traceparent);
      traced.put("Api-Key", key); // names that sort before user-agent, the block's last
      traced.put("Team", "search " + key);
      assertThat(post(url, chat("Hello", false), key, traced).statusCode()).isEqualTo(200);
      sample.add(s.server().nextRequest());
      assertThat(sample.get(0))
          .startsWith("POST /v1/chat/completions model=kimi-k3 -> 200")
          .contains(
              "  authorization: Bearer [redacted]",
              "  content-type: application/json",
              "  traceparent: " + traceparent,
              "  api-key: [redacted]",
              "  team: search ***")
          .allSatisfy(l -> assertThat(l).doesNotContain(key));
      String hot = chat("Hello", false).replace("\"stream\"", "\"temperature\":0.3,\"stream\"");
      HttpResponse<String> refused = post(url, hot, key);
      assertThat(refused.statusCode()).isEqualTo(400);
      sample.add(s.server().nextRequest());
      assertThat(sample.get(1).get(0))
          .isEqualTo(
              "POST /v1/chat/completions model=kimi-k3 -> 400 invalid_request_error:"
                  + " invalid temperature: only 1 is allowed for this model");
      HttpResponse<String> models =
          FakeKimiServerOptionsHttpTest.HTTP.send(
              HttpRequest.newBuilder(URI.create(s.baseUrl() + "/models"))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(models.statusCode()).isEqualTo(200);
      sample.add(s.server().nextRequest());
      assertThat(sample.get(2).get(0)).isEqualTo("GET /v1/models -> 200");

      assertThat(post(url, chat("hi", true), key).statusCode()).isEqualTo(200);
      assertThat(s.server().nextRequest().get(0))
          .isEqualTo("POST /v1/chat/completions model=kimi-k3 -> 200 stream");
      assertThat(post(url, chat("hi", false), "sk-wrong").statusCode()).isEqualTo(401);
      assertThat(s.server().nextRequest().get(0))
          .isEqualTo(
              "POST /v1/chat/completions model=kimi-k3 -> 401"
                  + " invalid_authentication_error: Invalid Authentication");
      String retired = chat("hi", false).replace("kimi-k3", "kimi-k2.5");
      assertThat(post(url, retired, key).statusCode()).isEqualTo(404);
      assertThat(s.server().nextRequest().get(0))
          .startsWith(
              "POST /v1/chat/completions model=kimi-k2.5 -> 404 resource_not_found_error: ");
      // a field Moonshot does not take, and thinking sent to K3.1: taken and ignored, as Kimi
      // does, and said so
      String ignored =
          chat("hi", false)
              .replace("kimi-k3", "kimi-k3.1-pro")
              .replace("\"stream\"", "\"seed\":7,\"thinking\":{\"type\":\"disabled\"},\"stream\"");
      assertThat(post(url, ignored, key).statusCode()).isEqualTo(200);
      assertThat(s.server().nextRequest().get(0))
          .isEqualTo(
              "POST /v1/chat/completions model=kimi-k3.1-pro -> 200 ignored as Kimi ignores them:"
                  + " seed (not a field Kimi takes), thinking (kimi-k3.1-pro takes no thinking"
                  + " field)");
      // standard output keeps only the two lines a script reads
      assertThat(s.server().out()).isEmpty();
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
      assertThat(s.server().err()).isEmpty();
      assertThat(s.firstLine() + s.server().out()).doesNotContain(key);
    } finally {
      s.server().process().destroyForcibly();
    }
    String printed = sample.stream().map(b -> String.join("\n", b)).collect(joining("\n"));
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String marker = "Serving until stopped (Ctrl-C or SIGTERM).\n";
    int from = readme.indexOf(marker, readme.indexOf("--port 8089 --verbose"));
    assertThat(from).as("README.md has the --verbose sample").isPositive();
    String quoted = readme.substring(from + marker.length(), readme.indexOf("```", from)).strip();
    assertThat(asAnyMachinePrintsIt(quoted))
        .as("README.md quotes the --verbose lines as the jar prints them")
        .isEqualTo(asAnyMachinePrintsIt(printed));
    assertThat(Files.readString(Path.of("..", "docs", "testing.md"), StandardCharsets.UTF_8))
        .as("docs/testing.md quotes the refused call's --verbose line as the jar prints it")
        .matches(
            Pattern.compile(
                "(?s).*```text\n"
                    + ANSWERED_AT.pattern()
                    + Pattern.quote(sample.get(1).get(0) + "\n")
                    + ".*"));
  }

  /** The time a {@code --verbose} request line opens with, and the space after it. */
  static final Pattern ANSWERED_AT =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z) ");

  /**
   * {@code --verbose} lines with what changes from machine to machine (and from run to run: the
   * time a request's line opens with) made the same.
   */
  static String asAnyMachinePrintsIt(String lines) {
    return lines
        .replaceAll("(?m)^" + ANSWERED_AT.pattern(), "")
        // a body-less GET: JDK 25's HttpClient sends "Content-Length: 0", JDK 17's sends none
        .replaceAll("(?m)^(GET [^\n]*(?:\n  [^\n]*)*?)\n  content-length: 0$", "$1")
        .replaceAll("(?m)^  host: 127\\.0\\.0\\.1:\\d+$", "  host: 127.0.0.1:PORT")
        .replaceAll(
            "(?m)^  user-agent: Java-http-client/.*$", "  user-agent: Java-http-client/JDK");
  }

  static HttpResponse<String> post(String url, String body, String key, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return FakeKimiServerOptionsHttpTest.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tlsServesHttpsWithTheCertificateItsFirstLineNames() throws Exception {
    Started s = startOnAFreePort("--tls");
    Path pem;
    try {
      Matcher m =
          Pattern.compile(
                  "^FakeKimiServer at (https://127\\.0\\.0\\.1:\\d+/v1) \\(Anthropic Messages:"
                      + " https://127\\.0\\.0\\.1:\\d+/anthropic; trust (\\S+\\.pem)\\)$")
              .matcher(s.firstLine());
      assertThat(m.find()).as(s.firstLine()).isTrue();
      pem = Path.of(m.group(2));
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(pem)) {
        trusted.setCertificateEntry(
            "fake", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      try (KimiClient kimi =
          KimiClient.builder()
              .apiKey("sk-tls")
              .baseUrl(m.group(1))
              .httpClient(HttpClient.newBuilder().sslContext(context).build())
              .build()) {
        assertThat(kimi.chat(ChatRequest.of("kimi-k3", "over TLS")).text())
            .isEqualTo("You said: over TLS");
      }
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
    assertThat(pem).as("the certificate file is deleted when the process ends").doesNotExist();
  }

  @Test
  void replaysACassetteByteForByteAndSaysOnStandardErrorWhatItMissed() throws Exception {
    Path golden = Path.of("src/test/resources/cassettes/session-v1").toAbsolutePath();
    Started s = startOnAFreePort("--replay", golden.toString());
    try {
      assertThat(s.server().nextErrorLine())
          .isEqualTo(
              "FakeKimiServer: replaying the 5 exchanges of "
                  + golden
                  + " (a request none matches gets 404 cassette_miss_error)");
      CassetteFormat.Exchange responses =
          CassetteFormat.read(golden.resolve("0004-post-v1-responses.json"));
      HttpResponse<byte[]> replayed =
          FakeKimiServerOptionsHttpTest.HTTP.send(
              HttpRequest.newBuilder(URI.create(s.baseUrl() + "/responses"))
                  .header("Authorization", "Bearer sk-ci")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          io.github.kimisdk.json.Json.write(responses.request().get("body"))))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(replayed.statusCode()).isEqualTo(200);
      assertThat(replayed.body()).isEqualTo(responses.body());
      HttpResponse<String> missed = post(s.baseUrl() + "/chat/completions", chat("new", true), "k");
      assertThat(missed.statusCode()).isEqualTo(404);
      assertThat(s.server().nextErrorLine())
          .startsWith(
              "FakeKimiServer: cassette "
                  + golden
                  + " holds no recorded exchange that matches POST /v1/chat/completions. The"
                  + " nearest, 0001-post-v1-chat-completions.json, differs at");
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  /**
   * Ctrl-C ends the fake with 130, where Ctrl-C can reach it. A process started with SIGINT ignored
   * (as every background job of a script is, {@code nohup mvn -B verify &} among them) passes that
   * on to its children, and a JVM started so never catches SIGINT: there the fake ignores Ctrl-C as
   * every program does, keeps serving and still ends on SIGTERM. The test reads which case it is in
   * from the kernel ({@code /proc/PID/status}), tests that case, and says which it tested.
   */
  @Test
  void endsOnCtrlCWhereCtrlCCanReachIt() throws Exception {
    Started s = startOnAFreePort();
    try {
      String url = s.baseUrl() + "/chat/completions";
      long pid = s.server().process().pid();
      Signals before = Signals.of(pid);
      Process kill = new ProcessBuilder("kill", "-INT", "" + pid).redirectErrorStream(true).start();
      assertThat(kill.waitFor(END.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
      if (before.ignores(Signals.SIGINT)) {
        say(
            "SIGINT is ignored by the fake's process, as by this test's ("
                + Signals.of(ProcessHandle.current().pid()).describe(Signals.SIGINT)
                + "): Maven runs with SIGINT ignored, as a script's background job does; tested"
                + " that the fake ignores Ctrl-C, keeps serving and ends on SIGTERM");
        assertThat(post(url, chat("still here", false), "any-key").statusCode()).isEqualTo(200);
        s.server().process().destroy();
        assertThat(s.server().awaitExit()).isEqualTo(143); // 128 + SIGTERM
      } else {
        say(
            "SIGINT reaches the fake ("
                + before.describe(Signals.SIGINT)
                + "): tested that it ends");
        assertThat(s.server().awaitExit()).isEqualTo(130); // 128 + SIGINT
      }
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  /**
   * What the kernel says of a process's signals ({@code SigIgn} and {@code SigCgt} of {@code
   * /proc/PID/status}, Linux), and its state; all unknown elsewhere.
   */
  record Signals(long pid, long ignored, long caught, String state) {
    static final int SIGINT = 2;

    static Signals of(long pid) {
      long ignored = 0;
      long caught = 0;
      String state = "unknown (no /proc)";
      try {
        for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
          if (line.startsWith("SigIgn:")) {
            ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          } else if (line.startsWith("SigCgt:")) {
            caught = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          } else if (line.startsWith("State:")) {
            state = line.substring(6).trim();
          }
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or the process is gone: nothing known
      }
      return new Signals(pid, ignored, caught, state);
    }

    boolean ignores(int signal) {
      return (ignored & (1L << (signal - 1))) != 0;
    }

    String describe(int signal) {
      String disposition =
          ignores(signal)
              ? "ignored"
              : (caught & (1L << (signal - 1))) != 0 ? "caught" : "default or unknown";
      return "pid " + pid + ": signal " + signal + " " + disposition + ", state " + state;
    }
  }

  @Test
  void insistsOnTheKeyAndDelaysAnswersAsTold() throws Exception {
    Started s = startOnAFreePort("--api-key", "sk-local-test", "--latency", "200");
    try {
      String url = s.baseUrl() + "/chat/completions";
      HttpResponse<String> wrong = post(url, chat("hi", false), "sk-other");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("invalid_authentication_error");
      long start = System.nanoTime();
      HttpResponse<String> right = post(url, chat("hi", false), "sk-local-test");
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis())
          .isGreaterThanOrEqualTo(200);
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(right.body()).contains("You said: hi");
      assertThat(s.firstLine() + s.server().out() + s.server().err())
          .doesNotContain("sk-local-test");
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  /**
   * {@code --errors quota=0.5} answers every second chat call with Kimi's quota error, with its
   * request id, and the testing guide shows the body the process sends, as it sends it.
   */
  @Test
  void answersItsShareOfChatCallsWithKimisErrorAsTheGuideShowsIt() throws Exception {
    Started s = startOnAFreePort("--errors", "quota=0.5");
    try {
      String url = s.baseUrl() + "/chat/completions";
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(post(url, chat("hi", false), "any-key"));
      }
      assertThat(answers.stream().map(HttpResponse::statusCode))
          .containsExactly(200, 429, 200, 429);
      HttpResponse<String> refused = answers.get(1);
      assertThat(refused.headers().firstValue("Msh-Request-Id"))
          .hasValueSatisfying(id -> assertThat(id).startsWith("fake-"));
      assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
      assertThat(refused.body())
          .isEqualTo(
              "{\"error\":{\"message\":\"You exceeded your current token quota: <org-fake> 0,"
                  + " please check your account balance\","
                  + "\"type\":\"exceeded_current_quota_error\"}}");
      assertThat(Files.readString(Path.of("..", "docs", "testing.md"), StandardCharsets.UTF_8))
          .as("docs/testing.md shows the body the process sends")
          .contains("\n" + refused.body() + "\n");
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  /**
   * {@code --dialect sglang --errors overloaded=0.5} speaks as SGLang (its model id, no key needed)
   * and answers every second chat call with its full queue, as the testing guide shows it.
   */
  @Test
  void aDialectSpeaksAsItsHostAndOverloadsAsTheGuideShowsIt() throws Exception {
    Started s = startOnAFreePort("--dialect", "sglang", "--errors", "overloaded=0.5");
    try {
      assertThat(s.firstLine()).contains("/v1 (speaking sglang; Anthropic Messages: ");
      String url = s.baseUrl() + "/chat/completions";
      String body =
          "{\"model\":\"moonshotai/Kimi-K3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpResponse<String> ok = post(url, body, null);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).contains("\"model\":\"moonshotai/Kimi-K3\"");
      HttpResponse<String> busy = post(url, body, null);
      assertThat(busy.statusCode()).isEqualTo(503);
      assertThat(busy.body())
          .isEqualTo(
              "{\"object\":\"error\",\"message\":\"The request queue is full.\","
                  + "\"type\":\"HTTPStatus.SERVICE_UNAVAILABLE\",\"param\":null,\"code\":503}");
      assertThat(Files.readString(Path.of("..", "docs", "testing.md"), StandardCharsets.UTF_8))
          .as("docs/testing.md shows the body the process sends")
          .contains("\n" + busy.body() + "\n");
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  @Test
  void aMisconfiguredProcessAnswersAsAHostSetUpWrongAndSaysSo() throws Exception {
    Started s =
        startOnAFreePort("--dialect", "vllm", "--misconfigure", "no-tool-parser,retired=kimi-k2.6");
    try {
      assertThat(s.firstLine())
          .contains(
              "/v1 (speaking vllm; misconfigured: no-tool-parser,retired=kimi-k2.6; Anthropic"
                  + " Messages: ");
      String url = s.baseUrl() + "/chat/completions";
      HttpResponse<String> retired =
          post(
              url,
              "{\"model\":\"moonshotai/Kimi-K2.6\",\"messages\":[{\"role\":\"user\","
                  + "\"content\":\"hi\"}]}",
              null);
      assertThat(retired.statusCode()).isEqualTo(404);
      assertThat(retired.body()).contains("The model `moonshotai/Kimi-K2.6` does not exist.");
      HttpResponse<String> tool =
          post(
              url,
              "{\"model\":\"moonshotai/Kimi-K3\",\"messages\":[{\"role\":\"user\","
                  + "\"content\":\"weather in city=Paris\"}],\"chat_template_kwargs\":"
                  + "{\"thinking\":false},\"tools\":[{\"type\":\"function\",\"function\":"
                  + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                  + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]}",
              null);
      assertThat(tool.statusCode()).as(tool.body()).isEqualTo(200);
      assertThat(tool.body())
          .contains("<|open|>tools<|sep|><|open|>call tool=\\\"get_weather\\\"")
          .doesNotContain("\"tool_calls\"");
      s.server().process().destroy();
      assertThat(s.server().awaitExit()).isEqualTo(143);
    } finally {
      s.server().process().destroyForcibly();
    }
  }

  /**
   * The READMEs quote the command this test runs ({@code --port 8089} where it takes a free port)
   * and the line it prints first, as this test sees it printed.
   */
  @Test
  void theReadmesQuoteThisCommandAndItsFirstLine() throws IOException {
    String command = "$ java -jar kimi-sdk-testing/target/" + jar.getFileName() + " --port 8089\n";
    String firstLine =
        "FakeKimiServer at http://127.0.0.1:8089/v1"
            + " (Anthropic Messages: http://127.0.0.1:8089/anthropic)\n";
    for (Path readme : List.of(Path.of("README.md"), Path.of("..", "README.md"))) {
      assertThat(Files.readString(readme, StandardCharsets.UTF_8))
          .as("%s quotes the command and its first line", readme)
          .contains(command + firstLine);
    }
  }

  @Test
  void helpPrintsTheUsageAndExitsWith0() throws Exception {
    Server server = start("--help");
    assertThat(server.nextLine())
        .isEqualTo("Usage: java -jar kimi-sdk-testing-VERSION-standalone.jar [options]");
    assertThat(server.awaitExit()).isZero();
    assertThat(server.out()).anyMatch(l -> l.startsWith("  --verbose "));
  }

  @Test
  void aWrongArgumentExitsWith2SayingWhy() throws Exception {
    Server server = start("--port", "eighty");
    assertThat(server.awaitExit()).isEqualTo(2);
    assertThat(String.join("\n", server.err()))
        .startsWith("FakeKimiServer: --port takes a whole number from 0 to 65535: eighty")
        .contains("Usage: java -jar kimi-sdk-testing-VERSION-standalone.jar [options]");
    assertThat(server.out()).isEmpty();
  }

  @Test
  void theJarCarriesTheSdkAndTheFakeAndNothingElse() throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.github.kimisdk.testing.FakeKimiServer");
      List<String> names = j.stream().map(e -> e.getName()).toList();
      assertThat(names)
          .contains(
              "io/github/kimisdk/KimiClient.class",
              "io/github/kimisdk/base/version/SdkVersion.class",
              "io/github/kimisdk/testing/FakeKimiServer.class",
              "io/github/kimisdk/testing/FakeKimiExtension.class")
          .noneMatch(n -> n.endsWith("module-info.class"))
          .allMatch(
              n ->
                  n.startsWith("io/github/kimisdk/")
                      || n.equals("io/")
                      || n.equals("io/github/")
                      || n.startsWith("META-INF/"));
    }
    assertThat(Files.size(jar)).isLessThan(2L * 1024 * 1024);
  }
}
