package io.github.kimisdk.hostcheck;

import io.github.kimisdk.Target;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.access.TargetProbe;
import io.github.kimisdk.hostcheck.TargetReport.Check;
import io.github.kimisdk.hostcheck.TargetReport.Finding;
import io.github.kimisdk.hostcheck.TargetReport.Outcome;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * What one target's host check ({@link HostCheck}) found, as its answers came in: each answer
 * judged into the findings of the checks it bears on, what the checks share (the host's listing,
 * whether it refused the sampling values, the markers seen), why the rest is skipped once a failure
 * makes it meaningless, and the report. The words of each finding are here: what the host did, its
 * own words quoted escaped, cut short and with the target's key redacted ({@link
 * TargetProbe#keep}), and what to change ({@link HostSymptoms}' fixes).
 *
 * <p>Thread model: the check's steps call it one at a time (see {@link HostCheck}), so its fields
 * need no lock.
 */
final class HostFindings {

  /** The longest quote of a host's text in a finding. */
  private static final int QUOTE = 160;

  /** The tool the check offers, and asks the model to call. */
  static final String TOOL = "get_weather";

  private final Host host;
  private final String model;
  private final String hostModel;
  private final ModelInfo info;
  private final boolean k3;
  private final ModelCatalog catalog;
  private final TargetProbe probe; // the target's rules for the host's text and its errors
  private final boolean keyed; // the target sends a key of the caller's
  private final Duration bound;
  private final String chatPath;

  private final Map<Check, Finding> findings = new EnumMap<>(Check.class);
  private long tokens;
  private String stopped; // why the remaining checks are skipped; null while they run
  private List<String> listed; // GET /models's ids; null when it listed none or failed
  private boolean modelsNotFound; // GET /models answered 404
  private boolean samplingRefused;
  private String contentMarker; // a think or channel marker seen in a reply's content, quoted
  private String channelMarker; // a K3 channel marker seen in a reply's reasoning, quoted
  private boolean read; // a reply was read

  HostFindings(TargetProbe probe, String model, ModelInfo info) {
    this.host = probe.host();
    this.model = model;
    this.hostModel = host.modelId(model);
    this.info = info;
    this.k3 = info.dynamicTools(); // K3's family: its own chat format, parsers and tools
    this.catalog = probe.catalog();
    this.probe = probe;
    this.keyed = probe.sendsKey();
    this.bound = probe.bound();
    this.chatPath = probe.chatPath();
  }

  /** The host's id of the model checked. */
  String hostModel() {
    return hostModel;
  }

  /** Why the remaining checks are skipped; null while they run. */
  String stopped() {
    return stopped;
  }

  /** What access's pass says of the key: that the host took it, when one was sent. */
  private String tookKey() {
    return keyed ? " and took the key" : " (no key was sent)";
  }

  /**
   * Whether the base URL's path ends in {@code /v1}, as an OpenAI-compatible API's does (every
   * preset's chat completions base URL does).
   */
  private boolean baseUrlEndsInV1() {
    String path = host.endpoint().uri().getPath();
    while (path != null && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path != null && path.endsWith("/v1");
  }

  /** Whether the host refused the sampling values the model fixes. */
  boolean samplingRefused() {
    return samplingRefused;
  }

  // ---- the listing ----

  /** {@code GET /models}'s answer: the host answered; does it list its id of the model. */
  void listing(byte[] body) {
    pass(Check.ACCESS, "the host answered GET /models at " + host.endpoint().baseUrl() + tookKey());
    List<String> ids;
    try {
      ids = probe.listedIds(body);
    } catch (RuntimeException notAList) {
      return; // the host's listing is its own: the call decides
    }
    if (!ids.isEmpty()) {
      listed = ids;
      if (!ids.contains(hostModel)) {
        fail(Check.MODEL, notListed(), modelFix());
      }
    }
  }

  /** {@code GET /models} failed: a 404 leaves the call to decide, anything else is access's. */
  void listingFailed(Throwable error) {
    KimiException k = kimi(error);
    if (k instanceof ApiException a && a.status() == 404) {
      modelsNotFound = true; // not every host lists its models
    } else {
      access(k);
    }
  }

  // ---- judging the replies ----
  /** The first chat call's reply: the model served, the sampling taken, thinking on. */
  void firstReply(HostSymptoms.Reply reply, boolean samplingSent) {
    pass(Check.ACCESS, "the host answered at " + host.endpoint().baseUrl() + tookKey());
    if (!findings.containsKey(Check.MODEL)) {
      pass(
          Check.MODEL,
          "a call naming "
              + hostModel
              + " was answered"
              + (listed != null ? " and GET /models lists it" : ""));
    } else {
      // listed by no GET /models, yet served: the listing is the host's own business
      pass(Check.MODEL, "a call naming " + hostModel + " was answered, though " + notListed());
    }
    if (samplingSent) {
      pass(Check.SAMPLING, "the host took " + samplingText(true));
    } else if (!samplingRefused) {
      skip(Check.SAMPLING, model + " fixes no sampling value");
    }
    seen(reply);
    if (info.thinking() == ModelInfo.ThinkingSupport.NONE) {
      skip(Check.THINKING_ON, model + " does not think");
      skip(Check.THINKING_OFF, model + " does not think");
      return;
    }
    if (info.thinking() == ModelInfo.ThinkingSupport.ALWAYS) {
      skip(Check.THINKING_OFF, model + " always thinks");
    }
    String key = host.reasoningKey();
    String used = reply.keyUsed(key);
    if (used == null) {
      String m = HostSymptoms.marker(reply.content(), HostSymptoms.THINK_MARKERS);
      if (m != null) {
        fail(
            Check.THINKING_ON,
            "no reasoning field came back: the reasoning is inside content (" + m + " ...)",
            HostSymptoms.reasoningParserFix(host, k3 || m.startsWith("<|")));
      } else {
        String hint =
            host.thinkingSwitch() == Host.ThinkingSwitch.MOONSHOT
                    && HostSymptoms.server(host) != HostSymptoms.Server.MOONSHOT
                ? "; " + HostSymptoms.thinkingSwitchFix(host)
                : "";
        fail(
            Check.THINKING_ON,
            "no reasoning came back with thinking on ("
                + switchText()
                + "); content: \""
                + quote(reply.content() == null ? "" : reply.content())
                + "\"",
            HostSymptoms.reasoningParserFix(host, k3) + hint);
      }
    } else if (!used.equals(key)) {
      fail(
          Check.THINKING_ON,
          "reasoning came back under "
              + used
              + ", but the preset sends an earlier turn's reasoning back under "
              + key,
          HostSymptoms.reasoningKeyFix(used));
    } else {
      pass(
          Check.THINKING_ON,
          "reasoning came back under "
              + key
              + " ("
              + reply.reasoningUnder(key).length()
              + " chars)");
    }
  }

  /** The first call, with the model's fixed sampling values, refused for something it judges. */
  void samplingRefused(ApiException refused) {
    samplingRefused = true;
    fail(
        Check.SAMPLING,
        "the host refused the sampling values Kimi's rules fix for "
            + model
            + " ("
            + samplingText(true)
            + "): "
            + said(refused),
        "send no sampling values to this host (the model fixes them; SamplingPolicy.ADAPT drops"
            + " those that do not fit), and report it to "
            + host.name()
            + ": Moonshot's vendor verifier requires a host to take them");
  }

  /** The first call sent again without the sampling values, refused too: they were not why. */
  void refusedWithoutSampling(ApiException refused) {
    samplingRefused = false;
    findings.remove(Check.SAMPLING);
    skip(Check.SAMPLING, "not judged: the host refused the call without them too");
    thinkingRefused(refused);
  }

  /** Skips thinking off for a model that cannot switch it off. */
  void thinkingAlwaysOrNever() {
    skip(
        Check.THINKING_OFF,
        model
            + (info.thinking() == ModelInfo.ThinkingSupport.NONE
                ? " does not think"
                : " always thinks"));
  }

  /** The streamed call refused; {@code off}: with thinking off, {@code withSampling}: and 0.6. */
  void streamRefused(ApiException refused, boolean off, boolean withSampling) {
    if (off && withSampling && HostSymptoms.aboutSampling(refused.serverMessage())) {
      // the values the model takes only with thinking off: the host read it as on
      fail(
          Check.THINKING_OFF,
          "the host refused "
              + samplingText(false)
              + ", which "
              + model
              + " takes only with thinking off: it did not read thinking off ("
              + switchText()
              + "): "
              + said(refused),
          HostSymptoms.thinkingSwitchFix(host));
    } else if (off) {
      fail(
          Check.THINKING_OFF,
          "the host refused a call with thinking off: " + said(refused),
          HostSymptoms.thinkingSwitchFix(host));
    }
    skip(Check.STREAM_USAGE, "not checked: the streamed call was refused");
  }

  /** The streamed call's events, read to their end; {@code off}: sent with thinking off. */
  void stream(HostSymptoms.Stream events, boolean off) {
    if (events.error() != null) {
      streamFailed(events.error());
      return;
    }
    HostSymptoms.Reply reply = events.reply();
    seen(reply);
    if (reply.usage()) {
      pass(Check.STREAM_USAGE, "the stream ended with its usage");
    } else {
      fail(
          Check.STREAM_USAGE,
          "the stream ended without usage"
              + (host.speaksMoonshot()
                  ? ""
                  : " though it asked for it (stream_options.include_usage)"),
          HostSymptoms.streamUsageFix(host));
    }
    if (!off) {
      return;
    }
    String reasoning = reply.anyReasoning();
    if (reasoning != null) {
      fail(
          Check.THINKING_OFF,
          "thinking off still brought reasoning (under "
              + reply.keyUsed(host.reasoningKey())
              + ": \""
              + quote(reasoning)
              + "\"): the host ignores "
              + switchText(),
          HostSymptoms.thinkingSwitchFix(host));
    } else {
      pass(Check.THINKING_OFF, "thinking off brought no reasoning (" + switchText() + ")");
    }
  }

  /** The call with a tool refused. */
  void toolsRefused(ApiException refused) {
    fail(
        Check.TOOL_CALLS,
        "the host refused a call with a tool: " + said(refused),
        HostSymptoms.toolParserFix(host, k3));
  }

  /** The tool call's reply. */
  void toolReply(HostSymptoms.Reply reply) {
    seen(reply);
    if (!reply.calls().isEmpty()) {
      for (HostSymptoms.Call c : reply.calls()) {
        JsonValue args = null;
        try {
          args = c.arguments() == null ? null : Json.parse(c.arguments());
        } catch (RuntimeException notJson) {
          // judged below
        }
        if (!(args instanceof JsonObject)) {
          fail(
              Check.TOOL_CALLS,
              "the arguments of "
                  + quote(String.valueOf(c.name()))
                  + " are not a JSON object: \""
                  + quote(String.valueOf(c.arguments()))
                  + "\"",
              HostSymptoms.toolParserFix(host, k3));
          return;
        }
      }
      HostSymptoms.Call first = reply.calls().get(0);
      pass(
          Check.TOOL_CALLS,
          "the call came back as tool_calls: "
              + quote(String.valueOf(first.name()))
              + "("
              + quote(first.arguments())
              + ")");
      return;
    }
    String inContent = HostSymptoms.marker(reply.content(), HostSymptoms.TOOL_MARKERS);
    String inReasoning = HostSymptoms.marker(reply.anyReasoning(), HostSymptoms.TOOL_MARKERS);
    if (inContent != null) {
      fail(
          Check.TOOL_CALLS,
          "the tool call came back as Kimi's raw markers in content ("
              + inContent
              + " ...), not as tool_calls",
          HostSymptoms.toolParserFix(host, k3 || inContent.startsWith("<|open|>")));
    } else if (inReasoning != null) {
      fail(
          Check.TOOL_CALLS,
          "the tool call came back inside the reasoning (" + inReasoning + " ...)",
          HostSymptoms.reasoningParserFix(host, true)
              + "; "
              + HostSymptoms.toolParserFix(host, true));
    } else {
      fail(
          Check.TOOL_CALLS,
          "the model answered without calling "
              + TOOL
              + ", which it was asked to call (finish_reason "
              + reply.finish()
              + "; content: \""
              + quote(reply.content() == null ? "" : reply.content())
              + "\")",
          "a model may decline: run the check again; if it never calls, "
              + HostSymptoms.toolParserFix(host, k3));
    }
  }

  /** Notes the markers a reply shows, for {@link Check#REASONING_SPLIT}, and its tokens. */
  private void seen(HostSymptoms.Reply reply) {
    read = true;
    tokens += reply.tokens();
    if (contentMarker == null) {
      String m = HostSymptoms.marker(reply.content(), HostSymptoms.CONTENT_MARKERS);
      if (m != null) {
        contentMarker = m + " in content: \"" + quote(reply.content()) + "\"";
      }
    }
    if (channelMarker == null) {
      String m = HostSymptoms.marker(reply.anyReasoning(), HostSymptoms.K3_CHANNEL_MARKERS);
      if (m != null) {
        channelMarker = m + " in the reasoning: \"" + quote(reply.anyReasoning()) + "\"";
      }
    }
  }

  /** A stream that failed after its 200 with an error event. */
  private void streamFailed(JsonObject error) {
    String message = error.get("message") instanceof JsonString s ? s.value() : error.toString();
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("queue is full")
        || lower.contains("overloaded")
        || lower.contains("busy")
        || String.valueOf(error.get("code")).contains("503")) {
      overloaded("the stream failed: " + quote(message));
      return;
    }
    fail(
        Check.STREAM_USAGE,
        "the stream failed after it began: " + quote(message),
        "check the server's log for this request");
    if (info.thinking() == ModelInfo.ThinkingSupport.SWITCHABLE) {
      skip(Check.THINKING_OFF, "not checked: the streamed call failed");
    }
  }

  /** A call with thinking on refused for something else than the sampling values. */
  void thinkingRefused(ApiException refused) {
    fail(
        Check.THINKING_ON,
        "the host refused a call with thinking on (" + switchText() + "): " + said(refused),
        "the host does not take the preset's thinking switch: "
            + HostSymptoms.thinkingSwitchFix(host));
  }

  // ---- failures that end the check ----
  /**
   * Returns a refusal the calling step judges (a 4xx that is not about the key or the model), or
   * null after recording what ends the check: nothing answered, the key refused, the model not
   * served, the host overloaded.
   */
  ApiException refusal(Throwable error) {
    KimiException k = kimi(error);
    if (access(k)) {
      return null;
    }
    ApiException a = (ApiException) k;
    String message = a.serverMessage();
    if ((a.status() == 404 && !modelsNotFound) || HostSymptoms.namesUnknownModel(message)) {
      String listing = listed != null && !listed.contains(hostModel) ? notListed() + "; " : "";
      fail(
          Check.MODEL,
          listing + "a call naming " + hostModel + " was answered " + said(a),
          modelFix());
      stop("not checked: the model is not served");
      return null;
    }
    if (a.status() == 404) {
      fail(
          Check.ACCESS,
          "the host answered 404 to GET /models and to POST "
              + chatPath
              + ": "
              + host.endpoint().baseUrl()
              + " is not the base URL of an OpenAI-compatible API",
          "check the base URL: an OpenAI-compatible server's usually ends in /v1");
      stop("not checked: nothing answered at the base URL");
      return null;
    }
    if (a.status() >= 500) {
      fail(
          Check.ACCESS,
          "the host failed the check's request: " + said(a),
          "check the server's log for this request");
      stop("not checked: the host failed");
      return null;
    }
    return a;
  }

  /**
   * Records what a failure that is not the host's judgement of the request says of access (nothing
   * answered, the key refused, the host overloaded or out of quota), and ends the check; false for
   * an {@link ApiException} the caller judges.
   */
  private boolean access(KimiException k) {
    if (k instanceof AuthenticationException || k instanceof PermissionDeniedException) {
      ApiException a = (ApiException) k;
      if (!baseUrlEndsInV1()) {
        // a server answers 401 or 403 for a path it does not serve as readily as for a key
        // (FakeKimiServer does outside /v1): the base URL first, which the key cannot explain
        String base = host.endpoint().baseUrl();
        fail(
            Check.ACCESS,
            "the host answered "
                + said(a)
                + " at "
                + base
                + ", whose path does not end in /v1: a server answers so for a path it does not"
                + " serve, so the base URL is at fault before "
                + (keyed ? "the key" : "any key"),
            "check the base URL: an OpenAI-compatible server's ends in /v1, such as "
                + (base.endsWith("/") ? base + "v1" : base + "/v1"));
        stop("not checked: the base URL does not end in /v1");
        return true;
      }
      fail(
          Check.ACCESS,
          keyed
              ? "the host refused the key: " + said(a)
              : "the host asks for a key, and none was sent: " + said(a),
          keyed
              ? "check the target's key (Target.apiKey, or the client's apiKey) against the"
                  + " server's --api-key"
              : "the host needs a key: give the target its key (Target.apiKey)");
      stop(keyed ? "not checked: the key was refused" : "not checked: the host asks for a key");
      return true;
    }
    if (k instanceof ConnectionException) {
      fail(
          Check.ACCESS,
          "nothing answered at " + host.endpoint().baseUrl() + ": " + quote(k.getMessage()),
          "check that the server runs and that the base URL (scheme, host, port, /v1) is its own");
      stop("not checked: nothing answered");
      return true;
    }
    if (k instanceof KimiTimeoutException) {
      fail(
          Check.ACCESS,
          "the host did not answer within " + bound + ": " + quote(k.getMessage()),
          "check the server's load and log; each request is bounded by the client's timeouts and"
              + " its options' timeout (KimiClient.withOptions; the command's --timeout)");
      stop("not checked: the host did not answer in time");
      return true;
    }
    if (k instanceof ApiException a) {
      TargetProbe.Capacity capacity = probe.capacity(a);
      if (capacity != TargetProbe.Capacity.FREE) {
        overloaded(
            (capacity == TargetProbe.Capacity.QUOTA ? "the account is out of quota: " : "")
                + "the host answered "
                + said(a));
        return true;
      }
      return false;
    }
    if (k instanceof PreflightException) {
      fail(
          Check.ACCESS,
          "not sent: Kimi's rules for " + model + " refuse the check's request: " + k.getMessage(),
          "check the client's model table for " + model);
      stop("not checked: the request was refused before it was sent");
      return true;
    }
    fail(
        Check.ACCESS,
        "the host's answer could not be read: " + quote(k.getMessage()),
        "check that the base URL is an OpenAI-compatible API's, and the server's log");
    stop("not checked: the host's answer could not be read");
    return true;
  }

  private void overloaded(String what) {
    fail(
        Check.ACCESS,
        what + " while it was checked",
        "check it again when it is not overloaded: an overloaded host says nothing of its setup");
    stop("not checked: the host was overloaded");
  }

  // ---- findings ----
  private void pass(Check check, String detail) {
    findings.put(check, new Finding(check, Outcome.PASSED, detail, ""));
  }

  private void fail(Check check, String detail, String fix) {
    findings.put(check, new Finding(check, Outcome.FAILED, detail, fix));
  }

  private void skip(Check check, String detail) {
    findings.putIfAbsent(check, new Finding(check, Outcome.SKIPPED, detail, ""));
  }

  void stop(String why) {
    if (stopped == null) {
      stopped = why;
    }
  }

  TargetReport report(Target target, int requests, Duration took) {
    if (!findings.containsKey(Check.REASONING_SPLIT)) {
      if (channelMarker != null) {
        fail(
            Check.REASONING_SPLIT,
            "K3's channel markers came back inside the reasoning ("
                + channelMarker
                + "): K3's"
                + " output split by K2's reasoning parser",
            HostSymptoms.reasoningParserFix(host, true));
      } else if (contentMarker != null) {
        fail(
            Check.REASONING_SPLIT,
            "Kimi's markers came back inside content (" + contentMarker + ")",
            HostSymptoms.reasoningParserFix(host, k3 || contentMarker.startsWith("<|")));
      } else if (read) {
        pass(
            Check.REASONING_SPLIT,
            "no think or channel markers in content, none of K3's channel markers in the"
                + " reasoning");
      }
    }
    String why = stopped != null ? stopped : "not checked";
    List<Finding> out = new ArrayList<>();
    for (Check c : Check.values()) {
      Finding f = findings.get(c);
      out.add(f != null ? f : new Finding(c, Outcome.SKIPPED, why, ""));
    }
    return new TargetReport(target, model, hostModel, out, requests, tokens, took);
  }

  // ---- words ----
  private String samplingText(boolean thinking) {
    ModelInfo.FixedSampling s = info.sampling();
    List<String> out = new ArrayList<>();
    Double t = thinking ? s.temperatureThinking() : s.temperatureNoThinking();
    if (t != null) {
      out.add("temperature " + t);
    }
    if (s.topP() != null) {
      out.add("top_p " + s.topP());
    }
    if (s.n() != null) {
      out.add("n " + s.n());
    }
    if (s.penalty() != null) {
      out.add("presence and frequency penalty " + s.penalty());
    }
    return String.join(", ", out);
  }

  private String notListed() {
    return probe.listsInstead(listed, hostModel);
  }

  /** What to change when the host does not serve the model under the target's id. */
  private String modelFix() {
    String declare = "host.withModelId(\"" + model + "\", \"ID\")";
    if (listed != null) {
      for (String id : listed) {
        if (sameModel(id)) {
          return "the host serves it as "
              + quote(id)
              + ": declare that id, host.withModelId(\""
              + model
              + "\", \""
              + quote(id)
              + "\")";
        }
      }
      List<String> kimi = new ArrayList<>();
      for (String id : listed) {
        String k = host.kimiModel(id);
        if (!k.equals(id) || catalog.find(k).isPresent()) {
          kimi.add(quote(k));
        }
      }
      if (!kimi.isEmpty()) {
        HostSymptoms.Server server = HostSymptoms.server(host);
        boolean own =
            server != HostSymptoms.Server.MOONSHOT && server != HostSymptoms.Server.VENDOR;
        return "the host does not serve "
            + model
            + " (a retired or misspelt id?): give the target a model it serves ("
            + String.join(", ", kimi.subList(0, Math.min(4, kimi.size())))
            + (kimi.size() > 4 ? ", ..." : "")
            + ")"
            + (own ? ", or serve " + model + " there" : "")
            + "; if it serves it under another id, "
            + declare;
      }
    }
    return "serve "
        + model
        + " on the host as "
        + hostModel
        + " (vLLM and SGLang: the Hugging Face name, or --served-model-name), or declare the id"
        + " it is served under, "
        + declare
        + ", or give the target a model the host serves";
  }

  /**
   * Whether the host's id {@code id} looks like this target's model under another name: its id in
   * another case, or its last segment Kimi's id, alone or with a variant ({@code -fp8}), and not
   * another model of the client's table ({@code kimi-k3.1-pro} is not kimi-k3).
   */
  private boolean sameModel(String id) {
    String seg = id.substring(id.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    String m = model.toLowerCase(Locale.ROOT);
    boolean named =
        id.equalsIgnoreCase(hostModel)
            || seg.equals(m)
            || (seg.startsWith(m)
                && seg.length() > m.length()
                && (seg.charAt(m.length()) == '-' || seg.charAt(m.length()) == '_'));
    if (!named) {
      return false;
    }
    String kimi = host.kimiModel(id);
    return catalog.find(kimi).map(i -> i.id().equalsIgnoreCase(model)).orElse(true);
  }

  private String switchText() {
    return switch (host.thinkingSwitch()) {
      case MOONSHOT -> "Moonshot's thinking object";
      case CHAT_TEMPLATE_KWARGS -> "chat_template_kwargs.thinking";
      case REASONING_OBJECT -> "the reasoning object";
      case REASONING_EFFORT -> "reasoning_effort";
      case REASONING_ENABLED_AND_EFFORT -> "reasoning.enabled and reasoning_effort";
      case REASONING_EFFORT_AND_HISTORY -> "reasoning_effort and the thinking object's type";
    };
  }

  /** A refusal in the host's words: its status and its message, quoted. */
  private String said(ApiException a) {
    String m = a.serverMessage();
    return a.status() + (m == null || m.isBlank() ? "" : " \"" + quote(m) + "\"");
  }

  String quote(String s) {
    String kept = probe.keep(s, QUOTE);
    return kept == null ? "" : kept;
  }

  private KimiException kimi(Throwable error) {
    return probe.kimi(cause(error));
  }

  static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
