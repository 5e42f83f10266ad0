package io.github.kimisdk.testing;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Where {@link FakeKimiServer} records real Kimi traffic and replays it: a folder of recorded
 * exchanges (a cassette), and how the server uses it. Give one to {@link
 * FakeKimiServer#cassette(Cassette)}, or run the process with {@code --record URL --cassettes DIR}
 * or {@code --replay DIR}.
 *
 * <ul>
 *   <li>{@link #record(String, Path)}: the server is a recording proxy in front of Kimi (or any
 *       endpoint that speaks its API): it forwards each request with the caller's key and writes
 *       one file per exchange, the request, the status, the headers that matter and the body (a
 *       stream byte for byte);
 *   <li>{@link #replay(Path)}: the server answers from the files, strictly: a request that matches
 *       no recorded one gets a 404 {@code cassette_miss_error} naming the nearest recorded request
 *       and how the two differ, never a default answer;
 *   <li>{@link #recordMissing(String)}: replays what is recorded, and forwards and appends what is
 *       not;
 *   <li>{@link #fromEnv(Path)}: replays strictly, unless {@code KIMI_RECORD} names an endpoint to
 *       record what is missing from: the same test records once with a key and replays in a CI that
 *       has none.
 * </ul>
 *
 * <pre>{@code
 * @Test
 * void plansATrip(FakeKimiServer server, KimiClient kimi) { // FakeKimiExtension
 *   server.cassette(Cassette.fromEnv(Path.of("src/test/resources/cassettes/plans-a-trip")));
 *   assertThat(new TripPlanner(kimi).plan("Paris")).contains("Louvre");
 * }
 * }</pre>
 *
 * <p><b>Secrets.</b> Nothing of a request's {@code Authorization}, {@code x-api-key}, cookies or
 * any other header but the few a cassette keeps is written; the keys the exchange carried (the
 * caller's and the {@link #upstreamKey upstream's}) are replaced by {@code (scrubbed)} wherever
 * they appear in a body, and so is the value of every header and JSON member {@link #scrub named}.
 *
 * <p><b>Matching.</b> A request matches a recorded one when their method, path and the canonical
 * forms of their bodies are equal: a JSON body with its members in any order, numbers by value,
 * {@code null} members left out, the top-level {@code stream_options} left out (clients differ in
 * it), and the values of {@code id}, {@code tool_call_id}, {@code tool_use_id} and {@code call_id}
 * members renamed by their order of first appearance (a client may name tool calls itself); a
 * multipart body by its fields' names, file names and contents, in any order and whatever its
 * boundary; the members named to {@link #scrub} compared scrubbed. Equal requests are answered in
 * the order recorded, the last one again once all were played. The fake's rules still judge a
 * replayed model call: a request Kimi would refuse gets the fake's refusal, never the recorded
 * answer.
 *
 * <p><b>The files</b> ({@value #FORMAT}, version {@value #VERSION}): one pretty-printed JSON file
 * per exchange, named by its order and its call ({@code 0001-post-v1-chat-completions.json}), so
 * that a pull request shows each exchange as a file and a recorded stream as a list of lines. Their
 * layout is in {@code docs/testing.md} ("Record and replay"); a later version still reads them.
 *
 * <p>Instances are immutable; each method returns a new one. {@link #toString()} never shows a key.
 */
public final class Cassette {

  /** The {@code "format"} member of every exchange file. */
  public static final String FORMAT = "kimi-sdk.cassette";

  /** The version of the exchange files this release writes; it reads this one and the earlier. */
  public static final int VERSION = 1;

  /** The environment variable {@link #fromEnv(Path)} reads: the endpoint to record from. */
  static final String RECORD_VARIABLE = "KIMI_RECORD";

  /** How the server uses the cassette. */
  enum Mode {
    /** Forward every request and record it. */
    RECORD,
    /** Answer from the recorded exchanges; a miss is an error. */
    REPLAY,
    /** Answer from the recorded exchanges; forward and record a miss. */
    REPLAY_OR_RECORD
  }

  private final Path directory;
  private final Mode mode;
  private final URI upstream; // null for a strict replay
  private final String upstreamKey; // null: the caller's
  private final List<String> scrub; // lower case, sorted, distinct
  private final boolean keepTiming;

  private Cassette(
      Path directory,
      Mode mode,
      URI upstream,
      String upstreamKey,
      List<String> scrub,
      boolean keepTiming) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.mode = mode;
    this.upstream = upstream;
    this.upstreamKey = upstreamKey;
    this.scrub = List.copyOf(scrub);
    this.keepTiming = keepTiming;
  }

  /**
   * Returns a cassette that records every exchange into {@code directory} (made if missing),
   * forwarding each request to {@code upstreamBaseUrl}: {@code https://api.moonshot.ai/v1}, or any
   * endpoint that speaks Kimi's API. A path below {@code /v1} is forwarded below the URL's path,
   * any other (the Anthropic surface's {@code /anthropic/...}) to the same path on its host. The
   * folder must hold no recorded exchange yet: delete it to record again, or replay it with {@link
   * #recordMissing} to add to it.
   *
   * @param upstreamBaseUrl the endpoint's base URL: {@code https}, or {@code http} to a loopback
   *     address only
   * @param directory the cassette's folder
   * @return the cassette
   * @throws IllegalArgumentException if the URL is not one of those
   */
  public static Cassette record(String upstreamBaseUrl, Path directory) {
    return new Cassette(directory, Mode.RECORD, upstream(upstreamBaseUrl), null, List.of(), false);
  }

  /**
   * Returns a cassette that answers strictly from the exchanges recorded in {@code directory}.
   *
   * @param directory the cassette's folder
   * @return the cassette
   */
  public static Cassette replay(Path directory) {
    return new Cassette(directory, Mode.REPLAY, null, null, List.of(), false);
  }

  /**
   * Returns a cassette for a test that records once and replays everywhere else: when the
   * environment variable {@code KIMI_RECORD} names an endpoint ({@code
   * KIMI_RECORD=https://api.moonshot.ai/v1}), it replays {@code directory} and records what is
   * missing from that endpoint, with the key of {@code MOONSHOT_API_KEY} (or else {@code
   * KIMI_API_KEY}) when one is set, so that a test's client may keep its fake key; otherwise it
   * replays strictly. A CI without the variable, and without a key, replays.
   *
   * @param directory the cassette's folder
   * @return the cassette
   * @throws IllegalArgumentException if {@code KIMI_RECORD} is set to a URL {@link #record} refuses
   */
  public static Cassette fromEnv(Path directory) {
    return fromEnv(directory, System::getenv);
  }

  static Cassette fromEnv(Path directory, UnaryOperator<String> env) {
    Cassette c = replay(directory);
    String url = env.apply(RECORD_VARIABLE);
    if (url == null || url.isBlank()) {
      return c;
    }
    c = c.recordMissing(url.strip());
    for (String variable : List.of("MOONSHOT_API_KEY", "KIMI_API_KEY")) {
      String key = env.apply(variable);
      if (key != null && !key.isBlank()) {
        return c.upstreamKey(key.strip());
      }
    }
    return c;
  }

  /**
   * Returns a copy that replays what is recorded and, for a request that matches nothing, forwards
   * it to {@code upstreamBaseUrl}, answers with what came back, and appends it to the cassette.
   *
   * @param upstreamBaseUrl the endpoint, as {@link #record} takes it
   * @return the new cassette
   * @throws IllegalArgumentException if the URL is refused
   * @throws IllegalStateException if this cassette records every exchange already
   */
  public Cassette recordMissing(String upstreamBaseUrl) {
    if (mode == Mode.RECORD) {
      throw new IllegalStateException(
          "a recording cassette records every exchange: call recordMissing on replay(directory)");
    }
    return new Cassette(
        directory,
        Mode.REPLAY_OR_RECORD,
        upstream(upstreamBaseUrl),
        upstreamKey,
        scrub,
        keepTiming);
  }

  /**
   * Returns a copy that forwards every request with {@code key} instead of the key the caller sent
   * (a bearer token, or {@code x-api-key} on the Anthropic surface): a test's client keeps its fake
   * key while the recording reaches Kimi. The key is never written or printed.
   *
   * @param key the key
   * @return the new cassette
   * @throws IllegalArgumentException if {@code key} is blank
   */
  public Cassette upstreamKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("key must not be blank");
    }
    return new Cassette(directory, mode, upstream, key, scrub, keepTiming);
  }

  /**
   * Returns a copy that also scrubs these headers and JSON members, beside the keys: a header of
   * that name is not written, and the value of a member of that name, at any depth of a request's
   * or a response's JSON (a stream's events too), is written as {@code "(scrubbed)"} and compared
   * so when matching. Names are compared without regard to case.
   *
   * @param names header or member names, such as {@code "user"} or {@code "x-org-id"}
   * @return the new cassette
   * @throws IllegalArgumentException if a name is blank
   */
  public Cassette scrub(String... names) {
    TreeSet<String> all = new TreeSet<>(scrub);
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw new IllegalArgumentException("a name to scrub must not be blank");
      }
      all.add(n.strip().toLowerCase(Locale.ROOT));
    }
    return new Cassette(directory, mode, upstream, upstreamKey, new ArrayList<>(all), keepTiming);
  }

  /**
   * Returns a copy that keeps the timing of streams: recording writes each event's time since the
   * response began ({@code "event_ms"}), and replaying sends each event at that time, as recorded.
   * Without it a replayed stream is sent at once.
   *
   * @return the new cassette
   */
  public Cassette keepTiming() {
    return new Cassette(directory, mode, upstream, upstreamKey, scrub, true);
  }

  /**
   * Returns the cassette's folder.
   *
   * @return the folder
   */
  public Path directory() {
    return directory;
  }

  Mode mode() {
    return mode;
  }

  URI upstream() {
    return upstream;
  }

  String upstreamKeyOrNull() {
    return upstreamKey;
  }

  List<String> scrubbed() {
    return Collections.unmodifiableList(scrub);
  }

  boolean timing() {
    return keepTiming;
  }

  /** The upstream's base URL, checked: https, or http to a loopback address. */
  static URI upstream(String url) {
    Objects.requireNonNull(url, "upstreamBaseUrl");
    URI u;
    try {
      u = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http"))
        || u.getHost() == null
        || u.getRawQuery() != null
        || u.getRawFragment() != null
        || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "the endpoint to record from is a base URL such as https://api.moonshot.ai/v1: " + url);
    }
    if (scheme.equals("http") && !loopback(u.getHost())) {
      throw new IllegalArgumentException(
          "plain http only to a loopback address (the key would cross the network in the clear);"
              + " use https: "
              + url);
    }
    return u;
  }

  private static boolean loopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name: not resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cassette c
        && directory.equals(c.directory)
        && mode == c.mode
        && Objects.equals(upstream, c.upstream)
        && Objects.equals(upstreamKey, c.upstreamKey)
        && scrub.equals(c.scrub)
        && keepTiming == c.keepTiming;
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, mode, upstream, upstreamKey, scrub, keepTiming);
  }

  /** Returns the folder, the mode, the upstream and what is scrubbed; never the key. */
  @Override
  public String toString() {
    return "Cassette["
        + (mode == Mode.RECORD
            ? "record"
            : mode == Mode.REPLAY ? "replay" : "replay, record missing")
        + " "
        + directory
        + (upstream == null ? "" : " from " + upstream)
        + (upstreamKey == null ? "" : ", upstream key (set)")
        + (scrub.isEmpty() ? "" : ", scrub " + scrub)
        + (keepTiming ? ", timing kept" : "")
        + "]";
  }
}
