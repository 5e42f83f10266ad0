package io.github.kimisdk.hostcheck;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.Host;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code verify}: the host check ({@link HostCheck#verify}) of one host, from the command line, as
 * a team runs it against its deployment before it sends traffic there. The key comes from an
 * environment variable, never from the command line, where other users of the machine read it
 * ({@code ps}); nothing printed holds it.
 */
final class VerifyCommand {

  /** Exit status: every check passed. */
  static final int PASSED = 0;

  /** Exit status: a check failed. */
  static final int FAILED = 1;

  /** Exit status: a command line that cannot be run. */
  static final int USAGE_ERROR = 2;

  /** The bound of each request when {@code --timeout} sets none. */
  static final int DEFAULT_TIMEOUT_SECONDS = 60;

  /** The variables a Moonshot host's key is read from without {@code --api-key-env}. */
  private static final List<String> MOONSHOT_KEYS =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  static final String USAGE =
      """
      Usage: java -jar kimi-sdk-hostcheck-VERSION.jar verify --host NAME [--base-url URL] --model ID [options]

      Checks that a host serves Kimi's model as the SDK's preset for that host expects, before
      traffic goes there: the model id is served, the model's fixed sampling values are taken,
      thinking on brings reasoning under the key the preset reads and thinking off brings none,
      reasoning does not arrive inside content (a missing or wrong reasoning parser), a tool call
      comes back as tool_calls with JSON arguments (not as Kimi's raw markers: a missing tool
      parser), a stream ends with usage. Each failed check says what to change: a vLLM or SGLang
      flag, a preset's with method. It costs 4 requests (5 when the host refuses the sampling
      values) and a few hundred tokens, billed as any call.

      Options:
        --host NAME        the host, as Host.of names it: vllm, sglang, moonshot, moonshot-cn,
                           kimi-code, openrouter, fireworks, together, or another name for an
                           OpenAI-compatible server that speaks as Moonshot does
        --base-url URL     its OpenAI-compatible base URL (http://vllm:8000/v1); needed for vllm,
                           sglang and other names, a preset's own otherwise
        --model ID         Kimi's id of the model, such as kimi-k3
        --model-id ID      the id the host serves that model under, when it is not the preset's
                           (vLLM's --served-model-name): Host.withModelId
        --api-key-env VAR  read the host's key from the environment variable VAR. Without it,
                           moonshot, moonshot-cn and kimi-code read MOONSHOT_API_KEY,
                           KIMI_API_KEY or KIMI_CODING_API_KEY, the vendors need it, and a
                           team's own server is sent no key. A key is never taken on the command
                           line
        --timeout SECONDS  the bound of each request (default 60)
        --help             print this help and exit

      Exit status: 0 when every check passed, 1 when one failed, 2 for a command line that
      cannot be run.
      """;

  /** The options of one command line. */
  record Options(
      String host,
      String baseUrl,
      String model,
      String modelId,
      String keyVariable,
      Duration timeout,
      boolean help) {}

  /** A command line that cannot be run, with what is wrong with it. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private VerifyCommand() {}

  /**
   * Runs a command line: {@code verify} and its options.
   *
   * @param args the command line
   * @param env the environment, where the key is read
   * @param out where the report goes
   * @param err where what is wrong with the command line goes
   * @return the exit status
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("kimi-sdk: " + e.getMessage());
      err.println();
      err.print(USAGE);
      err.flush();
      return USAGE_ERROR;
    }
    if (o.help()) {
      out.print(USAGE);
      out.flush();
      return PASSED;
    }
    Host host;
    String key;
    try {
      host = Host.of(o.host(), o.baseUrl());
      if (o.modelId() != null) {
        host = host.withModelId(o.model(), o.modelId());
      }
      key = key(o, host, env);
    } catch (UsageException | KimiException | IllegalArgumentException e) {
      err.println("kimi-sdk: " + e.getMessage());
      err.flush();
      return USAGE_ERROR;
    }
    List<TargetReport> reports;
    KimiClient.Builder client = KimiClient.builder().host(host);
    if (key != null) {
      client.apiKey(key);
    }
    try (KimiClient kimi = client.build()) {
      reports =
          HostCheck.verify(
              kimi.withOptions(RequestOptions.builder().timeout(o.timeout()).build()), o.model());
    } catch (KimiException | IllegalArgumentException e) {
      // a client that cannot be built as asked (plain http to a host that is not loopback, ...)
      err.println("kimi-sdk: " + e.getMessage());
      err.flush();
      return USAGE_ERROR;
    }
    boolean passed = true;
    for (TargetReport r : reports) {
      print(r, host, out);
      passed &= r.passed();
    }
    out.flush();
    return passed ? PASSED : FAILED;
  }

  /** Reads a command line. */
  static Options parse(String... args) throws UsageException {
    if (args.length == 0) {
      throw new UsageException("name a command: verify");
    }
    int from = 0;
    if (args[0].equals("verify")) {
      from = 1;
    } else if (!args[0].equals("--help") && !args[0].equals("-h")) {
      throw new UsageException("unknown command: " + args[0] + " (the command is verify)");
    }
    String host = null;
    String baseUrl = null;
    String model = null;
    String modelId = null;
    String keyVariable = null;
    Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    boolean help = false;
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--api-key", "--key" ->
            throw new UsageException(
                name
                    + " is not taken: a key on the command line is seen by every user of the"
                    + " machine (ps); put it in an environment variable and name it with"
                    + " --api-key-env VAR");
        case "--host", "--base-url", "--model", "--model-id", "--api-key-env", "--timeout" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (value.isBlank()) {
            throw new UsageException(name + " needs a value");
          }
          switch (name) {
            case "--host" -> host = value.strip();
            case "--base-url" -> baseUrl = value.strip();
            case "--model" -> model = value.strip();
            case "--model-id" -> modelId = value.strip();
            case "--api-key-env" -> keyVariable = value.strip();
            default -> timeout = seconds(value);
          }
        }
        default -> throw new UsageException("unknown argument: " + arg);
      }
    }
    if (!help && (host == null || model == null)) {
      throw new UsageException(
          host == null ? "--host names the host to check" : "--model names the model to check");
    }
    return new Options(host, baseUrl, model, modelId, keyVariable, timeout, help);
  }

  private static Duration seconds(String value) throws UsageException {
    if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) == 0) {
      throw new UsageException("--timeout takes a whole number of seconds from 1: " + value);
    }
    return Duration.ofSeconds(Integer.parseInt(value));
  }

  /** The key to send: from the variable named, a Moonshot host's own, or none. */
  private static String key(Options o, Host host, Map<String, String> env) throws UsageException {
    if (o.keyVariable() != null) {
      String key = env.get(o.keyVariable());
      if (key == null || key.isBlank()) {
        throw new UsageException(
            "--api-key-env: the environment variable " + o.keyVariable() + " is not set");
      }
      return key.strip();
    }
    if (!host.needsKey()) {
      return null; // a team's own server started without --api-key: the client sends none
    }
    String name = host.name().toLowerCase(Locale.ROOT);
    boolean moonshot =
        name.equals("moonshot") || name.equals("moonshot-cn") || name.equals("kimi-code");
    if (moonshot) {
      for (String variable : MOONSHOT_KEYS) {
        String key = env.get(variable);
        if (key != null && !key.isBlank()) {
          return key.strip();
        }
      }
      throw new UsageException(
          host.name()
              + " needs a key: set MOONSHOT_API_KEY (or KIMI_API_KEY, KIMI_CODING_API_KEY), or name"
              + " the variable that holds it with --api-key-env VAR");
    }
    throw new UsageException(
        host.name() + " needs a key: name the variable that holds it with --api-key-env VAR");
  }

  /** Prints one target's report: each check, what the host did, what to change, the cost. */
  static void print(TargetReport r, Host host, PrintStream out) {
    out.println(
        "Checking "
            + r.model()
            + " on "
            + host.name()
            + " at "
            + host.endpoint().baseUrl()
            + (r.hostModel().equals(r.model()) ? "" : " (as " + r.hostModel() + ")"));
    int failed = 0;
    for (TargetReport.Finding f : r.findings()) {
      out.println(
          "  "
              + pad(f.outcome().name(), 8)
              + pad(f.check().name().toLowerCase(Locale.ROOT).replace('_', ' '), 16)
              + f.detail());
      if (f.failed()) {
        failed++;
        out.println("  " + pad("", 24) + "fix: " + onTheCommandLine(f.fix()));
      }
    }
    out.println(
        "Cost: "
            + r.requests()
            + (r.requests() == 1 ? " request, " : " requests, ")
            + r.tokens()
            + (r.tokens() == 1 ? " token, " : " tokens, ")
            + String.format(Locale.ROOT, "%.1f s", r.took().toMillis() / 1000.0)
            + ".");
    out.println(
        failed > 0
            ? failed + " of " + r.findings().size() + " checks failed."
            : r.passed()
                ? "Every check passed."
                : "Not checked: " + r.finding(TargetReport.Check.ACCESS).detail());
  }

  /**
   * The fixes the host check words for a program (its Java methods), as this command takes them:
   * its options. Each pair is a program's words and the command's.
   */
  private static final List<String[]> COMMAND_LINE_FIXES =
      List.of(
          new String[] {
            "check the target's key (Target.apiKey, or the client's apiKey) against the server's"
                + " --api-key",
            "check the key in the variable --api-key-env names (MOONSHOT_API_KEY without it, on"
                + " Moonshot's hosts) against the server's --api-key"
          },
          new String[] {
            "give the target its key (Target.apiKey)",
            "put its key in an environment variable and name it with --api-key-env VAR"
          },
          new String[] {
            "(KimiClient.withOptions; the command's --timeout)", "(--timeout SECONDS)"
          });

  /** A program's method that declares the id a host serves the model under. */
  private static final Pattern WITH_MODEL_ID =
      Pattern.compile("host\\.withModelId\\(\"[^\"]*\", \"([^\"]*)\"\\)");

  /** A fix in the command's words: its options where the host check names a Java method. */
  static String onTheCommandLine(String fix) {
    String said = fix;
    for (String[] pair : COMMAND_LINE_FIXES) {
      said = said.replace(pair[0], pair[1]);
    }
    return WITH_MODEL_ID.matcher(said).replaceAll("--model-id $1");
  }

  private static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(Objects.requireNonNull(s));
    while (b.length() < width) {
      b.append(' ');
    }
    return b.append(' ').toString();
  }
}
