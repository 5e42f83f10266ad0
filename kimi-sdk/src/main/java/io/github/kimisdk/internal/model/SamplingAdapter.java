package io.github.kimisdk.internal.model;

import io.github.kimisdk.token.ModelInfo;
import java.util.List;
import java.util.Locale;

/** Drops the sampling values a model fixes; shared by request building and preflight. */
public final class SamplingAdapter {

  private SamplingAdapter() {}

  /**
   * The five sampling values of a request; each null when unset.
   *
   * @param temperature the temperature
   * @param topP the nucleus mass
   * @param n the number of choices
   * @param presencePenalty the presence penalty
   * @param frequencyPenalty the frequency penalty
   */
  public record Values(
      Double temperature,
      Double topP,
      Integer n,
      Double presencePenalty,
      Double frequencyPenalty) {}

  /**
   * Adapts {@code in} to {@code model}: a fixed value that differs from the model's only value is
   * dropped (the server then applies that value); a temperature above 1 on a model that does not
   * fix it becomes 1. Each change is added to {@code changes} as a sentence.
   *
   * @param in the values asked for
   * @param model the model
   * @param thinks whether the request runs with thinking on
   * @param changes receives one sentence per change
   * @return the values to send
   */
  public static Values adapt(Values in, ModelInfo model, boolean thinks, List<String> changes) {
    ModelInfo.FixedSampling fixed = model.sampling();
    String id = model.id();
    Double temperature = in.temperature();
    Double only = thinks ? fixed.temperatureThinking() : fixed.temperatureNoThinking();
    if (temperature != null && only != null && differs(temperature, only)) {
      changes.add(id + " fixes temperature at " + num(only) + ": dropped " + num(temperature));
      temperature = null;
    } else if (temperature != null && temperature > 1 && only == null) {
      changes.add("temperature " + num(temperature) + " is above Kimi's range [0, 1]: sent as 1.0");
      temperature = 1.0;
    }
    Double topP = drop(id, "top_p", in.topP(), fixed.topP(), changes);
    Integer n = in.n();
    if (n != null && fixed.n() != null && !n.equals(fixed.n())) {
      changes.add(id + " fixes n at " + fixed.n() + ": dropped " + n);
      n = null;
    }
    Double presence = drop(id, "presence_penalty", in.presencePenalty(), fixed.penalty(), changes);
    Double frequency =
        drop(id, "frequency_penalty", in.frequencyPenalty(), fixed.penalty(), changes);
    return new Values(temperature, topP, n, presence, frequency);
  }

  private static Double drop(
      String id, String name, Double value, Double only, List<String> changes) {
    if (value != null && only != null && differs(value, only)) {
      changes.add(id + " fixes " + name + " at " + num(only) + ": dropped " + num(value));
      return null;
    }
    return value;
  }

  private static boolean differs(double a, double b) {
    return Math.abs(a - b) > 1e-9;
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e9
        ? String.format(Locale.ROOT, "%.1f", d)
        : Double.toString(d);
  }
}
