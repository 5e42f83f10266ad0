package io.github.kimisdk.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The command line of {@link FakeKimiServer#main}: its options, their usage, and a server started
 * from them that a shutdown hook closes.
 */
final class FakeKimiCommand {

  /** {@link #run}'s answer when a server was started and serves until the JVM ends. */
  static final int SERVING = -1;

  /** Exit status for a command line that cannot be run. */
  static final int USAGE_ERROR = 2;

  /** Exit status for a server that could not start. */
  static final int START_FAILED = 1;

  static final String USAGE =
      """
      Usage: java -jar kimi-sdk-testing-VERSION-standalone.jar [options]

      Runs FakeKimiServer, a Kimi API server for tests and offline runs, until stopped (Ctrl-C or
      SIGTERM). The first line printed names its base URL; point a client at it, for instance
      KIMI_BASE_URL=http://127.0.0.1:8089/v1 with any MOONSHOT_API_KEY.

      Options:
        --port N         port to listen on; 0 (the default) picks a free one
        --host ADDRESS   address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
        --latency MS     delay every answer by MS milliseconds (default 0)
        --api-key KEY    answer 401, as Kimi does, unless a request carries this key;
                         repeat it to take several (the old and the new key while one
                         is rotated, or one per tenant). By default any non-blank key
                         is taken
        --max-concurrency N
                         answer Kimi's 429 to a request that arrives while N are
                         being answered (with --dialect vllm or sglang, a chat
                         call gets the host's full queue: its 503, or SGLang's
                         error event on a stream's 200) (default 0: no limit)
        --requests-per-minute N
                         answer Kimi's 429, with Retry-After, once N requests were
                         taken in the last 60 seconds (default 0: no limit)
        --tls            serve HTTPS with a certificate made at start; the first line
                         names the https:// base URL and a PEM file to trust
                         (NODE_EXTRA_CA_CERTS=FILE, curl --cacert FILE)
        --tls-cert FILE --tls-key FILE
                         serve HTTPS with this PEM certificate chain and its PKCS #8
                         PEM key instead
        --record URL --cassettes DIR
                         be a recording proxy in front of URL (https://api.moonshot.ai/v1):
                         forward each request with the caller's key and write one file
                         per exchange into DIR, keys and cookies scrubbed
        --replay DIR     answer from the exchanges recorded in DIR, byte for byte; a
                         request that matches none gets a 404 cassette_miss_error naming
                         the nearest recorded one and the difference (also on stderr)
        --record-missing URL
                         with --replay: forward a request that matches none to URL and
                         append it to DIR
        --scrub NAME     also scrub this header or JSON member (repeatable, or a list
                         separated by commas)
        --keep-timing    record each streamed event's time, and replay streams at it
        --batch-duration S
                         each batch takes S seconds: validating, then in_progress with
                         its request counts growing, then completed (default 0: a
                         batch is completed when created)
        --batch-line-failures N
                         every N-th line of each batch fails with a 500 server_error
                         in its error file (default 0: none)
        --dialect NAME   speak chat completions as that host does: moonshot (the
                         default), vllm, sglang, openrouter, fireworks or together
                         (its model ids, thinking switch, reasoning fields, tool-call
                         ids and errors; Kimi's rules for the model still apply)
        --errors KIND=SHARE[,KIND=SHARE...]
                         answer that share of the chat calls with an error of that
                         kind, in the dialect's words, by rule, not by chance
                         (quota=0.5 fails the 2nd, 4th, 6th, ... call):
                         quota (429 exceeded_current_quota_error),
                         rate-limit (429 rate_limit_reached_error, Retry-After: 1),
                         overloaded (the host's: Kimi's 429 engine_overloaded_error,
                         vLLM's 503, ...), queue-full (the host's full queue: vLLM's
                         503, SGLang's "The request queue is full." as a 503 or an
                         event on a stream's 200), stream-error (a stream fails
                         after its first chunk of output, on its 200); each share
                         in (0, 1], at most 1 in all
        --misconfigure KIND[,KIND...]
                         play a host of Kimi's model set up wrong, in the dialect's
                         words: no-reasoning-parser (raw think markers in content),
                         k2-reasoning-parser (K3 split by K2's parser),
                         ignores-thinking-switch, no-tool-parser (raw tool-call
                         markers in content), no-stream-usage, retired=MODEL (404 in
                         the host's words, left out of /v1/models)
        --service-time MS
                         each answer to a chat call takes MS milliseconds, holding its
                         place under --max-concurrency; refusals come at once
        --slow-first-token EVERY:MS
                         every EVERY-th stream waits MS milliseconds for its first
                         chunk (5:3000: the 5th, 10th, ... wait 3 s)
        --cut-streams EVERY:AFTER
                         every EVERY-th stream is cut after AFTER chunks of output, the
                         connection closed without [DONE]; a continuation is never cut
        --replicas N     run N servers of one model, each with its own prefix cache,
                         limits and faults, on ports --port, --port+1, ... (free ports
                         without --port); one line per server names its base URL
        --verbose        print a line per request on standard error: when it was answered
                         (UTC), method, path, model, status, and the error answered; then
                         its headers, one
                         per line, indented (Authorization and any header named like a
                         key, token or secret shown as [redacted]; never the key)
        --help           print this help and exit
      """;

  /** The options of one command line; {@code apiKeys} is empty when any key is taken. */
  record Options(
      String host,
      int port,
      Duration latency,
      List<String> apiKeys,
      boolean verbose,
      boolean help,
      int maxConcurrency,
      int requestsPerMinute,
      Tls tls,
      Cassette cassette,
      Duration batchDuration,
      int batchLineFailures,
      String errors,
      String dialect,
      String misconfigure,
      FakeServing.Settings serving,
      int replicas) {
    Options {
      Objects.requireNonNull(serving, "serving");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(errors, "errors");
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(misconfigure, "misconfigure");
      apiKeys = List.copyOf(apiKeys);
    }

    /** The options of one server set up right, answering at once. */
    Options(
        String host,
        int port,
        Duration latency,
        List<String> apiKeys,
        boolean verbose,
        boolean help,
        int maxConcurrency,
        int requestsPerMinute,
        Tls tls,
        Cassette cassette,
        Duration batchDuration,
        int batchLineFailures,
        String errors,
        String dialect) {
      this(
          host,
          port,
          latency,
          apiKeys,
          verbose,
          help,
          maxConcurrency,
          requestsPerMinute,
          tls,
          cassette,
          batchDuration,
          batchLineFailures,
          errors,
          dialect,
          "",
          FakeServing.Settings.NONE,
          1);
    }

    /** The options of the first options, with no limit and plain HTTP. */
    Options(
        String host,
        int port,
        Duration latency,
        List<String> apiKeys,
        boolean verbose,
        boolean help) {
      this(
          host,
          port,
          latency,
          apiKeys,
          verbose,
          help,
          0,
          0,
          null,
          null,
          Duration.ZERO,
          0,
          "",
          FakeDialect.MOONSHOT.spec);
    }

    @Override
    public String toString() {
      return "Options[host="
          + host
          + ", port="
          + port
          + ", latency="
          + latency
          + ", apiKeys="
          + (apiKeys.isEmpty() ? "none" : apiKeys.size() + " (set)")
          + ", verbose="
          + verbose
          + ", help="
          + help
          + ", maxConcurrency="
          + maxConcurrency
          + ", requestsPerMinute="
          + requestsPerMinute
          + ", tls="
          + tls
          + ", cassette="
          + cassette
          + ", batchDuration="
          + batchDuration
          + ", batchLineFailures="
          + batchLineFailures
          + ", errors="
          + errors
          + ", dialect="
          + dialect
          + ", misconfigure="
          + misconfigure
          + ", serving="
          + serving
          + ", replicas="
          + replicas
          + "]";
    }
  }

  /**
   * HTTPS: with the given PEM certificate chain and key, or with both null, a certificate made at
   * start.
   */
  record Tls(Path certificate, Path key) {}

  /** A command line that cannot be run, with what is wrong with it. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private FakeKimiCommand() {}

  /** Reads a command line. */
  static Options parse(String... args) throws UsageException {
    String host = "127.0.0.1";
    int port = 0;
    Duration latency = Duration.ZERO;
    List<String> apiKeys = new ArrayList<>();
    boolean verbose = false;
    boolean help = false;
    int maxConcurrency = 0;
    int requestsPerMinute = 0;
    boolean tls = false;
    Path tlsCert = null;
    Path tlsKey = null;
    String record = null;
    Path cassettes = null;
    Path replay = null;
    String recordMissing = null;
    List<String> scrub = new ArrayList<>();
    boolean keepTiming = false;
    Duration batchDuration = Duration.ZERO;
    int batchLineFailures = 0;
    String errors = "";
    String dialect = FakeDialect.MOONSHOT.spec;
    String misconfigure = "";
    int serviceMillis = 0;
    int[] slow = {0, 0};
    int[] cut = {0, 0};
    int replicas = 1;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h", "--verbose", "--tls", "--keep-timing" -> {
          if (value != null) {
            throw new UsageException(name + " takes no value");
          }
          switch (name) {
            case "--verbose" -> verbose = true;
            case "--tls" -> tls = true;
            case "--keep-timing" -> keepTiming = true;
            default -> help = true;
          }
        }
        case "--port",
            "--host",
            "--latency",
            "--api-key",
            "--max-concurrency",
            "--requests-per-minute",
            "--tls-cert",
            "--tls-key",
            "--record",
            "--cassettes",
            "--replay",
            "--record-missing",
            "--scrub",
            "--batch-duration",
            "--batch-line-failures",
            "--errors",
            "--dialect",
            "--misconfigure",
            "--service-time",
            "--slow-first-token",
            "--cut-streams",
            "--replicas" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--port" -> port = number(name, value, 65535);
            case "--host" -> host = host(value);
            case "--latency" -> latency = Duration.ofMillis(number(name, value, 3_600_000));
            case "--max-concurrency" -> maxConcurrency = number(name, value, 1_000_000);
            case "--requests-per-minute" -> requestsPerMinute = number(name, value, 1_000_000);
            case "--batch-duration" ->
                batchDuration = Duration.ofMillis(number(name, value, 9_999_999) * 1000L);
            case "--batch-line-failures" -> batchLineFailures = number(name, value, 1_000_000);
            case "--errors" -> errors = errors(value);
            case "--dialect" -> dialect = dialect(value);
            case "--misconfigure" -> misconfigure = misconfigure(value);
            case "--service-time" -> serviceMillis = number(name, value, 3_600_000);
            case "--slow-first-token" -> slow = pair(name, value, "EVERY:MS", 3_600_000);
            case "--cut-streams" -> cut = pair(name, value, "EVERY:AFTER", 1_000_000);
            case "--replicas" -> replicas = number(name, value, 64);
            case "--tls-cert" -> tlsCert = file(name, value);
            case "--tls-key" -> tlsKey = file(name, value);
            case "--record" -> record = url(name, value);
            case "--cassettes" -> cassettes = file(name, value);
            case "--replay" -> replay = file(name, value);
            case "--record-missing" -> recordMissing = url(name, value);
            case "--scrub" -> {
              for (String n : value.split(",")) {
                if (n.isBlank()) {
                  throw new UsageException("--scrub takes header or member names: " + value);
                }
                scrub.add(n.strip());
              }
            }
            default -> apiKeys.add(key(value));
          }
        }
        default -> throw new UsageException("unknown argument: " + arg);
      }
    }
    if (replicas < 1) {
      throw new UsageException("--replicas takes a number from 1 to 64: " + replicas);
    }
    if (cut[0] > 0 && cut[1] < 1) {
      throw new UsageException("--cut-streams cuts after at least one chunk: EVERY:AFTER, 2:5");
    }
    if (replicas > 1 && (tls || tlsCert != null || record != null || replay != null)) {
      throw new UsageException(
          "--replicas serves the built-in model over HTTP: it takes no --tls, --record or"
              + " --replay");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together: a certificate and its key");
    }
    return new Options(
        host,
        port,
        latency,
        apiKeys,
        verbose,
        help,
        maxConcurrency,
        requestsPerMinute,
        tls || tlsCert != null ? new Tls(tlsCert, tlsKey) : null,
        cassette(record, cassettes, replay, recordMissing, scrub, keepTiming),
        batchDuration,
        batchLineFailures,
        errors,
        dialect,
        misconfigure,
        new FakeServing.Settings(
            Duration.ofMillis(serviceMillis), slow[0], Duration.ofMillis(slow[1]), cut[0], cut[1]),
        replicas);
  }

  /**
   * The canonical form of a {@code --misconfigure} spec, as {@link FakeMisconfiguration} reads it.
   */
  private static String misconfigure(String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException("--misconfigure takes kinds: " + FakeMisconfiguration.kinds());
    }
    try {
      return FakeMisconfiguration.parse(value).toString();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--misconfigure: " + e.getMessage());
    }
  }

  /** Reads {@code EVERY:N}: a count of streams and a number up to {@code max}. */
  private static int[] pair(String name, String value, String form, int max) throws UsageException {
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new UsageException(name + " takes " + form + ": " + value);
    }
    return new int[] {
      number(name, value.substring(0, colon), 1_000_000),
      number(name, value.substring(colon + 1), max)
    };
  }

  /** The name of the dialect {@code --dialect} names, as {@link FakeDialect#of} reads it. */
  private static String dialect(String value) throws UsageException {
    try {
      return FakeDialect.of(value).spec;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dialect: " + e.getMessage());
    }
  }

  /** The canonical form of an {@code --errors} spec, checked as {@link FakeErrors} reads it. */
  private static String errors(String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException("--errors takes KIND=SHARE pairs, such as quota=0.5");
    }
    try {
      return FakeErrors.parse(value).toString();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--errors: " + e.getMessage());
    }
  }

  private static int number(String name, String value, int max) throws UsageException {
    if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) > max) {
      throw new UsageException(name + " takes a whole number from 0 to " + max + ": " + value);
    }
    return Integer.parseInt(value);
  }

  /** The cassette the options describe, or null; a combination that makes none is refused. */
  private static Cassette cassette(
      String record,
      Path cassettes,
      Path replay,
      String recordMissing,
      List<String> scrub,
      boolean keepTiming)
      throws UsageException {
    if (record != null && replay != null) {
      throw new UsageException(
          "--record and --replay exclude each other; to replay and record what is missing:"
              + " --replay DIR --record-missing URL");
    }
    if ((record == null) != (cassettes == null)) {
      throw new UsageException("--record URL and --cassettes DIR go together");
    }
    if (recordMissing != null && replay == null) {
      throw new UsageException("--record-missing URL needs --replay DIR");
    }
    if (record == null && replay == null) {
      if (!scrub.isEmpty() || keepTiming) {
        throw new UsageException("--scrub and --keep-timing need --record or --replay");
      }
      return null;
    }
    Cassette c;
    try {
      c =
          record != null
              ? Cassette.record(record, cassettes)
              : recordMissing != null
                  ? Cassette.replay(replay).recordMissing(recordMissing)
                  : Cassette.replay(replay);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          (record != null ? "--record: " : "--record-missing: ") + e.getMessage());
    }
    c = c.scrub(scrub.toArray(String[]::new));
    return keepTiming ? c.keepTiming() : c;
  }

  private static String url(String name, String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException(name + " takes a base URL, such as https://api.moonshot.ai/v1");
    }
    return value;
  }

  private static Path file(String name, String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException(name + " takes a file");
    }
    return Path.of(value);
  }

  private static String host(String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException("--host takes an address, such as 127.0.0.1 or 0.0.0.0");
    }
    return value;
  }

  private static String key(String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException("--api-key takes a key that is not blank");
    }
    return value;
  }

  /**
   * Runs a command line: prints the usage and returns 0 for {@code --help}, prints what is wrong
   * and returns {@link #USAGE_ERROR} for a wrong one, returns {@link #START_FAILED} when the server
   * cannot start, and otherwise starts the server, prints its base URL and returns {@link #SERVING}
   * (a shutdown hook closes the server when the JVM ends).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      err.println("FakeKimiServer: " + e.getMessage());
      err.println();
      err.print(USAGE);
      err.flush();
      return USAGE_ERROR;
    }
    if (options.help()) {
      out.print(USAGE);
      out.flush();
      return 0;
    }
    FakeKimiServer server;
    List<FakeKimiServer> others = new ArrayList<>();
    try {
      server = start(options, err, options.port());
      for (int r = 1; r < options.replicas(); r++) {
        others.add(start(options, err, options.port() == 0 ? 0 : options.port() + r));
      }
    } catch (UsageException e) {
      err.println("FakeKimiServer: " + e.getMessage());
      err.flush();
      return USAGE_ERROR;
    } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      others.forEach(FakeKimiServer::close);
      err.println(
          "FakeKimiServer: "
              + e.getMessage()
              + (e.getCause() != null ? ": " + e.getCause().getMessage() : ""));
      err.flush();
      return START_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fake-kimi-shutdown"));
    others.forEach(
        o -> Runtime.getRuntime().addShutdownHook(new Thread(o::close, "fake-kimi-shutdown")));
    String trust = "";
    if (options.tls() != null) {
      try {
        trust = "; trust " + trustFile(server);
      } catch (IOException e) {
        server.close();
        err.println("FakeKimiServer: cannot write the certificate to trust: " + e.getMessage());
        err.flush();
        return START_FAILED;
      }
    }
    String dialect = options.dialect();
    List<FakeKimiServer> all = new ArrayList<>(List.of(server));
    all.addAll(others);
    for (int r = 0; r < all.size(); r++) {
      out.println(
          "FakeKimiServer at "
              + all.get(r).baseUrl()
              + " ("
              + (all.size() > 1 ? "replica " + (r + 1) + " of " + all.size() + "; " : "")
              + (dialect.equals(FakeDialect.MOONSHOT.spec) ? "" : "speaking " + dialect + "; ")
              + (options.misconfigure().isEmpty()
                  ? ""
                  : "misconfigured: " + options.misconfigure() + "; ")
              + "Anthropic Messages: "
              + all.get(r).anthropicBaseUrl()
              + trust
              + ")");
    }
    out.println("Serving until stopped (Ctrl-C or SIGTERM).");
    out.flush();
    return SERVING;
  }

  /**
   * Writes the certificate a client trusts to a PEM file of its own in the temporary folder,
   * deleted when the JVM ends, and returns its path.
   */
  static Path trustFile(FakeKimiServer server) throws IOException {
    Path file = Files.createTempFile("fake-kimi-" + server.port() + "-", ".pem");
    file.toFile().deleteOnExit();
    Files.writeString(file, server.certificatePem(), StandardCharsets.US_ASCII);
    return file;
  }

  /** Blocks the calling thread until the JVM ends (a signal, or {@code System.exit}). */
  static void awaitShutdown() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Now, as a {@code --verbose} line opens: {@code 2026-11-27T09:12:03.456Z}. */
  static String answeredAt() {
    return answeredAt(Instant.now());
  }

  /**
   * The time a {@code --verbose} line opens with: UTC, always three digits of milliseconds ({@code
   * Instant.toString} leaves out a fraction that is zero, which broke the documented form one line
   * in a thousand).
   */
  static String answeredAt(Instant at) {
    return ANSWERED_AT.format(at);
  }

  private static final DateTimeFormatter ANSWERED_AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /**
   * Starts a server as the options say; it keeps no requests, and with {@code --verbose} prints a
   * line per request and its headers under it on {@code log}: standard error, so that standard
   * output keeps only the lines {@link #run} prints first, which scripts read for the base URL.
   */
  static FakeKimiServer start(Options options, PrintStream log) throws UsageException {
    return start(options, log, options.port());
  }

  /** Starts one server as the options say, on {@code port}: one replica of several. */
  private static FakeKimiServer start(Options options, PrintStream log, int port)
      throws UsageException {
    InetAddress address;
    try {
      address = InetAddress.getByName(options.host());
    } catch (UnknownHostException e) {
      throw new UsageException("--host: unknown host " + options.host());
    }
    FakeKimiServer server =
        new FakeKimiServer()
            .forgetRequests()
            .latency(options.latency())
            .maxConcurrency(options.maxConcurrency())
            .requestsPerMinute(options.requestsPerMinute())
            .batchDuration(options.batchDuration())
            .batchLineFailures(options.batchLineFailures())
            .failCalls(options.errors())
            .dialect(options.dialect())
            .misconfigure(options.misconfigure());
    FakeServing.Settings serving = options.serving();
    server
        .serviceTime(serving.serviceTime())
        .slowFirstToken(serving.slowEvery(), serving.slowFirstToken())
        .cutStreams(serving.cutEvery(), serving.cutAfter());
    if (!options.apiKeys().isEmpty()) {
      server.requireApiKeys(options.apiKeys());
    }
    if (options.verbose()) {
      // each request's line opens with when it was answered (UTC, to the millisecond), so that a
      // team lines the fake's side up with its own logs; the headers under it carry none
      server.logRequests(line -> log.println(answeredAt() + " " + line), true);
    }
    server.warnTo(log::println);
    if (options.cassette() != null) {
      server.cassette(options.cassette());
      CassetteDeck deck = server.deck();
      log.println(
          "FakeKimiServer: "
              + switch (options.cassette().mode()) {
                case RECORD ->
                    "recording into "
                        + options.cassette().directory()
                        + " from "
                        + options.cassette().upstream();
                case REPLAY ->
                    "replaying the "
                        + deck.size()
                        + " exchanges of "
                        + options.cassette().directory()
                        + " (a request none matches gets 404 cassette_miss_error)";
                case REPLAY_OR_RECORD ->
                    "replaying the "
                        + deck.size()
                        + " exchanges of "
                        + options.cassette().directory()
                        + ", recording what is missing from "
                        + options.cassette().upstream();
              });
      log.flush();
    }
    if (options.tls() != null && options.tls().certificate() != null) {
      server.tls(options.tls().certificate(), options.tls().key());
    } else if (options.tls() != null) {
      server.tls();
    }
    return server.start(address, port);
  }
}
