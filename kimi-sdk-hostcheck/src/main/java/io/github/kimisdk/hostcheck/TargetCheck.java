package io.github.kimisdk.hostcheck;

import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.access.TargetProbe;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The host check of one target ({@link HostCheck#verify}): whether its host serves Kimi's model as
 * Kimi's rules and the target's {@link Host} preset expect, told with a few cheap requests sent one
 * after another, each as the client sends a call to that target (adapted to the model, translated
 * by its host's dialect, with the target's key and chain), sent once and bounded:
 *
 * <ol>
 *   <li>{@code GET /models}, no tokens: is the host's id of the model listed;
 *   <li>a chat call with thinking on (where the model thinks) and the sampling values Kimi's rules
 *       fix for the model, at most {@link #THINKING_ON_TOKENS} tokens: is the model served, are
 *       those values taken, does reasoning come back and under which key, what is in {@code
 *       content}; sent again without the sampling values if the host refused them;
 *   <li>a streamed call with thinking off (where the model can switch it off), at most {@link
 *       #STREAM_TOKENS}: does the switch hold, does the stream bring usage;
 *   <li>a chat call with one tool, thinking off where it can be, at most {@link #TOOL_TOKENS} (or
 *       {@link #THINKING_TOOL_TOKENS} for a model that always thinks): does the call come back as
 *       {@code tool_calls} with JSON arguments.
 * </ol>
 *
 * <p>Each request is bounded by the client's timeouts and by the check's own bound (the timeout of
 * the client's options, else {@link #REQUEST_BOUND}), so a target's check ends within four (five,
 * with the resend) such bounds. A failure that makes the rest meaningless (nothing answers, the key
 * is refused, the model is not served, the host is overloaded) ends it there, the later checks
 * skipped with the reason. What the host said is quoted escaped, cut short and with the target's
 * key redacted ({@link TargetProbe#keep}).
 *
 * <p>What the answers say is {@link HostFindings}'s to judge and word; this class sends.
 *
 * <p>Thread model: {@link #run()} starts the steps; each step starts when the previous one's future
 * completed and runs on whichever thread completed it, so this class's mutable fields and its
 * findings are touched by one step at a time, each step's writes visible to the next through the
 * futures' completion.
 */
final class TargetCheck {

  /** The most completion tokens of the call with thinking on. */
  static final int THINKING_ON_TOKENS = 96;

  /** The most completion tokens of the streamed call. */
  static final int STREAM_TOKENS = 32;

  /** The most completion tokens of the call with a tool, thinking off. */
  static final int TOOL_TOKENS = 128;

  /** The most completion tokens of the call with a tool for a model that always thinks. */
  static final int THINKING_TOOL_TOKENS = 256;

  /** The bound of each request when the client's options set no timeout. */
  static final Duration REQUEST_BOUND = Duration.ofSeconds(60);

  /** The most events of the streamed call read before it is cut: it asks for a few tokens. */
  static final int MAX_EVENTS = 4096;

  private static final String PROMPT = "Say OK.";
  private static final String TOOL_PROMPT = "What is the weather in Paris? Call get_weather.";
  private final TargetProbe probe; // sends on the target's chain, once
  private final Target target;
  private final Host host;
  private final String model;
  private final ModelInfo info;
  private final HostFindings found;

  // the steps' state: see the thread model above
  private int requests;
  private long started;

  TargetCheck(TargetProbe probe, String askedModel) {
    this.probe = probe;
    this.target = probe.target();
    this.host = probe.host();
    this.model = target.model().orElse(askedModel);
    this.info = probe.catalog().lookup(model);
    this.found = new HostFindings(probe, model, info);
  }

  CompletableFuture<TargetReport> run() {
    started = System.nanoTime();
    if (probe.wireProtocol() != WireProtocol.CHAT_COMPLETIONS) {
      found.stop(
          "not checked: the check speaks chat completions, and this target speaks "
              + probe.wireProtocol());
      return CompletableFuture.completedFuture(report());
    }
    return listModels()
        .thenCompose(v -> thinkingOn())
        .thenCompose(v -> stream())
        .thenCompose(v -> tools())
        .handle(
            (v, e) -> {
              if (e != null) {
                found.stop(
                    "not checked: the check failed: "
                        + found.quote(String.valueOf(HostFindings.cause(e))));
              }
              return report();
            });
  }

  private TargetReport report() {
    return found.report(target, requests, Duration.ofNanos(System.nanoTime() - started));
  }

  // ---- the steps ----

  /** {@code GET /models}: does the host list its id of the model. */
  private CompletableFuture<Void> listModels() {
    requests++;
    return probe
        .models()
        .handle(
            (body, error) -> {
              if (error != null) {
                found.listingFailed(error);
              } else {
                found.listing(body);
              }
              return null;
            });
  }

  private CompletableFuture<Void> thinkingOn() {
    if (found.stopped() != null) {
      return done();
    }
    boolean fixes = !info.sampling().isFree();
    return send(firstRequest(fixes))
        .handle(
            (body, error) -> {
              if (error == null) {
                found.firstReply(HostSymptoms.whole(body), fixes);
                return done();
              }
              ApiException refused = found.refusal(error);
              if (refused == null) {
                return done();
              }
              if (!fixes) {
                found.thinkingRefused(refused);
                return done();
              }
              found.samplingRefused(refused);
              return send(firstRequest(false))
                  .handle(
                      (again, error2) -> {
                        if (error2 == null) {
                          found.firstReply(HostSymptoms.whole(again), false);
                        } else {
                          ApiException r2 = found.refusal(error2);
                          if (r2 != null) {
                            found.refusedWithoutSampling(r2);
                          }
                        }
                        return (Void) null;
                      });
            })
        .thenCompose(f -> f);
  }

  /** A streamed call with thinking off, where the model can switch it off. */
  private CompletableFuture<Void> stream() {
    if (found.stopped() != null) {
      return done();
    }
    boolean off = info.thinking() == ModelInfo.ThinkingSupport.SWITCHABLE;
    if (!off) {
      found.thinkingAlwaysOrNever();
    }
    ChatRequest.Builder b =
        ChatRequest.builder(model).addUser(PROMPT).maxCompletionTokens(STREAM_TOKENS).stream(true);
    boolean withSampling = off && !found.samplingRefused() && !info.sampling().isFree();
    if (off) {
      b.thinking(Thinking.disabled());
      if (withSampling) {
        sampling(b, false);
      }
    }
    return sendStream(b.build())
        .handle(
            (events, error) -> {
              if (error == null) {
                found.stream(events, off);
              } else {
                ApiException refused = found.refusal(error);
                if (refused != null) {
                  found.streamRefused(refused, off, withSampling);
                }
              }
              return null;
            });
  }

  /** A chat call with one tool: does the call come back as {@code tool_calls}. */
  private CompletableFuture<Void> tools() {
    if (found.stopped() != null) {
      return done();
    }
    boolean off = info.thinking() == ModelInfo.ThinkingSupport.SWITCHABLE;
    boolean thinks = info.thinking() == ModelInfo.ThinkingSupport.ALWAYS;
    ChatRequest.Builder b =
        ChatRequest.builder(model)
            .addUser(TOOL_PROMPT)
            .addTool(
                Tool.function(
                    HostFindings.TOOL,
                    "Returns the weather in a city.",
                    JsonSchema.object().required("city", JsonSchema.string()).build().toJson()))
            .maxCompletionTokens(thinks ? THINKING_TOOL_TOKENS : TOOL_TOKENS);
    if (off) {
      b.thinking(Thinking.disabled()); // no sampling values: the calls before judged them
    } else if (thinks) {
      lowEffort(b);
    }
    return send(b.build())
        .handle(
            (body, error) -> {
              if (error == null) {
                found.toolReply(HostSymptoms.whole(body));
              } else {
                ApiException refused = found.refusal(error);
                if (refused != null) {
                  found.toolsRefused(refused);
                }
              }
              return null;
            });
  }

  // ---- requests ----
  private ChatRequest firstRequest(boolean withSampling) {
    ChatRequest.Builder b =
        ChatRequest.builder(model).addUser(PROMPT).maxCompletionTokens(THINKING_ON_TOKENS);
    if (info.thinking() != ModelInfo.ThinkingSupport.NONE) {
      b.thinking(Thinking.enabled());
      lowEffort(b);
    }
    if (withSampling) {
      sampling(b, info.thinking() != ModelInfo.ThinkingSupport.NONE);
    }
    return b.build();
  }

  /** Asks for the model's lowest effort, where it lists efforts: the check needs little thought. */
  private void lowEffort(ChatRequest.Builder b) {
    if (info.efforts().contains("low")) {
      b.reasoningEffort("low");
    }
  }

  /** Sets the sampling values the model fixes for thinking on or off. */
  private void sampling(ChatRequest.Builder b, boolean thinking) {
    ModelInfo.FixedSampling s = info.sampling();
    Double t = thinking ? s.temperatureThinking() : s.temperatureNoThinking();
    if (t != null) {
      b.temperature(t);
    }
    if (s.topP() != null) {
      b.topP(s.topP());
    }
    if (s.n() != null) {
      b.n(s.n());
    }
    if (s.penalty() != null) {
      b.presencePenalty(s.penalty()).frequencyPenalty(s.penalty());
    }
  }

  /** Sends a chat call as the client sends one to this target, once; its JSON answer. */
  private CompletableFuture<JsonValue> send(ChatRequest request) {
    requests++;
    return probe.chat(request);
  }

  private CompletableFuture<HostSymptoms.Stream> sendStream(ChatRequest request) {
    EventStream events;
    try {
      events = probe.events(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    requests++;
    HostSymptoms.Stream read = new HostSymptoms.Stream();
    CompletableFuture<HostSymptoms.Stream> out = new CompletableFuture<>();
    Runnable withdraw =
        probe.schedule(
            () -> {
              if (out.completeExceptionally(probe.timedOut())) {
                events.close();
              }
            },
            probe.bound());
    out.whenComplete((r, e) -> withdraw.run());
    events.subscribe(
        new Flow.Subscriber<ServerSentEvent>() {
          private Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
          }

          @Override
          public void onNext(ServerSentEvent event) {
            String data = event.data();
            if (!data.strip().equals("[DONE]")) {
              JsonValue chunk;
              try {
                chunk = Json.parse(data);
              } catch (RuntimeException notJson) {
                chunk = null;
              }
              read.event(chunk);
            }
            if (read.events() >= MAX_EVENTS) {
              subscription.cancel();
              out.complete(read);
            } else {
              subscription.request(1);
            }
          }

          @Override
          public void onError(Throwable t) {
            out.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            out.complete(read);
          }
        });
    return out;
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
