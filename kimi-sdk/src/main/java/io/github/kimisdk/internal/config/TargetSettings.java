package io.github.kimisdk.internal.config;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.Target;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.credential.Credential;
import io.github.kimisdk.internal.credential.Keys;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.HttpSettings;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.sse.SseLimits;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * The settings of one target of a client, as its transport, error factory, limiter and meter read
 * them: what is the target's own (its host and endpoint, its wire, its key, its rate limit, its
 * prices, its place in the chain) and, for everything else, the client's settings, read from them
 * rather than copied. The client's own target is one as every fallback target is ({@link #own},
 * {@link #of}), so each target's machinery is built by one constructor ({@link TargetParts}).
 */
public final class TargetSettings implements HttpSettings {

  private final ClientConfig client;
  private final Host host;
  private final Endpoint endpoint;
  private final WireProtocol protocol;
  private final Credential credential;
  private final RateLimit rateLimit; // null: none
  private final PriceTable prices; // null: the client's (its own target only)
  private final ServedBy self; // its place in a chain; null for a client without fallbacks
  private final String hostLabel; // how failures name the host; null for Moonshot's API
  private final boolean own; // the client's own target: it sends the client's headers

  private TargetSettings(
      ClientConfig client,
      Host host,
      Endpoint endpoint,
      WireProtocol protocol,
      Credential credential,
      RateLimit rateLimit,
      PriceTable prices,
      ServedBy self,
      boolean own) {
    this.client = client;
    this.host = host;
    this.endpoint = endpoint;
    this.protocol = protocol;
    this.credential = credential;
    this.rateLimit = rateLimit;
    this.prices = prices;
    this.self = self;
    this.hostLabel = ClientConfig.labelOf(host, self);
    this.own = own;
  }

  /**
   * Returns the settings of the client's own target: the client's, in a chain named target 0.
   *
   * @param client the client's settings
   * @return the target's settings
   */
  static TargetSettings own(ClientConfig client) {
    return new TargetSettings(
        client,
        client.host(),
        client.endpoint(),
        client.wireProtocol(),
        client.credential(),
        client.rateLimit(),
        null,
        client.fallbacks().isEmpty() ? null : served(0, Target.of(client.host())),
        true);
  }

  /**
   * Returns the settings of fallback target {@code f} of {@code client}, checked by the rules of
   * the client's builder: plain http only to loopback (or with {@code allowPlainHttp}), a key that
   * fits the target's endpoint; a host that needs a key has one ({@link Host#needsKey}), and a
   * target without one sends none. Its wire is chat completions unless its host speaks Moonshot's
   * dialect; its prices are its host's.
   *
   * @param client the client's settings
   * @param f the target and its key
   * @param index its place in the chain, the client's own being 0
   * @return its settings
   * @throws ConfigurationException if the target's endpoint or key breaks a rule
   */
  static TargetSettings of(ClientConfig client, ClientConfig.Fallback f, int index) {
    Target t = f.target();
    Endpoint ep = t.host().endpoint();
    String problem = Keys.endpointRule(ep, client.allowsPlainHttp());
    if (problem != null) {
      throw new ConfigurationException("fallback " + t + ": " + problem);
    }
    Credential credential;
    if (f.key() != null) {
      String bad = Keys.problem(f.key(), "of fallback target " + t.host().name());
      if (bad == null) {
        bad = Keys.endpointProblem(f.key(), "of fallback target " + t.host().name(), ep);
      }
      if (bad != null) {
        throw new ConfigurationException(bad);
      }
      credential = Credential.fixed(ApiKey.of(f.key()));
    } else if (f.supplier() != null) {
      credential = Credential.supplied(f.supplier(), "the key supplier");
    } else if (t.host().needsKey()) {
      throw new ConfigurationException(
          "fallback target "
              + index
              + " ("
              + t.host().name()
              + ") has no API key, and "
              + ep.baseUrl()
              + " needs one: give it Target.apiKey(...) (a target never takes the client's key)");
    } else {
      credential = Credential.fixed(ApiKey.of("")); // sends none: a vLLM without --api-key
    }
    return new TargetSettings(
        client,
        t.host(),
        ep,
        t.host().speaksMoonshot() ? ep.defaultProtocol() : WireProtocol.CHAT_COMPLETIONS,
        credential,
        t.rateLimit().orElse(null),
        t.host().prices().orElse(PriceTable.none()),
        served(index, t),
        false);
  }

  /** What target {@code index} is, as responses, events and failures name it: the one place. */
  public static ServedBy served(int index, Target t) {
    return new ServedBy(index, t.host().name(), t.host().endpoint().uri(), t.model().orElse(null));
  }

  /** The client's settings, for what is not the target's own. */
  public ClientConfig client() {
    return client;
  }

  /** The target's host. */
  public Host host() {
    return host;
  }

  /** Where its key comes from. */
  public Credential credential() {
    return credential;
  }

  /** Its rate limit, or null for none. */
  public RateLimit rateLimit() {
    return rateLimit;
  }

  /**
   * Its prices: the team's for its host, its host's own, or none; for the client's own target the
   * client's ({@link ClientConfig#prices()}), else its host's.
   */
  public PriceTable prices() {
    if (prices != null) {
      return prices;
    }
    return client.prices() != null ? client.prices() : host.prices().orElse(PriceTable.none());
  }

  @Override
  public ApiKey apiKey() {
    return credential.fixedKey();
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public WireProtocol wireProtocol() {
    return protocol;
  }

  @Override
  public Timeouts timeouts() {
    return client.timeouts();
  }

  @Override
  public String userAgent() {
    return client.userAgent();
  }

  @Override
  public Map<String, String> headers() {
    return own ? client.headers() : Map.of(); // the client's headers go to its own target only
  }

  @Override
  public long maxResponseBytes() {
    return client.maxResponseBytes();
  }

  @Override
  public SseLimits sseLimits() {
    return client.sseLimits();
  }

  @Override
  public HttpClient.Version httpVersion() {
    return client.httpVersion();
  }

  @Override
  public int maxJsonDepth() {
    return client.maxJsonDepth();
  }

  @Override
  public boolean logMessageContents() {
    return client.logMessageContents();
  }

  @Override
  public long maxRequestBytes() {
    return client.maxRequestBytes();
  }

  @Override
  public ModelCatalog catalog() {
    return client.catalog();
  }

  @Override
  public ServedBy target() {
    return self;
  }

  @Override
  public String hostLabel() {
    return hostLabel;
  }

  /** Names the target, never its key. */
  @Override
  public String toString() {
    return "TargetSettings[" + (self == null ? host.toString() : self.toString()) + "]";
  }
}
