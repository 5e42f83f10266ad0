package io.github.kimisdk.hostcheck;

import io.github.kimisdk.Target;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.host.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link HostCheck#verify} found about one target: whether its host serves Kimi's model as
 * Kimi's rules and the target's {@link Host} preset expect, one {@link Finding} per {@link Check},
 * each failed one with what to change (a server flag, a preset's {@code with} method), and what the
 * check cost.
 *
 * <pre>{@code
 * for (TargetReport r : HostCheck.verify(kimi, "kimi-k3")) {
 *   for (TargetReport.Finding f : r.failures()) {
 *     System.out.println(r.target() + " " + f.check() + ": " + f.detail() + "; " + f.fix());
 *   }
 * }
 * }</pre>
 *
 * @param target the target checked: its host, model and account (never its key)
 * @param model Kimi's id of the model checked there
 * @param hostModel the host's id of that model, as the check sent it ({@link Host#modelId})
 * @param findings one per {@link Check}, in the order of its constants
 * @param requests the HTTP requests the check sent to the host
 * @param tokens the tokens the host reported for them, prompt and completion; 0 where it reported
 *     none
 * @param took how long the target's check took
 */
public record TargetReport(
    Target target,
    String model,
    String hostModel,
    List<Finding> findings,
    int requests,
    long tokens,
    Duration took) {

  /** What is checked, each by what the host answers to the check's few requests. */
  public enum Check {
    /**
     * The host answers at its base URL and takes the target's key: not unreachable, not refusing
     * the key, not overloaded while it was checked (an overloaded host says nothing of its setup:
     * check it again later).
     */
    ACCESS,
    /**
     * The host serves the model under the id the target sends: {@code GET /models} lists it (where
     * the host lists its models) and a call naming it is answered, not refused with 404 ("The model
     * `x` does not exist."): a retired or misspelt id, or a server started under another name, is a
     * misconfiguration that no waiting mends.
     */
    MODEL,
    /**
     * The host accepts the sampling values Kimi's rules fix for the model ({@code temperature},
     * {@code top_p}, {@code n} and the penalties; kimi-k3: 1.0 thinking, 0.6 not, 0.95, 1, 0), as
     * Moonshot's vendor verifier asks of every vendor; skipped for a model that fixes none.
     */
    SAMPLING,
    /**
     * Thinking on brings reasoning, under the key the preset sends an earlier turn's reasoning back
     * under ({@link Host#reasoningKey()}): reasoning under another key would be dropped from the
     * history by a host that reads only its own.
     */
    THINKING_ON,
    /**
     * Thinking off brings no reasoning: the host reads the switch the preset sends ({@link
     * Host#thinkingSwitch()}); skipped for a model that cannot switch it off.
     */
    THINKING_OFF,
    /**
     * Reasoning does not arrive inside {@code content}: no Kimi think markers there ({@code
     * <think>}, K3's {@code <|open|>think<|sep|>}), which a missing reasoning parser leaves, and
     * none of K3's channel markers inside the reasoning, which K2's parser leaves when it splits
     * K3's output.
     */
    REASONING_SPLIT,
    /**
     * A tool call comes back as {@code tool_calls}, with arguments that parse as a JSON object, not
     * as Kimi's raw tool-call markers in {@code content} (a missing or wrong tool parser).
     */
    TOOL_CALLS,
    /** A stream ends with its usage, so that a streamed call's tokens and spend are counted. */
    STREAM_USAGE
  }

  /** How one check came out. */
  public enum Outcome {
    /** The host does what the check expects. */
    PASSED,
    /** It does not: {@link Finding#fix()} says what to change. */
    FAILED,
    /** Not checked: the model does not have the feature, or an earlier check failed. */
    SKIPPED
  }

  /**
   * One check's outcome.
   *
   * @param check what was checked
   * @param outcome how it came out
   * @param detail what the host did, in a sentence; the host's own words are escaped, cut short and
   *     never hold the key
   * @param fix what to change when it failed (a server flag, a preset's {@code with} method, a
   *     setting); empty otherwise
   */
  public record Finding(Check check, Outcome outcome, String detail, String fix) {

    /**
     * Checks the components.
     *
     * @param check what was checked
     * @param outcome how it came out
     * @param detail what the host did
     * @param fix what to change, or empty
     * @throws NullPointerException if a component is null
     */
    public Finding {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(fix, "fix");
    }

    /**
     * Tells whether the check failed.
     *
     * @return true for {@link Outcome#FAILED}
     */
    public boolean failed() {
      return outcome == Outcome.FAILED;
    }

    /** Returns the check, its outcome, what the host did and the fix. */
    @Override
    public String toString() {
      return RecordText.of("Finding")
          .add("check", check)
          .add("outcome", outcome)
          .add("detail", detail)
          .add("fix", fix.isEmpty() ? null : fix)
          .toString();
    }
  }

  /**
   * Checks the components and copies the findings.
   *
   * @param target the target
   * @param model Kimi's id of the model
   * @param hostModel the host's id of it
   * @param findings the findings
   * @param requests the requests sent, not negative
   * @param tokens the tokens reported, not negative
   * @param took the time taken
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code requests} or {@code tokens} is negative
   */
  public TargetReport {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(hostModel, "hostModel");
    findings = List.copyOf(findings);
    Objects.requireNonNull(took, "took");
    if (requests < 0 || tokens < 0) {
      throw new IllegalArgumentException(
          "requests and tokens must not be negative: " + requests + ", " + tokens);
    }
  }

  /**
   * Tells whether the host was reached and no check failed: it serves the model as the target
   * expects.
   *
   * @return true when {@link Check#ACCESS} passed and every other check passed or was skipped for
   *     want of the feature; false when a check failed or the target could not be checked at all
   */
  public boolean passed() {
    boolean reached = false;
    for (Finding f : findings) {
      if (f.failed()) {
        return false;
      }
      reached |= f.check() == Check.ACCESS && f.outcome() == Outcome.PASSED;
    }
    return reached;
  }

  /**
   * Returns the checks that failed, each with what to change.
   *
   * @return the failed findings, in the order of {@link Check}
   */
  public List<Finding> failures() {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.failed()) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * Returns the finding of {@code check}.
   *
   * @param check the check
   * @return its finding
   * @throws IllegalArgumentException if the report holds none for it
   */
  public Finding finding(Check check) {
    for (Finding f : findings) {
      if (f.check() == check) {
        return f;
      }
    }
    throw new IllegalArgumentException("no finding for " + check);
  }

  /** Returns the target, the model, whether it passed, the failures and the cost; never a key. */
  @Override
  public String toString() {
    return RecordText.of("TargetReport")
        .add("target", target)
        .add("model", model)
        .add("hostModel", hostModel.equals(model) ? null : hostModel)
        .add("passed", Boolean.valueOf(passed()))
        .add("failures", failures().isEmpty() ? null : failures())
        .add("requests", requests)
        .add("tokens", tokens)
        .add("took", took)
        .toString();
  }
}
