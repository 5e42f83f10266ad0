package io.github.kimisdk.hostcheck;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.access.Probes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Checks that each target's host serves Kimi's model as Kimi's rules and the target's {@link Host}
 * preset expect, as a team does before it sends traffic to its own vLLM or a vendor's endpoint
 * (what Moonshot's vendor verifier asks of vendors, for one target): the model id served, the
 * model's fixed sampling values taken, thinking on bringing reasoning under the key the preset
 * reads and thinking off bringing none, reasoning not inside {@code content} (a missing or wrong
 * reasoning parser), a tool call as {@code tool_calls} with JSON arguments (not Kimi's raw markers:
 * a missing tool parser), and a stream ending with usage. Each failed {@link TargetReport.Finding}
 * says what to change: a vLLM or SGLang flag ({@code --reasoning-parser kimi_k3}, {@code
 * --enable-auto-tool-choice --tool-call-parser kimi_k3}), a preset's {@code with} method. The same
 * check runs from the command line: {@code java -jar kimi-sdk-hostcheck-VERSION.jar verify --host
 * vllm --base-url URL --model kimi-k3} ({@link Main}).
 *
 * <pre>{@code
 * for (TargetReport r : HostCheck.verify(kimi, "kimi-k3")) {
 *   r.failures().forEach(f -> System.out.println(f.check() + ": " + f.detail() + "; " + f.fix()));
 * }
 * }</pre>
 *
 * <p><b>Cost</b>, per target, all targets at once: {@code GET /models} (no tokens), then one after
 * another a chat call with thinking on (at most 96 completion tokens; sent again once without the
 * sampling values if the host refused them), a streamed call with thinking off (at most 32) and a
 * call with one tool (at most 128, or 256 for a model that always thinks), each with a prompt of a
 * few dozen tokens: four or five requests and a few hundred tokens, billed as any call on the
 * target's account ({@link TargetReport#tokens()} tells what the host reported). Each request is
 * sent once (no retry) with the target's key, as the client sends a call to that target, and
 * bounded by the client's timeouts and by 60 seconds, or the timeout of a client derived with
 * {@link KimiClient#withOptions}; a check that cannot go on (nothing answers, the key or the model
 * is refused, the host is overloaded) stops there and says why. It checks a target over chat
 * completions; a target on another wire protocol is reported unchecked.
 *
 * <p>A target's health without tokens ({@code GET /models} alone) is the core's {@code
 * KimiAccount.checkTargets()}.
 */
public final class HostCheck {

  private HostCheck() {}

  /**
   * Checks each target of {@code client}, the client's own first, and waits for the reports.
   *
   * @param client the client whose targets are checked, with its options (a timeout bounds each
   *     request)
   * @param model Kimi's id of the model to check on a target that asks for the model each request
   *     names (the client's own, {@link Target#of(Host)}); a target that names its model is checked
   *     with that one
   * @return one report per target, the client's own first; a failed check is reported, never thrown
   * @throws IllegalArgumentException if {@code model} is blank
   * @throws IllegalStateException if the client is closed
   * @throws CancelledException if the calling thread is interrupted while it waits (the checks'
   *     requests are cancelled)
   */
  public static List<TargetReport> verify(KimiClient client, String model) {
    CompletableFuture<List<TargetReport>> reports = verifyAsync(client, model);
    try {
      return reports.get();
    } catch (InterruptedException e) {
      reports.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancelledException(
          CancelledException.Reason.INTERRUPTED, "interrupted while the host check ran", e);
    } catch (ExecutionException e) {
      // a check never fails: what fails here is the JVM's (an Error) or a defect
      Throwable cause = e.getCause();
      if (cause instanceof Error fatal) {
        throw fatal;
      }
      throw new IllegalStateException("the host check failed", cause);
    }
  }

  /**
   * Checks each target of {@code client} without blocking (see {@link #verify}).
   *
   * @param client the client whose targets are checked
   * @param model Kimi's id of the model to check on a target that names none
   * @return the future of one report per target; it never completes exceptionally
   * @throws IllegalArgumentException if {@code model} is blank
   * @throws IllegalStateException if the client is closed
   */
  public static CompletableFuture<List<TargetReport>> verifyAsync(KimiClient client, String model) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(model, "model");
    return Probes.verify(
        client, model, TargetCheck.REQUEST_BOUND, probe -> new TargetCheck(probe, model).run());
  }
}
