package io.github.kimisdk.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A Kimi API server on the loopback interface, for tests and offline demos: no network and no key
 * needed. It needs the {@code jdk.httpserver} module at run time.
 *
 * <p>With nothing scripted it behaves as a small deterministic model: {@code POST
 * /v1/chat/completions} answers (streaming or not) with a reply derived from the last user message,
 * shaped like Kimi's responses (ids, {@code reasoning_content} for thinking models, {@code usage}
 * inside the finishing choice, a trailing usage chunk when {@code stream_options.include_usage} is
 * set). Usage is counted as the SDK counts it: with {@link
 * io.github.kimisdk.token.RequestTokens#estimated()} and {@link
 * io.github.kimisdk.token.TokenEstimator}, or exactly with the {@link #tokenizer tokenizer} given;
 * {@code n} gives that many choices. Like Kimi's prefix cache, a request whose leading messages (at
 * least 256 tokens of them) led an earlier request reports them as {@code cached_tokens} (in both
 * of Kimi's spellings). {@code GET /v1/models} lists its models with Kimi's capability fields (by
 * default every model the core's table, {@link io.github.kimisdk.model.ModelCatalog#defaults()},
 * does not mark retired: today kimi-k3 first, then kimi-k3.1-pro(-highspeed), kimi-k2.6,
 * kimi-k2.7-code(-highspeed), kimi-for-coding(-highspeed), k3 and k3-256k; see {@link
 * #models(String...)} and {@link #addModel}), and {@code POST /v1/tokenizers/estimate-token-count}
 * counts the messages. Beside chat it serves the files, balance and batch endpoints (at scale:
 * large uploads and batch files on disk, batches over time with {@link #batchDuration}), Kimi
 * Code's {@code GET /v1/usages} (a plan summary, a 5-hour and a daily window, a booster wallet),
 * {@code POST /v1/search} and {@code POST /v1/fetch} (markdown text), the stateless Responses API
 * (below) and three of Kimi's official tool formulas under {@code /v1/formulas}: {@code
 * moonshot/base64:latest} (fibers that encode or decode, answering {@code output}), {@code
 * moonshot/date:latest} (a {@code date} telling the date and time in a time zone) and {@code
 * moonshot/web-search:latest} (a {@code web_search} whose fibers answer {@code encrypted_output},
 * as Kimi's does; another formula is answered 404 naming it); fibers can be made to stay {@code
 * pending} for a number of polls ({@link #fibersPendingFor}). Requests without a bearer key (or,
 * after {@link #requireApiKey}, without that key) get 401; unknown paths get 404.
 *
 * <p><b>As strict as Kimi, by default.</b> The model's rules come from its {@link
 * io.github.kimisdk.model.ModelInfo} in the core's table (and the limits from the core's constants,
 * such as {@link io.github.kimisdk.chat.ChatRequest#MAX_TOOLS}), not from copies, and a request
 * that breaks one gets Kimi's status, {@code type} and message: a model not in {@code /models} is
 * 404 {@code resource_not_found_error} ("Not found the model X or Permission denied"), as a model
 * Moonshot retired is by default (list one with {@link #addModel} to have it served); every other
 * refusal is 400 {@code invalid_request_error}: a sampling value the model fixes ("invalid top_p:
 * only 0.95 is allowed for this model"), thinking on a model that does not think or off on one that
 * always does ("invalid thinking: only type=enabled is allowed for this model"), {@code keep} where
 * the model has none, a {@code thinking.effort} the model does not list ("Unsupported value:
 * 'thinking.effort' does not support 'xhigh' with this model. Supported values are: ..."; an effort
 * with thinking switched off is ignored, as the table says), images or video the model cannot read
 * (or an http(s) URL of them: "unsupported image url"), a tool schema that is not Moonshot Flavored
 * JSON Schema ("tools.function.parameters is not a valid moonshot flavored json schema, details:
 * &lt;At path '...': ...&gt;" in walle's words; keywords outside MFJS, such as zod's {@code
 * $schema}, {@code const} or {@code format}, are taken as Kimi takes them; not checked for {@code
 * strict: false}), a history without {@code reasoning_content} where a thinking model needs it, and
 * a prompt plus {@code max_completion_tokens} over the window ("Your request exceeded model token
 * limit: N"), and a {@code response_format} that is not {@code text}, {@code json_object} or a
 * {@code json_schema} with a {@code name}, an object {@code schema} and a boolean {@code strict}.
 * Where kimi-api.md records no wording the message follows Kimi's nearest template. {@link
 * #lenient()} switches these checks off for tests about something else.
 *
 * <p><b>And no stricter.</b> What Moonshot takes and does nothing with, the fake takes, answers as
 * if absent, and says it did ({@link RecordedRequest#ignoredFields()}, and after the request's
 * {@code --verbose} line): a top-level field Moonshot does not document (such as {@code seed}), a
 * {@code thinking} object sent to kimi-k3.1-pro (which takes no thinking field and always reasons),
 * and a {@code reasoning_effort} level the model does not list (it reasons at its default). The
 * SDK's client refuses each before sending, unless the team marks the field deliberate; the fake
 * shows what production does with one sent anyway.
 *
 * <p><b>K3's contract.</b> kimi-k3 (and Kimi Code's k3 and k3-256k) answer as Moonshot's vendor
 * contract tests demand (Kimi-Vendor-Verifier {@code tests/k3_features}; every one of their
 * requests, streamed and not, is a case in this class's tests): a system message may declare tools,
 * {@code {"role":"system","content":"","tools":[...]}}, at any position, several per message, in
 * several messages and beside the request's {@code tools}; the model calls them like any other
 * tool. Refused with 400: tools on any other role, content beside them, {@code tools} that is not
 * an array of objects, a tool that is not {@code type: "function"} or lacks {@code function} or its
 * {@code name}, an invalid name, a name declared twice anywhere ("function name X is duplicated"),
 * and a tool message without {@code tool_call_id}; every other model answers a message with tools
 * "tokenization failed". {@code tool_choice} is {@code auto}, {@code none} or {@code required}, and
 * {@code required} needs a tool (in {@code tools} or in a message); any other value is refused, the
 * named-function form while thinking. {@code thinking.type: "disabled"} is taken (the answer has no
 * {@code reasoning_content}, and {@code keep} and the efforts are then ignored), a missing {@code
 * type} means enabled, {@code keep} other than {@code "all"} while thinking is refused ("invalid
 * thinking: only keep=all is allowed for this model"), and {@code thinking.effort} and {@code
 * reasoning_effort} may both be sent. Its history needs {@code reasoning_content} only on tool-call
 * messages. A tool message needs no {@code name}, and every role's content may be a list of text
 * parts, as the official OpenAI client sends them (for every model).
 *
 * <p>With tools declared (in {@code tools} or in system messages), the default model calls them,
 * deterministically: the tools named in the last user message are called in the order named, with
 * the word "then" separating turns (tools named within one turn are called in parallel); with none
 * named, the tool whose name shares most words with the message ({@code get_weather} for "what is
 * the weather?"), or else the first declared. Arguments satisfy the tool's schema, taking {@code
 * name=value} (or {@code name="quoted value"}) pairs from the message. Once a turn's results are
 * present it calls the next turn's tools, and after the last turn it answers by quoting the
 * results. Asked for a summary (a last user message that says "summary", "summarize" or
 * "summarise", with {@code tool_choice} {@code none}, as an agent's compaction asks), it answers
 * with one of the work so far: the task, the turns of tool calls done ("Turns done: N"), each
 * result with its call's arguments, and what is open; a later request whose last user message holds
 * that summary goes on from the next turn of the task, which is the user message before it. Call
 * ids are unique across the conversation unless {@link #toolCallIds(ToolCallIds)} asks for K3's
 * per-turn ids, and a stream can be made to send them blank or not at all ({@link
 * #streamedToolCallIds(StreamedToolCallIds)}). {@code $web_search} is answered as Kimi does: the
 * call carries a search id, the echoed arguments come back as the tool result, and the answer
 * follows. Like Kimi it rejects with 400 {@code invalid_request_error}: more than 128 tools,
 * invalid or duplicate names, {@code required} or a named tool choice while the model thinks (but
 * K3 takes {@code required}), and, for a thinking model, an assistant tool-call message without
 * {@code reasoning_content}; it also rejects tool calls left unanswered, tool messages that answer
 * no open call, and a changed {@code $web_search} result. With {@code response_format} {@code
 * json_object} it answers a JSON object, with {@code json_schema} an instance of the schema with
 * every property filled, required or not, from {@code name=value} pairs of the message where it
 * gives them (its tokens count in the prompt).
 *
 * <p>Scripted responses ({@link #enqueue(FakeResponse)}) are served first, in order, whatever the
 * path; then a {@link #respondWith responder}, if set. Every request is recorded as it was sent.
 * The typed replies {@link FakeResponse#reply(String)} and {@link FakeResponse#toolCalls} script
 * only what the model says: the model writes them out for the request they answer, streamed or not,
 * over any of the three protocols, after checking it as Kimi would.
 *
 * <p>{@code POST /v1/messages} (below {@link #anthropicBaseUrl()}, or the server root) is Kimi's
 * Anthropic-compatible surface, served by the same model and rules: it requires a key ({@code
 * x-api-key}, or a bearer token as newer Anthropic clients send) and {@code anthropic-version},
 * answers with Messages shapes ({@code msg_} ids, the input tokens already in {@code
 * message_start}, thinking blocks carrying a signature that must come back unchanged, or empty or
 * left out, as Kimi Code's K3 signs), translates scripted chat-completions responses into Messages
 * shapes, and answers any other path below {@link #anthropicBaseUrl()} with an Anthropic-shaped
 * 404. A responder sees a Messages call as the chat-completions request it stands for (system
 * prompt, messages with a prefill marked {@code "partial": true}, {@code max_completion_tokens},
 * tools, thinking), so one responder serves both protocols; {@link #takeRequest()} returns the
 * request as it was sent. The official OpenAI and Anthropic client libraries work against it
 * (tested with their Node versions).
 *
 * <p>{@code POST /v1/responses} is Kimi's Responses API, stateless, served the same way: it needs a
 * bearer key, refuses with 400 what Kimi refuses there ({@code store: true}, {@code
 * previous_response_id}, {@code conversation}, a missing {@code model} or {@code input}, an input
 * item of an unknown type or role, a tool that is not a function), and otherwise stands for a
 * chat-completions request (instructions and system or developer items as system messages,
 * reasoning, assistant message and function call items as one assistant message, function call
 * outputs as tool messages, {@code max_output_tokens}, {@code reasoning.effort} and {@code
 * text.format} in their chat spellings, other fields such as {@code thinking} passed on) that the
 * model and a responder answer. Completions come back as response objects (reasoning, message and
 * function call items, {@code incomplete} for a length or content-filter finish, usage with cached
 * tokens) and chunks as Responses events ending in {@code response.completed}; error envelopes,
 * other statuses and bodies that are not chat-completions JSON pass unchanged, so a scripted fault
 * stays one (a cut stream stays cut, an error chunk becomes an {@code error} event). openai-java's
 * client works against it.
 *
 * <p><b>Other hosts, and overload.</b> {@link #dialect} makes the chat completions surface speak as
 * another host of Kimi's models does (vLLM, SGLang, OpenRouter, Fireworks, Together: their model
 * ids, thinking switch, reasoning fields, tool-call ids and errors), and {@link #failCalls} answers
 * a share of calls with the host's overload, a full queue or an error after a stream began, so a
 * fallback chain is tested offline; {@link #misconfigure} plays a host set up wrong (no reasoning
 * or tool parser, K2's parser on K3, an ignored thinking switch, a retired model id, no usage in a
 * stream), so a check of a team's host is tested against each fault. {@link #replicas} starts
 * several servers of one model, each with its own prefix cache and admission limit, and {@link
 * #serviceTime}, {@link #slowFirstToken} and {@link #cutStreams} make each answer take time, a
 * stream slow to its first chunk, or a stream cut after some of its chunks; the model continues a
 * reply in each host's form (Moonshot's {@code partial}, vLLM's and SGLang's {@code
 * continue_final_message}, OpenRouter's prefill) without repeating it.
 *
 * <p><b>In a test, or as a process.</b> {@link FakeKimiExtension} gives a JUnit 5 test a started
 * server and a client; {@link #main} runs one as a process an application is pointed at by its
 * configuration ({@code java -jar kimi-sdk-testing-VERSION-standalone.jar --port 8089}).
 *
 * <p><b>Real traffic, recorded and replayed.</b> With a {@link #cassette(Cassette) cassette} the
 * server is a recording proxy in front of Kimi, or answers from what was recorded, byte for byte,
 * in a CI without a key; a request it holds no answer for is a loud miss, never a made-up answer.
 * {@link #tls()} serves HTTPS, for a client whose TLS path is under test. Each {@link
 * RecordedRequest} tells the {@link RecordedRequest#status() status} and {@link
 * RecordedRequest#error() error} it was answered with.
 *
 * <pre>{@code
 * try (FakeKimiServer server = new FakeKimiServer().start();
 *     KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl()).build()) {
 *   server.enqueue(FakeResponse.error(429,
 *       "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}"));
 *   assertThrows(EngineOverloadedException.class,
 *       () -> kimi.chat(ChatRequest.of("kimi-k2.6", "hi")));
 *   assertEquals("You said: hi", kimi.chat(ChatRequest.of("kimi-k2.6", "hi")).text());
 * }
 * }</pre>
 */
public final class FakeKimiServer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.testing");

  /** The path of file uploads, whose bodies may be large. */
  static final String UPLOADS = "/v1/files";

  private static final AtomicInteger SERVERS = new AtomicInteger();

  /**
   * The JDK's HTTP server property that sets {@code TCP_NODELAY} on its connections. Without it the
   * server writes a response's headers and body as two small segments and Nagle's algorithm holds
   * the body until the client acknowledges the headers, which a client delays by some 40 ms: each
   * exchange on a kept-alive connection then took about 50 ms on loopback instead of one or two. It
   * is read once, when the JVM's first HTTP server starts, so it is set here, unless the process
   * set it.
   */
  static final String NODELAY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
  }

  private final Queue<FakeResponse> script = new ConcurrentLinkedQueue<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<RecordedRequest> unclaimed = new LinkedBlockingQueue<>();
  private final Semaphore disconnects = new Semaphore(0);
  private final AtomicInteger disconnectCount = new AtomicInteger();
  private final AtomicInteger dropCount = new AtomicInteger();
  private final AtomicInteger activeExchanges = new AtomicInteger();
  private final java.util.Set<Integer> busyPorts =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private boolean trackConnections;
  private ConnectionRelay relay;
  private final Object changes = new Object(); // notified when a connection or exchange changes
  private final FakeModel model;
  private final FakePlatform platform;
  private final FakeServices services;
  private final FakeRateLimit rateLimit;
  private final FakeServing serving = new FakeServing();
  private final FakeSurface.Backend backend = new ServerBackend();
  private volatile Function<RecordedRequest, FakeResponse> responder = r -> null;
  private HttpServer server;
  private ExecutorService executor;
  private volatile boolean closed;
  private volatile Duration latency = Duration.ZERO;
  private volatile List<byte[]> requiredKeys = List.of(); // UTF-8; empty: any non-blank key
  private volatile boolean recording = true;
  private volatile Consumer<String> requestLog; // null: quiet
  private volatile boolean requestLogHeaders; // each request's headers under its line
  private volatile FakeErrors errors = FakeErrors.NONE;
  private volatile FakeDialect dialect = FakeDialect.MOONSHOT;
  private volatile FakeMisconfiguration misconfiguration = FakeMisconfiguration.NONE;
  private volatile CassetteDeck deck; // null: no cassette
  private volatile Consumer<String> warnings = m -> LOG.log(System.Logger.Level.WARNING, m);
  private final FakeSurface.Backend judging = new JudgingBackend();
  private String urlHost = "127.0.0.1"; // the host in baseUrl(); guarded by this
  private boolean tlsAsked; // guarded by this
  private FakeTls tls; // given, or made at start; null while none; guarded by this

  /** Creates a server; call {@link #start()} before use. */
  public FakeKimiServer() {
    this(Clock.systemUTC());
  }

  /**
   * Creates a server whose generated {@code created} timestamps and ids come from {@code clock}.
   *
   * @param clock the clock for generated responses
   */
  public FakeKimiServer(Clock clock) {
    this.model = new FakeModel(Objects.requireNonNull(clock, "clock"));
    this.platform = new FakePlatform(clock, this::answerChat);
    this.services = new FakeServices(clock);
    this.rateLimit = new FakeRateLimit(clock);
  }

  /**
   * Enforces an organisation requests-per-minute limit as Kimi does: once {@code limit} requests
   * were accepted within the last 60 seconds of the server's clock, further requests to any path
   * get HTTP 429 {@code rate_limit_reached_error} ("request reached organization max RPM: N, please
   * try again after T seconds") with a {@code Retry-After: T} header, T being the seconds until a
   * slot frees. Refused requests do not count against the limit; scripted responses are served only
   * to accepted requests.
   *
   * @param limit the requests per minute, at least 1; 0 switches the limit off
   * @return this server
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public FakeKimiServer requestsPerMinute(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (off) or positive: " + limit);
    }
    rateLimit.limit(limit);
    return this;
  }

  /**
   * Enforces an organisation concurrency limit as Kimi does: a request that arrives while {@code
   * limit} accepted requests are still being answered gets HTTP 429 {@code
   * rate_limit_reached_error} ("request reached organization max concurrency: N, please try again
   * after 1 seconds") with {@code Retry-After: 1}. A request counts until its answer is handed to
   * the connection (a stream's, until it ends). In the {@code vllm} and {@code sglang} {@linkplain
   * #dialect dialects} a chat call past the limit gets the host's own refusal when its queue is
   * full instead, as a server started with {@code --max-num-queued-reqs} or {@code
   * --max-queued-requests} refuses it: vLLM's 503 "The engine is currently busy and cannot accept
   * new requests. ...", SGLang's 503 "The request queue is full." or, for a stream, its error event
   * naming 503 on the stream's 200.
   *
   * @param limit the requests answered at once, at least 1; 0 switches the limit off
   * @return this server
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  public FakeKimiServer maxConcurrency(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (off) or positive: " + limit);
    }
    rateLimit.maxConcurrency(limit);
    return this;
  }

  /**
   * Answers a share of the chat calls ({@code POST /v1/chat/completions}) from now on with errors,
   * each exactly as the host of the server's {@linkplain #dialect dialect} sends it (Kimi, by
   * default), as {@code --errors} does for the process: a team tests what its code does when Kimi
   * refuses or a host is overloaded (a fallback chain, a row kept with its reason), without
   * scripting each answer. The spec is {@code KIND=SHARE[,KIND=SHARE...]}, each share a decimal in
   * (0, 1], their sum at most 1, with the kinds
   *
   * <ul>
   *   <li>{@code quota}: 429 {@code exceeded_current_quota_error}, the account's balance spent,
   *       which no retry helps;
   *   <li>{@code rate-limit}: 429 {@code rate_limit_reached_error} with {@code Retry-After: 1}, the
   *       organisation's limit;
   *   <li>{@code overloaded}: the host busy whatever the account: Kimi's 429 {@code
   *       engine_overloaded_error}; vLLM's and SGLang's full queue (as {@code queue-full}),
   *       OpenRouter's 502 "Provider returned error", Fireworks' 503, Together's 503 "Engine
   *       Overloaded";
   *   <li>{@code queue-full}: the host's refusal for its concurrency: vLLM's 503 "The engine is
   *       currently busy and cannot accept new requests. ...", SGLang's "The request queue is
   *       full." (a 503, or for a stream an error event naming 503 on its 200, before any chunk),
   *       the other hosts' 503 with SGLang's words in their envelope;
   *   <li>{@code stream-error}: a streamed call's 200 stream sends its role chunk and its first
   *       chunk of output, then fails as the host fails a stream that began: OpenRouter with a
   *       chunk carrying a top-level {@code error} ({@code "code":"server_error"}) and {@code
   *       finish_reason: "error"}, the others with {@code data: {"error":{...}}} then {@code data:
   *       [DONE]}; a call that is not streamed is answered as usual.
   * </ul>
   *
   * <p>In another dialect than Moonshot's, {@code quota} and {@code rate-limit} keep Kimi's status
   * and words in the host's envelope, as a gateway passes a Moonshot account's errors on. The
   * bodies of every dialect are in the testing guide ({@code docs/testing.md}, "Hosts and
   * overload"). In Moonshot's, each error is Kimi's body with its request id header, for example
   *
   * <pre>{@code
   * HTTP/1.1 429
   * Msh-request-id: fake-6b08e78b-e1
   * Content-type: application/json
   *
   * {"error":{"message":"You exceeded your current token quota: <org-fake> 0, please check your
   * account balance","type":"exceeded_current_quota_error"}}
   * }</pre>
   *
   * <p>Which calls fail is decided, not drawn: counting the chat calls that reach the model from
   * this call on (after the key check, the rate limits and any {@linkplain #enqueue scripted}
   * response), call {@code i} (from 0) fails when {@code floor((i+1)T) > floor(iT)}, {@code T} the
   * sum of the shares. So {@code "quota=0.5"} fails calls 1, 3, 5, ..., {@code "quota=1"} every
   * call, {@code "overloaded=0.25"} calls 3, 7, 11, .... Of several kinds, a failing call takes the
   * first kind, in the order given, that has failed fewer of the first {@code i+1} calls than its
   * share of them says ({@code floor((i+1)S) - floor((i+1)S')}, {@code S} the sum of the shares up
   * to and including it, {@code S'} before it): each kind's calls are spread evenly. Other
   * endpoints, and the Messages and Responses surfaces, are answered as usual.
   *
   * <pre>{@code
   * server.failCalls("quota=0.5");         // every second chat call: 429, out of quota
   * server.failCalls("rate-limit=0.1,overloaded=0.1");
   * server.dialect("sglang").failCalls("overloaded=0.5"); // every second: SGLang's full queue
   * server.failCalls("");                  // none again
   * }</pre>
   *
   * @param errors the kinds and their shares; blank for none
   * @return this server
   * @throws IllegalArgumentException if a kind is unknown or named twice, a share is not a decimal
   *     in (0, 1], or the shares add up to more than 1
   */
  public FakeKimiServer failCalls(String errors) {
    this.errors = FakeErrors.parse(Objects.requireNonNull(errors, "errors"));
    return this;
  }

  /**
   * Speaks chat completions as the host {@code host} names does, in front of the same model and
   * Kimi's rules for it ({@code --dialect} on the command line), so a program written for Moonshot
   * is tested against each host it may run on, and a fallback chain offline, by changing the host
   * alone: {@code KimiClient.builder().host(Host.vllm(server.baseUrl()))}, or a preset at the
   * fake's URL ({@code Host.OPENROUTER.withBaseUrl(server.baseUrl())}). The names are {@code
   * Host.of}'s:
   *
   * <ul>
   *   <li>{@code moonshot} (the default; also {@code moonshot-cn} and {@code kimi-code}): Kimi's
   *       own API, as the rest of this class describes it;
   *   <li>{@code vllm}: the open weights under their Hugging Face names ({@code moonshotai/Kimi-K3}
   *       for kimi-k3; 404 "The model `kimi-k3` does not exist."), thinking switched by {@code
   *       chat_template_kwargs.thinking} ({@code enable_thinking} too) with {@code thinking_effort}
   *       and {@code preserve_thinking}, while Moonshot's {@code thinking} object is not read (K3
   *       then thinks, as on a real vLLM), reasoning answered under {@code reasoning} and read from
   *       the history only under {@code reasoning} (a {@code reasoning_content} there is dropped),
   *       tool calls numbered {@code functions.NAME:IDX} across the conversation, errors as {@code
   *       {"error":{"message","type","param","code"}}} with {@code code} the status, and no key
   *       needed unless {@link #requireApiKey};
   *   <li>{@code sglang}: as vLLM, but reasoning under {@code reasoning_content} both ways, flat
   *       errors {@code {"object":"error","message","type","param","code"}} (an unknown model is
   *       400);
   *   <li>{@code openrouter}: every model as {@code moonshotai/ID} (400 "... is not a valid model
   *       ID"), thinking switched by the {@code reasoning} object ({@code enabled}, {@code effort},
   *       {@code exclude}), reasoning answered under {@code reasoning} and {@code
   *       reasoning_details} and read from either, errors as {@code
   *       {"error":{"code","message","metadata"}}} (the model's refusals wrapped as "Provider
   *       returned error"), a keep-alive comment first in a stream and its usage always last;
   *   <li>{@code fireworks}: {@code accounts/fireworks/models/ID} with a dot between digits written
   *       {@code p} ({@code kimi-k2p6}), thinking switched by {@code reasoning_effort} ({@code
   *       none}: off) or the {@code thinking} object of {@code type} and {@code budget_tokens}
   *       (never both), {@code reasoning_history}, {@code reasoning_content}; a strict schema: a
   *       message member it does not declare (a tool message's {@code name}), a {@code thinking}
   *       member beyond those two, or both switches at once, are refused with 400 "Extra inputs are
   *       not permitted" or its like;
   *   <li>{@code together}: {@code moonshotai/ID} (K2.x capitalised, {@code moonshotai/Kimi-K2.6}),
   *       thinking switched by {@code reasoning.enabled} and its effort by the top-level {@code
   *       reasoning_effort} ({@code reasoning.effort} is not read), {@code reasoning} out.
   * </ul>
   *
   * <p>{@link RecordedRequest#asRead()} tells what the model behind the host read of each call.
   * Kimi's rules for the model behind the id still apply (a K3 sampling value it fixes is refused,
   * in the host's envelope), but a host never refuses a history for missing reasoning: it renders
   * what it is given. Only {@code POST /v1/chat/completions} and {@code GET /v1/models} speak the
   * dialect; the other endpoints and surfaces stay Kimi's, as do scripted responses, which are sent
   * as they are, and the limits of {@link #maxConcurrency} and {@link #requestsPerMinute} (Kimi's
   * 429s). Each host's fields, with their sources: the testing guide ({@code docs/testing.md},
   * "Hosts and overload").
   *
   * <pre>{@code
   * FakeKimiServer vllm = new FakeKimiServer().dialect("vllm").start();
   * KimiClient kimi = KimiClient.builder().host(Host.vllm(vllm.baseUrl())).build();
   * kimi.chat(ChatRequest.builder("kimi-k3").addUser("hi").thinking(Thinking.disabled()).build());
   * // the fake read "model":"moonshotai/Kimi-K3","chat_template_kwargs":{"thinking":false}
   * }</pre>
   *
   * @param host the host's name, in any case
   * @return this server
   * @throws IllegalArgumentException if the name is none of these
   */
  public FakeKimiServer dialect(String host) {
    this.dialect = FakeDialect.of(Objects.requireNonNull(host, "host"));
    return this;
  }

  /**
   * Plays a host of Kimi's model set up wrong ({@code --misconfigure} on the command line), in the
   * server's {@linkplain #dialect dialect}, so that a check of a team's host (kimi-sdk-hostcheck's
   * {@code HostCheck.verify}, Moonshot's vendor verifier) is tested against each fault it must
   * name: the faults that make hosts get Kimi wrong, as vLLM's and SGLang's {@code kimi_k2} and
   * {@code kimi_k3} parsers leave them. The spec is {@code KIND[,KIND...]}, with the kinds
   *
   * <ul>
   *   <li>{@code no-reasoning-parser}: the model's raw output in {@code content} and no reasoning
   *       field (no {@code --reasoning-parser}): K3's channels {@code
   *       <|open|>think<|sep|>...<|close|>think<|sep|><|open|>response<|sep|>...<|close|>response<|sep|><|close|>message<|sep|>},
   *       K2's {@code <think>...</think>};
   *   <li>{@code k2-reasoning-parser}: K3 served with K2's reasoning parser, which knows none of
   *       K3's markers: with thinking on, vLLM's passes the whole output on as reasoning (K3's
   *       channel markers in it, no content), SGLang's as content; with thinking off, as content on
   *       both; a K2 model is split as usual;
   *   <li>{@code ignores-thinking-switch}: thinking off is not read and the model thinks (the
   *       request is still judged as sent);
   *   <li>{@code no-tool-parser}: tool calls as Kimi's raw markers in {@code content} ({@code
   *       <|open|>tools<|sep|><|open|>call tool="get_weather" index="1"<|sep|>...} for K3, {@code
   *       <|tool_calls_section_begin|>...} for K2) and {@code finish_reason} {@code stop};
   *   <li>{@code no-stream-usage}: no usage in a stream, whatever {@code stream_options} asks;
   *   <li>{@code retired=MODEL}: Kimi's {@code MODEL} is no longer served: left out of {@code GET
   *       /v1/models}, and a call naming it gets the host's own 404 (vLLM: 404 {@code
   *       NotFoundError} "The model `moonshotai/Kimi-K3` does not exist."; Moonshot: 404 "Not found
   *       the model kimi-k3 or Permission denied"). It stays retired; {@link #addModel} serves it
   *       again.
   * </ul>
   *
   * <pre>{@code
   * FakeKimiServer vllm = new FakeKimiServer().dialect("vllm")
   *     .misconfigure("no-reasoning-parser,no-tool-parser").start();
   * // a K3 reply: "content":"<|open|>think<|sep|>The user wrote ...<|close|>think<|sep|>..."
   * }</pre>
   *
   * <p>The faults apply to the model's answers to {@code POST /v1/chat/completions}, scripted
   * replies included; other endpoints, the other surfaces, errors and scripted responses that are
   * not typed replies are answered as usual.
   *
   * @param spec the faults; blank for a server set up right (a retired model stays retired)
   * @return this server
   * @throws IllegalArgumentException if a kind is unknown or named twice, or {@code retired=} names
   *     no model
   */
  public FakeKimiServer misconfigure(String spec) {
    FakeMisconfiguration m = FakeMisconfiguration.parse(Objects.requireNonNull(spec, "spec"));
    for (String id : m.retired()) {
      model.models.remove(id);
      model.order.remove(id);
    }
    this.misconfiguration = m;
    return this;
  }

  /**
   * Returns the most requests that were open at once, counting each arrival, refused or not: above
   * {@link #maxConcurrency(int)} when clients sent more than it allows.
   *
   * @return the peak
   */
  public int peakConcurrency() {
    return rateLimit.peak();
  }

  /**
   * Makes the official tools' fibers started from now on run a while, as a slow one does on Kimi:
   * {@code POST /v1/formulas/{uri}/fibers} answers {@code "status":"pending"}, and polling {@code
   * GET /v1/formulas/{uri}/fibers/{id}} answers {@code pending} until the {@code polls}-th poll,
   * which answers the result. {@code Integer.MAX_VALUE} keeps them pending for good; 0 (the
   * default) answers the result at once.
   *
   * @param polls the poll that finishes each fiber; 0 for none
   * @return this server
   * @throws IllegalArgumentException if {@code polls} is negative
   */
  public FakeKimiServer fibersPendingFor(int polls) {
    services.formulas.pendingFor(polls);
    return this;
  }

  /**
   * Makes every batch created from now on take {@code duration} on the server's clock (the one
   * given to {@link #FakeKimiServer(Clock)}, or the system's), as a batch does on Kimi ({@code
   * --batch-duration} on the command line): {@code validating} when created, then {@code
   * in_progress} with its {@code request_counts} growing in proportion to the time passed, then
   * {@code completed}. A test on a clock of its own (a {@link FakeClock}) moves its batches by
   * moving the clock, without waiting. A duration longer than a batch's completion window ends the
   * batch {@code expired} at the window, with the lines answered by then. Zero (the default)
   * answers a batch whole when it is created. A batch advances when it is read (got, listed,
   * cancelled).
   *
   * <pre>{@code
   * FakeClock clock = new FakeClock(Instant.now());
   * FakeKimiServer server = new FakeKimiServer(clock).batchDuration(Duration.ofHours(2)).start();
   * // create a batch, then
   * clock.advance(Duration.ofHours(1));              // GET /v1/batches/{id}: half its lines done
   * }</pre>
   *
   * @param duration the time a batch takes; not negative
   * @return this server
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public FakeKimiServer batchDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    platform.batches().duration(duration);
    return this;
  }

  /**
   * Makes every {@code n}-th line of each batch created from now on fail, as a line Kimi could not
   * answer ({@code --batch-line-failures} on the command line): its result goes to the batch's
   * error file with status 500 and {@code server_error} ("The server had an error while processing
   * your request"), and counts as {@code failed}. Deterministic: lines {@code n}, {@code 2n}, ...
   * of each batch's input. A line can also fail by what it asks, as any chat request does: the
   * model's rules, or a {@link #respondWith responder}'s answer.
   *
   * @param n every how many lines one fails, at least 1; 0 (the default) for none
   * @return this server
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public FakeKimiServer batchLineFailures(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be 0 (none) or positive: " + n);
    }
    platform.batches().failEvery(n);
    return this;
  }

  /**
   * Returns how many batches were created ({@code POST /v1/batches} answered with a batch): a test
   * that resumes a run checks that none was created twice.
   *
   * @return the count
   */
  public int batchesCreated() {
    return platform.batches().created();
  }

  /**
   * Switches off the checks that make the fake as strict as Kimi: any model id is answered (as the
   * built-in catalog describes it), and sampling, thinking, effort, media, tool schema, preserved
   * thinking, context window, response format and K3's tool choice values are not checked, and
   * every model takes tools declared in system messages. Tool names (also of tools declared in
   * messages), tool choice with thinking, tool history and {@code reasoning_content} on tool-call
   * messages are still checked, as before the fake became strict. For tests about something else;
   * call before or after {@link #start()}.
   *
   * @return this server
   */
  public FakeKimiServer lenient() {
    model.lenient = true;
    return this;
  }

  /**
   * Refuses a chat request whose body is larger than {@code bytes}, as Kimi Code refuses one over
   * its 2 MiB ({@code KimiClient.KIMI_CODE_MAX_REQUEST_BYTES}): 400 {@code invalid_request_error}
   * "total message size N exceeds limit L", before anything else is checked. Zero (the default)
   * sets no limit.
   *
   * <pre>{@code
   * server.maxRequestBytes(KimiClient.KIMI_CODE_MAX_REQUEST_BYTES); // as Kimi Code
   * }</pre>
   *
   * @param bytes the largest body taken, or 0 for no limit
   * @return this server
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public FakeKimiServer maxRequestBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("maxRequestBytes must not be negative: " + bytes);
    }
    model.maxRequestBytes = bytes;
    return this;
  }

  /**
   * Chooses the ids of the tool calls the built-in model makes. By default they are unique across
   * the conversation, as kimi-k2.x sends them ({@code functions.get_weather:3}); {@link
   * ToolCallIds#PER_TURN} numbers each turn's calls from 0 as K3 does ({@code get_weather:0}), so
   * the same id comes back in later turns, and a client must pair each tool result with the call of
   * its own turn. The fake's history check pairs them that way too.
   *
   * <pre>{@code
   * server.toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN);
   * // turn 1 calls get_weather:0, turn 2 (after its result) calls get_weather:0 again
   * }</pre>
   *
   * @param ids how the ids are made
   * @return this server
   * @throws NullPointerException if {@code ids} is null
   */
  public FakeKimiServer toolCallIds(ToolCallIds ids) {
    model.toolCallIds = Objects.requireNonNull(ids, "ids");
    return this;
  }

  /**
   * Chooses what the first delta of each streamed tool call carries as its {@code id}: the call's
   * id (the default), an empty string, or no {@code id} at all, as K3's streams sometimes do; the
   * client must then give the call an id of its own and use it in the history it sends back. The
   * non-streamed answer and the Anthropic-compatible surface always carry the id.
   *
   * <pre>{@code
   * server.toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN)
   *     .streamedToolCallIds(FakeKimiServer.StreamedToolCallIds.BLANK);
   * // data: {... "delta":{"tool_calls":[{"index":0,"id":"","type":"function",...}]} ...}
   * }</pre>
   *
   * @param ids what a streamed call's first delta carries
   * @return this server
   * @throws NullPointerException if {@code ids} is null
   */
  public FakeKimiServer streamedToolCallIds(StreamedToolCallIds ids) {
    model.streamedIds = Objects.requireNonNull(ids, "ids");
    return this;
  }

  /** How the built-in model makes the ids of its tool calls; see {@link #toolCallIds}. */
  public enum ToolCallIds {
    /**
     * Unique across the conversation, counting every call so far: {@code functions.get_weather:0},
     * then {@code functions.get_weather:1} in the next turn (kimi-k2.x's shape).
     */
    UNIQUE,
    /**
     * Numbered from 0 within each turn, as K3 sends them: {@code get_weather:0} in every turn that
     * calls get_weather first, so ids recur across the conversation.
     */
    PER_TURN
  }

  /**
   * What a streamed tool call's first delta carries as its id; see {@link #streamedToolCallIds}.
   */
  public enum StreamedToolCallIds {
    /** The call's id. */
    SENT,
    /** An empty string: {@code "id":""}. */
    BLANK,
    /** No {@code id} member at all. */
    OMITTED
  }

  /**
   * Replaces the models the fake lists and answers with these, described by {@link
   * io.github.kimisdk.model.ModelCatalog#defaults()} (an id it does not know gets {@link
   * io.github.kimisdk.model.ModelInfo#unknown conservative defaults}), in this order.
   *
   * @param ids the model ids, at least one
   * @return this server
   * @throws IllegalArgumentException if {@code ids} is empty
   */
  public FakeKimiServer models(String... ids) {
    if (ids.length == 0) {
      throw new IllegalArgumentException("list at least one model");
    }
    model.clearModels();
    for (String id : ids) {
      model.addModel(io.github.kimisdk.model.ModelCatalog.defaults().lookup(id));
    }
    return this;
  }

  /**
   * Adds a model to the list (or replaces the entry with the same id), answered by its rules.
   *
   * <pre>{@code
   * server.addModel(ModelInfo.builder("my-proxy-model").contextWindow(8_000).build());
   * }</pre>
   *
   * @param info the model
   * @return this server
   * @throws NullPointerException if {@code info} is null
   */
  public FakeKimiServer addModel(io.github.kimisdk.model.ModelInfo info) {
    model.addModel(Objects.requireNonNull(info, "info"));
    return this;
  }

  /**
   * Returns the ids the fake lists in {@code GET /v1/models}, in order; chat requests for any other
   * model get 404 unless the server is {@link #lenient()}.
   *
   * @return the ids
   */
  public List<String> modelIds() {
    return List.copyOf(model.order);
  }

  /**
   * Returns how many requests the {@link #requestsPerMinute(int)} and {@link #maxConcurrency(int)}
   * limits refused.
   *
   * @return the count of 429 rate-limit answers
   */
  public int rateLimitedCount() {
    return rateLimit.rejected();
  }

  /**
   * Delays every answer by {@code latency} before its status line, as a slow network or a busy
   * model would ({@code --latency} on the command line). A scripted response's own delay ({@link
   * FakeResponse#withHeadersDelay}) comes on top.
   *
   * @param latency the delay; zero for none
   * @return this server
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public FakeKimiServer latency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    this.latency = latency;
    return this;
  }

  /**
   * Makes each answer to a chat call take {@code time} on the server ({@code --service-time} on the
   * command line), as a replica busy generating it would, while the call holds its place under
   * {@link #maxConcurrency}: a whole reply's status line comes after it, a stream's headers at once
   * and its first chunk after it. Unlike {@link #latency}, a refusal (past {@code maxConcurrency},
   * a rule broken, a {@link #failCalls} error) and a scripted response are answered at once. So two
   * servers with {@code maxConcurrency(2)} and {@code serviceTime(Duration.ofMillis(250))} are two
   * vLLM replicas that each answer two calls at once in 250 ms and refuse a third.
   *
   * @param time the time each answer takes; zero (the default) for none
   * @return this server
   * @throws IllegalArgumentException if {@code time} is negative
   */
  public FakeKimiServer serviceTime(Duration time) {
    Objects.requireNonNull(time, "time");
    if (time.isNegative()) {
      throw new IllegalArgumentException("time must not be negative: " + time);
    }
    serving.serviceTime(time);
    return this;
  }

  /**
   * Makes every {@code every}-th streamed answer from now on wait {@code delay} for its first chunk
   * instead of the {@link #serviceTime service time}, as a replica slow to its first token does
   * ({@code --slow-first-token EVERY:MS}): its headers come at once, its chunks after the wait. The
   * streams are counted from this call on, continuations included; {@code slowFirstToken(5,
   * Duration.ofSeconds(3))} makes the 5th, 10th, 15th, ... stream wait 3 s.
   *
   * @param every every how many streams one is slow; 0 for none
   * @param delay that stream's wait for its first chunk
   * @return this server
   * @throws IllegalArgumentException if {@code every} or {@code delay} is negative
   */
  public FakeKimiServer slowFirstToken(int every, Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (every < 0 || delay.isNegative()) {
      throw new IllegalArgumentException(
          "every and delay must not be negative: " + every + ", " + delay);
    }
    serving.slowFirstToken(every, delay);
    return this;
  }

  /**
   * Cuts every {@code every}-th streamed answer from now on after its {@code afterChunks}-th chunk
   * of output (reasoning, content or a tool call), closing the connection without {@code data:
   * [DONE]}, as a replica that fails or restarts mid-answer does ({@code --cut-streams
   * EVERY:AFTER}). The streams are counted from this call on; a stream that continues a reply (in
   * the dialect's form: Moonshot's {@code partial}, vLLM's {@code continue_final_message}, ...) is
   * neither counted nor cut, so the caller's continuation of a cut answer finishes it. {@code
   * cutStreams(2, 5)} cuts the 2nd, 4th, 6th, ... stream after 5 chunks of output; with the
   * built-in model, a user message of 10 words gets a reply of 12 chunks ("You said:" and the
   * words), and its continuation brings the other 7, each word once.
   *
   * @param every every how many streams one is cut; 0 for none
   * @param afterChunks the chunks of output a cut stream sends, at least 1
   * @return this server
   * @throws IllegalArgumentException if {@code every} is negative, or {@code afterChunks} is not
   *     positive while {@code every} is
   */
  public FakeKimiServer cutStreams(int every, int afterChunks) {
    if (every < 0 || (every > 0 && afterChunks < 1)) {
      throw new IllegalArgumentException(
          "every must not be negative and afterChunks at least 1: " + every + ", " + afterChunks);
    }
    serving.cutStreams(every, every == 0 ? 0 : afterChunks);
    return this;
  }

  /**
   * Returns how many streams {@link #cutStreams} cut.
   *
   * @return the count
   */
  public int cutStreamCount() {
    return serving.cuts();
  }

  /**
   * Starts {@code count} servers on free ports, each made by {@code configure} from a new server
   * before it starts: replicas of one model behind no gateway, as a team runs two vLLM servers of
   * K3, each with its own prefix cache (a conversation's cached tokens are reported only by the
   * replica that served its earlier turns) and its own {@link #maxConcurrency admission limit},
   * requests, counts and faults ({@code --replicas N} on the command line). Close each, or all of
   * them with the list's servers in a try-with-resources.
   *
   * <pre>{@code
   * List<FakeKimiServer> replicas =
   *     FakeKimiServer.replicas(
   *         2, s -> s.dialect("vllm").maxConcurrency(2).serviceTime(Duration.ofMillis(250)));
   * KimiClient kimi =
   *     KimiClient.builder()
   *         .host(Host.vllm(replicas.get(0).baseUrl()))
   *         .fallback(Target.of(Host.vllm(replicas.get(1).baseUrl())))
   *         .build();
   * }</pre>
   *
   * @param count how many, at least 1
   * @param configure sets each server up before it starts
   * @return the started servers, in order
   * @throws IllegalArgumentException if {@code count} is not positive
   */
  public static List<FakeKimiServer> replicas(int count, Consumer<FakeKimiServer> configure) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    Objects.requireNonNull(configure, "configure");
    List<FakeKimiServer> started = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        FakeKimiServer s = new FakeKimiServer();
        configure.accept(s);
        started.add(s.start());
      }
    } catch (RuntimeException e) {
      started.forEach(FakeKimiServer::close);
      throw e;
    }
    return List.copyOf(started);
  }

  /**
   * Insists on one API key, as Kimi does ({@code --api-key} on the command line): a request whose
   * bearer token (or, on the Anthropic surface, {@code x-api-key}) is not {@code key} gets 401
   * {@code invalid_authentication_error} "Invalid Authentication" (an {@code authentication_error}
   * on the Anthropic surface), before any scripted response or rate limit. By default any non-blank
   * key is taken. The key is never logged or printed.
   *
   * @param key the key; null takes any key again
   * @return this server
   * @throws IllegalArgumentException if {@code key} is blank
   */
  public FakeKimiServer requireApiKey(String key) {
    return requireApiKeys(key == null ? List.of() : List.of(key));
  }

  /**
   * Insists on any one of {@code keys}, as {@link #requireApiKey(String)} does on one: the keys of
   * several tenants, or an old and a new key while a key is rotated. Switching the keys while calls
   * run is safe: each request is judged by the keys of the moment it arrives, so a test rotates a
   * key by taking both, moving its clients to the new one, then taking the new one alone.
   *
   * <pre>{@code
   * server.requireApiKeys(List.of(oldKey, newKey)); // the overlap
   * vault.set(newKey);                              // the clients' supplier
   * server.requireApiKey(newKey);                   // the old key is revoked: 401 from now on
   * }</pre>
   *
   * @param keys the keys taken; empty takes any key again
   * @return this server
   * @throws IllegalArgumentException if a key is blank
   */
  public FakeKimiServer requireApiKeys(Collection<String> keys) {
    List<byte[]> taken = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("key must not be blank");
      }
      taken.add(key.getBytes(StandardCharsets.UTF_8));
    }
    this.requiredKeys = List.copyOf(taken);
    return this;
  }

  /**
   * Records real Kimi traffic into a cassette, or answers from one ({@code --record URL --cassettes
   * DIR} and {@code --replay DIR} on the command line): see {@link Cassette}. Requests go through
   * this server as before (its key, its rate limits, scripted responses first, {@link
   * #requests()}), and then, instead of the responder and the built-in model, the cassette answers:
   * a recording forwards the request to the upstream and relays its answer (a stream as it comes);
   * a replay sends the recorded answer, byte for byte, after the fake's rules judged the request as
   * if it answered it, and a request it holds no answer for gets a 404 {@code cassette_miss_error}
   * naming the nearest recorded request and the difference (also logged, and printed on standard
   * error by the process). A miss is never answered by the built-in model. May be called before or
   * after {@link #start()}; the files are read here.
   *
   * <pre>{@code
   * // once, with a key: record
   * server.cassette(Cassette.record("https://api.moonshot.ai/v1", Path.of("cassettes/trip")));
   * // in CI, without one: replay
   * server.cassette(Cassette.replay(Path.of("cassettes/trip")));
   * }</pre>
   *
   * @param cassette the cassette; null returns to the built-in model
   * @return this server
   * @throws IllegalArgumentException if a file of the folder is not a recorded exchange (or of a
   *     later version), or a recording's folder holds recorded exchanges already
   * @throws java.io.UncheckedIOException if the folder cannot be read
   */
  public FakeKimiServer cassette(Cassette cassette) {
    return cassette(cassette, System::nanoTime);
  }

  /** {@link #cassette(Cassette)} with the clock that times a recorded stream's events. */
  FakeKimiServer cassette(Cassette cassette, java.util.function.LongSupplier nanos) {
    deck = cassette == null ? null : CassetteDeck.open(cassette, m -> warnings.accept(m), nanos);
    return this;
  }

  /** The cassette in use, or null. */
  CassetteDeck deck() {
    return deck;
  }

  /**
   * Hands {@code sink} what the server warns of (a cassette's misses, an upstream it cannot reach),
   * instead of its logger: the process prints them on standard error.
   */
  FakeKimiServer warnTo(Consumer<String> sink) {
    warnings = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /**
   * Stops keeping requests for {@link #takeRequest()} and {@link #requests()}: a server that runs
   * as a process serves for hours and nobody takes them.
   */
  FakeKimiServer forgetRequests() {
    recording = false;
    return this;
  }

  /**
   * Hands {@code sink} one line per request answered ({@link RequestLog}), as {@code --verbose}
   * prints them; null is quiet, the default. A request goes to the sink set when it came, once it
   * is answered; the sink is called on the server's threads, several at once.
   */
  FakeKimiServer logRequests(Consumer<String> sink) {
    return logRequests(sink, false);
  }

  /**
   * Hands {@code sink} one line per request answered, as {@link #logRequests(Consumer)} does, and
   * with {@code headers} the request's headers under it, one per line ({@link RequestLog#headers}):
   * what {@code --verbose} prints.
   */
  FakeKimiServer logRequests(Consumer<String> sink, boolean headers) {
    requestLog = sink;
    requestLogHeaders = headers;
    return this;
  }

  /**
   * Starts listening on {@code 127.0.0.1} on a free port.
   *
   * @return this server
   * @throws UncheckedIOException if the port cannot be opened
   * @throws IllegalStateException if already started or closed, or if the runtime lacks the {@code
   *     jdk.httpserver} module
   */
  public FakeKimiServer start() {
    return start(InetAddress.getLoopbackAddress(), 0);
  }

  /**
   * Starts listening on {@code 127.0.0.1} on the given port, as a server an application is pointed
   * at by its configuration (see {@link #main(String...)}).
   *
   * @param port the port; 0 picks a free one
   * @return this server
   * @throws IllegalArgumentException if {@code port} is not in [0, 65535]
   * @throws UncheckedIOException if the port cannot be opened (in use, for one)
   * @throws IllegalStateException if already started or closed, or if the runtime lacks the {@code
   *     jdk.httpserver} module
   */
  public FakeKimiServer start(int port) {
    return start(InetAddress.getLoopbackAddress(), port);
  }

  /**
   * Starts listening on the given address and port. The SDK sends plain HTTP only to loopback
   * addresses; another address serves other clients (a container's neighbours, say). A wildcard
   * address ({@code 0.0.0.0}, {@code ::}) listens on every interface, and {@link #baseUrl()} then
   * names {@code 127.0.0.1}.
   *
   * @param address the address to listen on
   * @param port the port; 0 picks a free one
   * @return this server
   * @throws IllegalArgumentException if {@code port} is not in [0, 65535]
   * @throws UncheckedIOException if the port cannot be opened (in use, for one)
   * @throws IllegalStateException if already started or closed, or if the runtime lacks the {@code
   *     jdk.httpserver} module
   */
  public synchronized FakeKimiServer start(InetAddress address, int port) {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    if (server != null || closed) {
      throw new IllegalStateException("FakeKimiServer can be started once");
    }
    requireHttpServer();
    if (tlsAsked && tls == null) {
      tls = FakeTls.generate(address);
    }
    InetSocketAddress listen = new InetSocketAddress(address, port);
    String where = address.getHostAddress() + " port " + port;
    int id = SERVERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-kimi-" + id + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      // with connection tracking the relay takes the address asked for, the server a free port
      InetSocketAddress bind =
          trackConnections ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : listen;
      // an HttpsServer is made in FakeTls: verifying this class must load no server class, so
      // that start() can say what to do when the runtime lacks jdk.httpserver
      server = tls != null ? tls.server(bind, 512) : HttpServer.create(bind, 512);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("FakeKimiServer cannot listen on " + where, e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    if (trackConnections) {
      try {
        relay =
            new ConnectionRelay(
                listen, server.getAddress(), "fake-kimi-" + id, busyPorts, this::changed);
      } catch (IOException e) {
        server.stop(0);
        server = null;
        executor.shutdownNow();
        throw new UncheckedIOException("FakeKimiServer cannot listen on " + where, e);
      }
    }
    urlHost =
        address.isAnyLocalAddress()
            ? "127.0.0.1"
            : address instanceof java.net.Inet6Address
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
    LOG.log(System.Logger.Level.DEBUG, () -> "FakeKimiServer listening on " + baseUrl());
    return this;
  }

  /**
   * Fails with what to do when the runtime lacks the JDK's HTTP server. On the module path the
   * module's {@code requires jdk.httpserver} sees to it; on the class path a runtime image built
   * without it, or {@code --limit-modules}, would make the first use a bare {@link
   * NoClassDefFoundError}.
   */
  private static void requireHttpServer() {
    Module own = FakeKimiServer.class.getModule();
    ModuleLayer layer = own.getLayer() != null ? own.getLayer() : ModuleLayer.boot();
    if (!layer.findModule("jdk.httpserver").map(own::canRead).orElse(false)) {
      throw new IllegalStateException(
          "FakeKimiServer needs the JDK module jdk.httpserver, which this runtime did not load:"
              + " run with --add-modules jdk.httpserver (a jlink image needs it in --add-modules),"
              + " or put kimi-sdk-testing on the module path, where it requires it");
    }
  }

  /**
   * Returns the base URL to give a client, such as {@code http://127.0.0.1:54321/v1} (the host is
   * the address listened on, {@code 127.0.0.1} unless {@link #start(InetAddress, int)} said
   * otherwise; {@code https://} after {@link #tls()}).
   *
   * @return the base URL, ending in {@code /v1}
   * @throws IllegalStateException if not started
   */
  public String baseUrl() {
    return origin() + "/v1";
  }

  /**
   * Returns the base URL of the Anthropic-compatible surface, such as {@code
   * http://127.0.0.1:54321/anthropic}; clients append {@code /v1/messages}, and a client built with
   * it speaks {@link io.github.kimisdk.WireProtocol#ANTHROPIC_MESSAGES} by default. The surface
   * answers with the same deterministic model; scripted responses, written in the chat-completions
   * shape, are translated into Messages shapes (a completion into a message, chunks into events,
   * error envelopes into Anthropic error envelopes); bodies of any other shape are sent unchanged.
   *
   * @return the base URL
   * @throws IllegalStateException if the server is not started
   */
  public String anthropicBaseUrl() {
    return origin() + MessagesSurface.BASE;
  }

  private synchronized String origin() {
    return (tls != null ? "https://" : "http://") + urlHost + ":" + port();
  }

  /**
   * Serves HTTPS instead of plain HTTP ({@code --tls} on the command line), with a certificate made
   * at {@link #start()}: self-signed (EC P-256, valid for 90 days), for {@code localhost}, {@code
   * 127.0.0.1}, {@code ::1} and the address listened on. {@link #baseUrl()} then starts with {@code
   * https://}; a Java client trusts it through {@link #sslContext()}, any other through the PEM of
   * {@link #certificatePem()} (Node: {@code NODE_EXTRA_CA_CERTS=file.pem}; curl: {@code --cacert
   * file.pem}). For a client whose TLS path is under test: a corporate trust store, an AOT or CDS
   * cache trained on the classes a real HTTPS call loads.
   *
   * <pre>{@code
   * FakeKimiServer server = new FakeKimiServer().tls().start();
   * KimiClient kimi = KimiClient.builder().apiKey("test").baseUrl(server.baseUrl())
   *     .httpClient(HttpClient.newBuilder().sslContext(server.sslContext()).build())
   *     .build();
   * }</pre>
   *
   * @return this server
   * @throws IllegalStateException if already started
   */
  public synchronized FakeKimiServer tls() {
    if (server != null || closed) {
      throw new IllegalStateException("Call tls() before start()");
    }
    tlsAsked = true;
    return this;
  }

  /**
   * Serves HTTPS with a certificate of the caller's ({@code --tls-cert} and {@code --tls-key} on
   * the command line) instead of one made at start: a PEM chain, the server's certificate first,
   * and its PKCS #8 PEM key ({@code BEGIN PRIVATE KEY}; RSA, EC or EdDSA). Clients trust the
   * chain's last certificate ({@link #sslContext()}, {@link #certificatePem()}) or whatever issued
   * it. The files are read here; the key is never printed.
   *
   * @param certificateChain the PEM certificate chain
   * @param privateKey the PEM private key, PKCS #8 unencrypted
   * @return this server
   * @throws IllegalArgumentException if a file does not hold what it should, saying what to do
   * @throws java.io.UncheckedIOException if a file cannot be read
   * @throws IllegalStateException if already started
   */
  public synchronized FakeKimiServer tls(Path certificateChain, Path privateKey) {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    tls();
    tls = FakeTls.read(certificateChain, privateKey);
    return this;
  }

  /**
   * Returns a TLS context for a client of this server: it trusts this server's certificate and
   * nothing else. Give it to the client's {@link java.net.http.HttpClient} ({@code
   * HttpClient.newBuilder().sslContext(server.sslContext())}).
   *
   * @return a new context
   * @throws IllegalStateException unless the server was started with {@link #tls()}
   */
  public synchronized SSLContext sslContext() {
    return tlsStarted().clientContext();
  }

  /**
   * Returns the certificate a client of this server trusts, in PEM ({@code -----BEGIN
   * CERTIFICATE-----}): write it to a file for a client in another language, such as Node's {@code
   * NODE_EXTRA_CA_CERTS}.
   *
   * @return the PEM text
   * @throws IllegalStateException unless the server was started with {@link #tls()}
   */
  public synchronized String certificatePem() {
    return tlsStarted().certificatePem();
  }

  private FakeTls tlsStarted() {
    if (server == null || tls == null) {
      throw new IllegalStateException(
          server == null ? "Call start() first" : "This server serves plain HTTP: call tls()");
    }
    return tls;
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   * @throws IllegalStateException if not started
   */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("Call start() first");
    }
    return relay != null ? relay.port() : server.getAddress().getPort();
  }

  /**
   * Counts connections: clients then connect through a relay that records every connection, which
   * side closed it, and whether an exchange is in progress on it (see {@link #openConnections()}).
   * Call before {@link #start()}. It costs two threads per open connection, so it is off by
   * default. With it, a scripted stall (a headers delay, a pause in a body) ends when the client
   * closes the connection: the next write would fail whenever it came.
   *
   * <pre>{@code
   * FakeKimiServer server = new FakeKimiServer().trackConnections().start();
   * // ... a client cancels a stream ...
   * assertTrue(server.awaitNoBusyConnections(Duration.ofSeconds(5)));
   * assertEquals(1, server.clientClosedConnections());
   * }</pre>
   *
   * @return this server
   * @throws IllegalStateException if already started
   */
  public synchronized FakeKimiServer trackConnections() {
    if (server != null) {
      throw new IllegalStateException("Call trackConnections() before start()");
    }
    trackConnections = true;
    return this;
  }

  /**
   * Returns the number of responses being written or held open right now.
   *
   * @return the exchanges in progress
   */
  public int activeExchanges() {
    return activeExchanges.get();
  }

  /**
   * Returns the number of client connections accepted so far.
   *
   * @return the count
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public int connectionCount() {
    return tracker().opened();
  }

  /**
   * Returns the number of client connections open now, busy or idle (kept alive by the client's
   * pool for reuse).
   *
   * @return the open connections
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public int openConnections() {
    return tracker().open();
  }

  /**
   * Returns the number of open connections with an exchange in progress (a response being written
   * or held open).
   *
   * @return the busy connections
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public int busyConnections() {
    ConnectionRelay r = tracker();
    return r.open() - r.idle();
  }

  /**
   * Returns the number of connections the client closed (or reset) first: a cancelled call, an
   * aborted stream, or a client shutting down its pool.
   *
   * @return the count
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public int clientClosedConnections() {
    return tracker().closedByClient();
  }

  /**
   * Returns the number of connections the server side closed first (a scripted drop, {@code
   * Connection: close}, or {@link #close()}).
   *
   * @return the count
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public int serverClosedConnections() {
    return tracker().closedByServer();
  }

  /**
   * Waits until no open connection has an exchange in progress: every response was completed or
   * abandoned and closed.
   *
   * @param timeout the longest wait
   * @return true if that happened in time
   * @throws IllegalStateException without {@link #trackConnections()}
   */
  public boolean awaitNoBusyConnections(Duration timeout) {
    tracker();
    return awaitConnections(() -> busyConnections() == 0 && activeExchanges() == 0, timeout);
  }

  /**
   * Waits until {@code condition} holds, checking it again each time a connection opens or closes
   * or an exchange starts or ends: for example {@code server.awaitConnections(() ->
   * server.openConnections() == 0, timeout)} once a client was closed. The condition should read
   * only this server's counts ({@link #openConnections()}, {@link #clientClosedConnections()},
   * {@link #activeExchanges()} and the like).
   *
   * @param condition the condition
   * @param timeout the longest wait
   * @return true if the condition held in time; false on timeout or interrupt (the interrupt flag
   *     is kept)
   */
  public boolean awaitConnections(java.util.function.BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changes) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(changes, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void changed() {
    synchronized (changes) {
      changes.notifyAll();
    }
  }

  private synchronized ConnectionRelay tracker() {
    if (relay == null) {
      throw new IllegalStateException(
          "Connection tracking is off: call trackConnections() before start()");
    }
    return relay;
  }

  /**
   * Makes {@code POST /v1/tokenizers/estimate-token-count} count exactly with {@code tokenizer}
   * (see {@link io.github.kimisdk.token.RequestTokens#exact}). Without one, the fake answers with
   * {@link io.github.kimisdk.token.RequestTokens#estimated()}, which is not Kimi's exact count.
   *
   * @param tokenizer the tokenizer; null returns to the estimator
   * @return this server
   */
  public FakeKimiServer tokenizer(io.github.kimisdk.token.KimiTokenizer tokenizer) {
    model.tokenCounter.tokenizer(tokenizer);
    return this;
  }

  /**
   * Queues a scripted response; scripted responses are served in order before the built-in model
   * answers.
   *
   * @param response the response
   * @return this server
   */
  public FakeKimiServer enqueue(FakeResponse response) {
    script.add(Objects.requireNonNull(response, "response"));
    return this;
  }

  /**
   * Sets a function that answers requests when no scripted response is queued, before the built-in
   * model; when it returns null the built-in model answers. Useful for responses that depend on the
   * request, and for concurrent tests where a queue's order is not enough.
   *
   * <pre>{@code
   * server.respondWith(r -> r.bodyText().contains("\"model\":\"broken\"")
   *     ? FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}")
   *     : null);
   * }</pre>
   *
   * @param responder maps a request to a response, or to null for the default behaviour
   * @return this server
   */
  public FakeKimiServer respondWith(Function<RecordedRequest, FakeResponse> responder) {
    this.responder = Objects.requireNonNull(responder, "responder");
    return this;
  }

  /**
   * Returns every request received so far, oldest first.
   *
   * @return the requests
   */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns the number of requests received so far.
   *
   * @return the count
   */
  public int requestCount() {
    return requests.size();
  }

  /**
   * Returns the oldest request not yet taken, waiting up to 5 seconds for one.
   *
   * @return the request
   * @throws IllegalStateException if none arrives in time
   */
  public RecordedRequest takeRequest() {
    try {
      RecordedRequest r = unclaimed.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new IllegalStateException("No request arrived within 5 seconds");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a request", e);
    }
  }

  /**
   * Returns the number of streamed responses the client abandoned by closing the connection.
   *
   * @return the count of detected disconnects
   */
  public int disconnectCount() {
    return disconnectCount.get();
  }

  /**
   * Waits until the client closed the connection of a streamed response that was still being
   * written or held open, and consumes that event.
   *
   * @param timeout the longest wait
   * @return true if a disconnect was seen in time
   */
  public boolean awaitDisconnect(Duration timeout) {
    try {
      return disconnects.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Returns the number of connections the server closed abruptly because a scripted response said
   * so ({@link FakeResponse#resetBeforeHeaders()}, {@link
   * FakeResponse.SseBuilder#dropConnection()}).
   *
   * @return the count of scripted drops
   */
  public int dropCount() {
    return dropCount.get();
  }

  /**
   * Runs a server as a process until it is stopped (Ctrl-C, {@code SIGTERM}): {@code java -jar
   * kimi-sdk-testing-VERSION-standalone.jar --port 8089}, or with kimi-sdk and kimi-sdk-testing on
   * the class path, {@code java io.github.kimisdk.testing.FakeKimiServer --port 8089}. It prints
   * its base URL on the first line of standard output ({@code FakeKimiServer at
   * http://127.0.0.1:8089/v1 ...}), then serves the built-in model until stopped, when a shutdown
   * hook closes it. The options:
   *
   * <ul>
   *   <li>{@code --port N}: the port, 0 (the default) for a free one;
   *   <li>{@code --host ADDRESS}: the address to listen on, {@code 127.0.0.1} by default;
   *   <li>{@code --latency MS}: delay every answer by that many milliseconds ({@link #latency});
   *   <li>{@code --api-key KEY}: insist on that key, 401 otherwise ({@link #requireApiKey});
   *   <li>{@code --max-concurrency N} and {@code --requests-per-minute N}: Kimi's 429 above those
   *       limits ({@link #maxConcurrency}, {@link #requestsPerMinute});
   *   <li>{@code --tls}: serve HTTPS with a certificate made at start ({@link #tls()}); the first
   *       line then names the {@code https://} base URL and a PEM file to trust ({@code ...; trust
   *       /tmp/fake-kimi-8089-....pem)}); {@code --tls-cert FILE --tls-key FILE} serves a given
   *       certificate instead ({@link #tls(Path, Path)});
   *   <li>{@code --record URL --cassettes DIR}: a recording proxy in front of {@code URL} ({@link
   *       Cassette#record}); {@code --replay DIR}: answers from the recorded exchanges ({@link
   *       Cassette#replay}), with {@code --record-missing URL} forwarding and appending those it
   *       lacks; {@code --scrub NAME} scrubs one more header or JSON member, and {@code
   *       --keep-timing} keeps the events' timing (see {@link #cassette(Cassette)});
   *   <li>{@code --dialect NAME}: speak as that host does ({@link #dialect});
   *   <li>{@code --errors KIND=SHARE[,...]}: fail that share of the chat calls ({@link
   *       #failCalls});
   *   <li>{@code --misconfigure KIND[,...]}: play a host set up wrong ({@link #misconfigure});
   *   <li>{@code --service-time MS}, {@code --slow-first-token EVERY:MS}, {@code --cut-streams
   *       EVERY:AFTER}: each answer takes time, every {@code EVERY}-th stream is slow to its first
   *       chunk or cut ({@link #serviceTime}, {@link #slowFirstToken}, {@link #cutStreams});
   *   <li>{@code --replicas N}: N servers of one model, one line each ({@link #replicas});
   *   <li>{@code --batch-duration S}: each batch takes {@code S} seconds ({@link #batchDuration});
   *       {@code --batch-line-failures N}: every {@code N}-th line of each batch fails ({@link
   *       #batchLineFailures});
   *   <li>{@code --verbose}: print a line per request on standard error, {@code POST
   *       /v1/chat/completions model=kimi-k3 -> 200}, with the error's type and message when the
   *       answer is one, then the request's headers, one per line, indented ({@code traceparent:
   *       00-...}; the value of {@code Authorization} and of any header named like a key, token or
   *       secret shown as {@code [redacted]}, the key nowhere); quiet by default;
   *   <li>{@code --help}: print the usage and exit.
   * </ul>
   *
   * <p>A wrong argument prints what is wrong and the usage on standard error and exits with status
   * 2; a port that cannot be opened exits with status 1. The process keeps no requests (nobody
   * takes them).
   *
   * @param args the command line
   */
  public static void main(String... args) {
    int status = FakeKimiCommand.run(args, System.out, System.err);
    if (status == FakeKimiCommand.SERVING) {
      FakeKimiCommand.awaitShutdown();
    } else {
      System.exit(status);
    }
  }

  /** Stops the server, ending any response still being written. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      if (relay != null) {
        relay.close();
      }
      server.stop(0);
      executor.shutdownNow();
    }
    platform.close();
  }

  @Override
  public String toString() {
    return "FakeKimiServer[" + (server == null ? "not started" : baseUrl()) + "]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    Consumer<String> log = requestLog; // as set when the request came
    boolean logHeaders = requestLogHeaders;
    boolean dropped = false;
    Runnable answered = () -> {};
    RecordedRequest request = null;
    FakeResponse response = null; // what was sent, in the surface's shape
    int port = exchange.getRemoteAddress().getPort();
    activeExchanges.incrementAndGet();
    busyPorts.add(port);
    changed();
    try {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String target = query == null ? path : path + "?" + query;
      try (InputStream in = exchange.getRequestBody()) {
        // an upload may be a batch's input of 100,000 lines and more: one over a few MiB goes to a
        // file of the fake's storage, which the request reads back from when asked for its body
        request =
            FakeKimiServer.UPLOADS.equals(path) && exchange.getRequestMethod().equals("POST")
                ? platform.readUpload(
                    exchange.getRequestMethod(), target, exchange.getRequestHeaders(), in)
                : new RecordedRequest(
                    exchange.getRequestMethod(),
                    target,
                    exchange.getRequestHeaders(),
                    in.readAllBytes());
      }
      FakeErrors.Kind failure = null;
      response = unauthorized(request);
      if (response == null) {
        FakeRateLimit.Refusal refused = rateLimit.admit();
        if (refused == null) {
          answered = once(rateLimit::release);
          response = script.poll();
          if (response == null && ChatSurface.INSTANCE.claims(request)) {
            failure = errors.next();
            response = failure == null ? null : failure.response(dialect, request);
          }
        } else {
          // past maxConcurrency a chat call is refused as the host refuses it when full
          response =
              refused.concurrency() && ChatSurface.INSTANCE.claims(request)
                  ? dialect.concurrencyRefusal(request, refused.kimi())
                  : refused.kimi();
        }
      }
      // recorded once its scripted answer is claimed: a test that took this request and sends
      // another can never see its own request take this one's answer
      if (recording) {
        requests.add(request);
        unclaimed.add(request);
      }
      CassetteDeck cassette = deck;
      if (response == null && cassette != null) {
        // the cassette answers in the recorded shape: no surface translates it; the fake's rules
        // judge what it replays (a recording forwards all: Kimi judges it)
        if (cassette.cassette().mode() != Cassette.Mode.RECORD) {
          response = judge(request);
        }
        if (response == null) {
          response = cassette.replay(request);
        }
        if (response == null) {
          CassetteDeck.Forwarded f = cassette.forward(request, exchange, request::answered);
          response = f.response();
          if (f.sent()) {
            return; // relayed and recorded; the finally block logs it
          }
        }
      } else {
        // the one place the request's surface is chosen; it answers in its own shape
        FakeResponse given = response;
        response =
            FakeSurface.of(request).answer(request, response, misconfiguration.over(backend));
        if (failure == FakeErrors.Kind.STREAM_ERROR) {
          response = dialect.failStream(response);
        } else if (given == null && ChatSurface.INSTANCE.claims(request)) {
          response = serving.serve(request.asRead().orElse(null), response);
        }
      }
      request.answered(response);
      send(exchange, response, answered);
      if (!recording) {
        platform.forget(request); // nobody takes it: a spooled body's file goes now
      }
    } catch (Dropped d) {
      // the HTTP server closes the connection when a handler throws an IOException unclosed
      dropped = true;
      dropCount.incrementAndGet();
      throw d;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "FakeKimiServer failed to answer", e);
      response = null; // nothing was answered
      throw e;
    } finally {
      // every surface and endpoint is answered here, so this one line logs them all
      log(log, logHeaders, exchange, request, response, dropped);
      answered.run();
      if (!dropped) {
        exchange.close();
      }
      busyPorts.remove(port);
      activeExchanges.decrementAndGet();
      changed();
    }
  }

  private static void log(
      Consumer<String> sink,
      boolean headers,
      HttpExchange exchange,
      RecordedRequest request,
      FakeResponse response,
      boolean dropped) {
    if (sink != null) {
      String path = exchange.getRequestURI().getRawPath();
      String line = RequestLog.line(exchange.getRequestMethod(), path, request, response, dropped);
      sink.accept(headers && request != null ? line + RequestLog.headers(request) : line);
    }
  }

  /** A 401 when a key is required and the request does not carry it, else null. */
  private FakeResponse unauthorized(RecordedRequest request) {
    List<byte[]> required = requiredKeys;
    if (required.isEmpty()) {
      return null;
    }
    String auth = request.header("Authorization").orElse("");
    String key =
        auth.startsWith("Bearer ")
            ? auth.substring(7).strip()
            : request.header("x-api-key").orElse("").strip();
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    for (byte[] k : required) {
      if (MessageDigest.isEqual(given, k)) {
        return null;
      }
    }
    return FakeSurface.of(request) == ChatSurface.INSTANCE
        ? dialect.unauthorized()
        : FakeModel.error(401, "invalid_authentication_error", "Invalid Authentication");
  }

  private static Runnable once(Runnable r) {
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        r.run();
      }
    };
  }

  /** Sends the response; {@code answered} runs before a whole body is handed to the connection. */
  private void send(HttpExchange exchange, FakeResponse response, Runnable answered)
      throws IOException {
    Duration delay = latency;
    if (!delay.isZero() && !pause(exchange, delay)) {
      return;
    }
    if (!response.headersDelay().isZero() && !pause(exchange, response.headersDelay())) {
      return;
    }
    List<FakeResponse.Part> parts = response.parts();
    if (response.streamed() && !parts.isEmpty() && parts.get(0).bytes() == FakeResponse.DROP) {
      if (!parts.get(0).pauseBefore().isZero() && !pause(exchange, parts.get(0).pauseBefore())) {
        return;
      }
      throw new Dropped();
    }
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    OutputStream out = exchange.getResponseBody();
    FakeResponse.FileBody file = response.file();
    if (file != null) {
      answered.run();
      exchange.sendResponseHeaders(response.status(), file.length() == 0 ? -1 : file.length());
      platform.copy(file, out);
      return;
    }
    if (!response.streamed()) {
      byte[] bytes = parts.isEmpty() ? new byte[0] : parts.get(0).bytes();
      answered.run(); // the client may send its next request as soon as it reads this
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      out.write(bytes);
      return;
    }
    try {
      exchange.sendResponseHeaders(response.status(), 0);
      out.flush();
      for (FakeResponse.Part p : parts) {
        if (!p.pauseBefore().isZero()) {
          if (!pause(exchange, p.pauseBefore())) {
            return;
          }
          clientStayed(exchange);
        }
        if (p.bytes() == FakeResponse.DROP) {
          throw new Dropped();
        }
        out.write(p.bytes());
        out.flush();
      }
      if (response.holdOpen()) {
        byte[] ping = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
        while (!closed && pause(exchange, Duration.ofMillis(20))) {
          clientStayed(exchange);
          out.write(ping);
          out.flush();
        }
      }
    } catch (Dropped d) {
      throw d;
    } catch (IOException clientGone) {
      disconnectCount.incrementAndGet();
      disconnects.release();
      throw clientGone;
    }
  }

  /**
   * With connection tracking, fails as the next write to {@code exchange} would if its client has
   * closed the connection: a write right after the close may still land in the socket's buffer, and
   * the stream would then end as if it had been read.
   */
  private void clientStayed(HttpExchange exchange) throws IOException {
    ConnectionRelay r = relay;
    if (r != null && !r.linkOpen(exchange.getRemoteAddress().getPort())) {
      throw new IOException("the client closed the connection");
    }
  }

  /**
   * Waits {@code d} before the next write to {@code exchange}; with connection tracking, only until
   * the client has closed the connection, as the next write would then fail at once whenever it
   * came (a stalled exchange whose client gave up is let go, not held to the end of its stall).
   * Returns false if interrupted.
   */
  private boolean pause(HttpExchange exchange, Duration d) {
    ConnectionRelay r = relay;
    try {
      if (r == null) {
        Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        return true;
      }
      int port = exchange.getRemoteAddress().getPort();
      long deadline = System.nanoTime() + d.toNanos();
      synchronized (changes) {
        for (long left = d.toNanos(); left > 0 && r.linkOpen(port); ) {
          TimeUnit.NANOSECONDS.timedWait(changes, left);
          left = deadline - System.nanoTime();
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The fake's refusal of a model call a cassette would answer (the rules judge it as if the fake
   * answered it: a recording never launders a request Kimi would refuse), or null.
   */
  private FakeResponse judge(RecordedRequest request) {
    if (!FakeSurface.callsAModel(request)) {
      return null;
    }
    FakeResponse verdict = FakeSurface.of(request).answer(request, null, judging);
    return verdict.status() >= 400 ? verdict : null;
  }

  /** Answers a chat request made inside a batch: the responder, then the built-in model. */
  private FakeResponse answerChat(RecordedRequest request) {
    return FakeSurface.asSent(request, null, backend, model::respond);
  }

  /** What every surface answers with; reads the server's fields as they are at each call. */
  private class ServerBackend implements FakeSurface.Backend {

    @Override
    public FakeResponse responder(RecordedRequest request) {
      return responder.apply(request);
    }

    @Override
    public FakeResponse model(
        RecordedRequest chat, StreamedToolCallIds streamedIds, FakeResponse.Answer scripted) {
      return model.respond(chat, streamedIds, scripted, true);
    }

    @Override
    public FakeResponse model(
        RecordedRequest chat,
        StreamedToolCallIds streamedIds,
        FakeResponse.Answer scripted,
        boolean moonshotHistory) {
      return model.respond(chat, streamedIds, scripted, moonshotHistory);
    }

    @Override
    public FakeDialect dialect() {
      return dialect;
    }

    @Override
    public List<String> modelIds() {
      return List.copyOf(model.order);
    }

    @Override
    public boolean lenient() {
      return model.lenient;
    }

    @Override
    public FakeResponse endpoints(RecordedRequest request) {
      FakeResponse r = platform.respond(request);
      if (r == null) {
        r = services.respond(request);
      }
      return r != null ? r : model.respond(request);
    }
  }

  /**
   * What the rules judge a cassette's request with: the built-in model and endpoints, no responder,
   * and thinking signatures the recorded Kimi made.
   */
  private final class JudgingBackend extends ServerBackend {

    @Override
    public FakeResponse responder(RecordedRequest request) {
      return null;
    }

    @Override
    public boolean replaying() {
      return true;
    }
  }

  /** Scripted responses not yet served; for diagnostics. */
  List<FakeResponse> pending() {
    return new ArrayList<>(script);
  }

  /** A scripted abrupt close; thrown out of the handler so the server drops the connection. */
  private static final class Dropped extends IOException {
    private static final long serialVersionUID = 1L;

    Dropped() {
      super("scripted connection drop");
    }
  }
}
