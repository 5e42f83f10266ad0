package io.github.kimisdk.model;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A request against one model's rules: the problems the model would reject, and the adaptations a
 * client's policies make. Backs {@link ModelInfo#problems} and {@link ModelInfo#adapt}.
 */
final class ModelRules {

  private ModelRules() {}

  /** The five sampling values of a request; each null when unset. */
  record Sampling(
      Double temperature, Double topP, Integer n, Double presencePenalty, Double frequencyPenalty) {

    static Sampling of(ChatRequest r) {
      return new Sampling(
          r.temperature(), r.topP(), r.n(), r.presencePenalty(), r.frequencyPenalty());
    }
  }

  /**
   * The rule of a field Kimi takes and does nothing with: {@code thinking} on a model without a
   * thinking field here, an extra body member on Moonshot's API in {@code Host}.
   */
  static final String IGNORED_FIELD = "ignored-field";

  /**
   * The rule of a {@code reasoning_effort} level the model does not list, which Moonshot ignores.
   */
  static final String UNLISTED_EFFORT = "unlisted-effort";

  /** How the refusals of what Kimi would ignore say that the team may send it anyway. */
  static String deliberately(String field) {
    return "or mark \""
        + field
        + "\" deliberate (KimiClient.Builder.deliberateFields) to send it as it is";
  }

  /** Backs {@link ModelInfo#problems(ChatRequest, java.util.Set)}. */
  static List<String> problems(ChatRequest request, ModelInfo model, Set<String> deliberate) {
    List<String> out = new ArrayList<>();
    String id = model.id();
    ThinkingSupport thinking = model.thinking();
    boolean known = model.known();
    Thinking setting = request.thinking();
    if (!model.thinkingField()) {
      if (setting != null && !deliberate.contains("thinking")) {
        out.add(
            id
                + " takes no thinking field and ignores one (rule "
                + IGNORED_FIELD
                + "): it "
                + (thinking == ThinkingSupport.ALWAYS
                    ? "always reasons"
                    : "reads no thinking switch")
                + (model.efforts().isEmpty()
                    ? ""
                    : ", as deep as reasoning_effort says ("
                        + String.join(", ", model.efforts())
                        + ")")
                + "; leave thinking unset"
                + (model.efforts().isEmpty() ? "" : " and set reasoningEffort instead")
                + ", "
                + deliberately("thinking"));
      }
      setting = null; // the model reads none of it: it is judged as the model reads the request
    }
    boolean thinks = model.thinksWith(setting);
    samplingProblems(out, model, Sampling.of(request), thinks);
    if (thinking == ThinkingSupport.ALWAYS && setting != null && !setting.isEnabled()) {
      out.add(id + " always thinks and rejects thinking disabled; leave thinking unset");
    }
    if (known && thinking == ThinkingSupport.NONE && setting != null && setting.isEnabled()) {
      out.add(id + " does not think and rejects thinking enabled; leave thinking unset");
    }
    if (known && setting != null && setting.keep() != null && !model.keepAll()) {
      out.add(
          id
              + " rejects thinking.keep \""
              + setting.keep()
              + "\" (preserved thinking); use Thinking.enabled()");
    }
    if (known) {
      effortProblems(out, model, setting, request.reasoningEffort(), thinks, deliberate);
    }
    ToolChoice choice = request.toolChoice();
    if (!model.acceptsToolChoice(choice, setting)) {
      out.add(toolChoiceProblem(model, choice));
    }
    if (known && !model.dynamicTools() && declaresTools(request)) {
      out.add(
          id
              + " does not take tools declared in system messages (kimi-k3's dynamic tools; other"
              + " models answer \"tokenization failed\"); declare them in the request's tools, or"
              + " use kimi-k3");
    }
    if (known && !model.toolUse() && !request.declaredTools().isEmpty()) {
      out.add(id + " does not take tools; leave tools unset or use a model with tool use");
    }
    if (known) {
      mediaProblems(out, model, request.messages());
      Integer cap = request.maxCompletionTokens();
      if (cap != null && cap > model.maxOutput()) {
        out.add(
            "maxCompletionTokens "
                + cap
                + " is over "
                + id
                + "'s largest output, "
                + model.maxOutput()
                + " tokens (its context window is "
                + model.contextWindow()
                + "); lower it, or leave it unset for the model's default");
      }
    }
    return out;
  }

  private static boolean declaresTools(ChatRequest request) {
    for (Message m : request.messages()) {
      if (m instanceof SystemMessage s && s.declaresTools()) {
        return true;
      }
    }
    return false;
  }

  /** The tool choice a thinking model rejects: Kimi's words, and the fixes. */
  private static String toolChoiceProblem(ModelInfo model, ToolChoice choice) {
    String id = model.id();
    boolean named = choice instanceof ToolChoice.Function;
    String what =
        choice instanceof ToolChoice.Function f ? "a named function " + f.name() : "\"required\"";
    String kimi =
        named
            ? "tool_choice 'specified' is incompatible with thinking enabled"
            : "tool_choice 'required' is incompatible with thinking enabled";
    boolean switchable = model.thinking() == ThinkingSupport.SWITCHABLE;
    String fix =
        (switchable ? "use" : id + " always thinks: use")
            + " toolChoice(ToolChoice.auto())"
            + (named && model.requiredToolChoiceWhileThinking()
                ? " or toolChoice(ToolChoice.required()) with only that tool declared"
                : "")
            + (switchable
                ? " or thinking(Thinking.disabled()) for this turn, or let the client do it with"
                    + " thinkingFallback(ThinkingFallback.AUTO or DISABLE_THINKING)"
                : ", or thinkingFallback(ThinkingFallback.AUTO)");
    return id
        + " rejects tool_choice "
        + what
        + " while thinking is on (Kimi answers \""
        + kimi
        + "\"); "
        + fix;
  }

  /** Backs {@link ModelInfo#adapt}. */
  static ModelInfo.Adapted adapt(
      ChatRequest request, ModelInfo model, SamplingPolicy sampling, ThinkingFallback fallback) {
    List<String> changes = new ArrayList<>();
    ToolChoice choice = request.toolChoice();
    Thinking thinking = request.thinking();
    if (fallback != ThinkingFallback.REJECT
        && (choice == ToolChoice.Mode.REQUIRED || choice instanceof ToolChoice.Function)
        && !model.acceptsToolChoice(choice, thinking)) {
      if (fallback == ThinkingFallback.AUTO) {
        choice = ToolChoice.auto();
        changes.add(model.id() + " rejects this tool choice while thinking: sent tool_choice auto");
      } else if (model.thinking() == ThinkingSupport.SWITCHABLE) {
        thinking = Thinking.disabled();
        changes.add(
            model.id() + " rejects this tool choice while thinking: sent with thinking disabled");
      }
    }
    Sampling v = Sampling.of(request);
    if (sampling == SamplingPolicy.ADAPT) {
      v = adaptSampling(v, model, model.thinksWith(thinking), changes);
    }
    List<Message> history = fillReasoning(request.messages(), model, thinking, changes);
    if (changes.isEmpty()) {
      return new ModelInfo.Adapted(request, changes);
    }
    ChatRequest adapted =
        request.toBuilder()
            .messages(history)
            .toolChoice(choice)
            .thinking(thinking)
            .temperature(v.temperature())
            .topP(v.topP())
            .n(v.n())
            .presencePenalty(v.presencePenalty())
            .frequencyPenalty(v.frequencyPenalty())
            .build();
    return new ModelInfo.Adapted(adapted, changes);
  }

  /**
   * Gives the earlier assistant turns that carry no reasoning {@link ModelInfo#SYNTHETIC_REASONING}
   * when the model thinks with {@code thinking} (the setting after the fallbacks): those with tool
   * calls (Kimi answers "thinking is enabled but reasoning_content is missing in assistant tool
   * call message" otherwise), or every one under preserved thinking (kimi-k3, or {@code keep:
   * "all"}). A partial prefix and reasoning the server returned, even {@code ""}, stay as they are.
   * Returns {@code messages} itself when nothing is filled.
   */
  private static List<Message> fillReasoning(
      List<Message> messages, ModelInfo model, Thinking thinking, List<String> changes) {
    boolean thinks = model.thinksWith(thinking) || (thinking != null && thinking.isEnabled());
    if (!thinks) {
      return messages;
    }
    boolean every =
        model.preservedThinking() || (thinking != null && "all".equals(thinking.keep()));
    List<Message> out = null;
    int filled = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) instanceof AssistantMessage a
          && a.reasoningContent() == null
          && !a.partial()
          && (every || !a.toolCalls().isEmpty())) {
        if (out == null) {
          out = new ArrayList<>(messages);
        }
        out.set(
            i,
            new AssistantMessage(
                a.content(),
                ModelInfo.SYNTHETIC_REASONING,
                a.toolCalls(),
                a.name(),
                false,
                a.reasoningSignature(),
                a.additionalFields()));
        filled++;
      }
    }
    if (out == null) {
      return messages;
    }
    changes.add(
        model.id()
            + " thinks and wants reasoning_content on "
            + (every ? "every earlier assistant turn" : "earlier assistant turns with tool calls")
            + ": sent \" \" on "
            + filled
            + (filled == 1 ? " turn" : " turns")
            + " without reasoning");
    return out;
  }

  /**
   * Adapts {@code in} to {@code model}: a fixed value that differs from the model's only value is
   * dropped (the server then applies that value); a temperature above 1 on a model that does not
   * fix it becomes 1. Each change is added to {@code changes} as a sentence.
   */
  private static Sampling adaptSampling(
      Sampling in, ModelInfo model, boolean thinks, List<String> changes) {
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
    return new Sampling(temperature, topP, n, presence, frequency);
  }

  private static Double drop(
      String id, String name, Double value, Double only, List<String> changes) {
    if (value != null && only != null && differs(value, only)) {
      changes.add(id + " fixes " + name + " at " + num(only) + ": dropped " + num(value));
      return null;
    }
    return value;
  }

  /**
   * Checks sampling values one by one; separate so that values {@link ChatRequest} itself rejects
   * can still be table-tested.
   */
  static void samplingProblems(List<String> out, ModelInfo model, Sampling s, boolean thinks) {
    Double temperature = s.temperature();
    Integer n = s.n();
    ModelInfo.FixedSampling sampling = model.sampling();
    String id = model.id();
    if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
      out.add(
          "temperature must be in [0, 1] for Kimi models (not OpenAI's [0, 2]): "
              + num(temperature));
    }
    if (n != null
        && n > 1
        && temperature != null
        && temperature < ModelInfo.NEAR_ZERO_TEMPERATURE) {
      out.add(
          "n "
              + n
              + " needs a temperature of at least 0.3; at "
              + num(temperature)
              + " Kimi returns a single choice and rejects n > 1");
    }
    Double fixedTemperature =
        thinks ? sampling.temperatureThinking() : sampling.temperatureNoThinking();
    if (temperature != null && fixedTemperature != null && differs(temperature, fixedTemperature)) {
      String mode =
          sampling.temperatureThinking() != null
                  && sampling.temperatureThinking().equals(sampling.temperatureNoThinking())
              ? ""
              : thinks ? " with thinking on" : " with thinking off";
      out.add(
          id
              + " accepts only temperature "
              + num(fixedTemperature)
              + mode
              + ": "
              + num(temperature)
              + "; leave temperature unset");
    }
    fixed(out, id, "top_p", s.topP(), sampling.topP());
    if (n != null && sampling.n() != null && !n.equals(sampling.n())) {
      out.add(id + " accepts only n " + sampling.n() + ": " + n + "; leave n unset");
    }
    fixed(out, id, "presence_penalty", s.presencePenalty(), sampling.penalty());
    fixed(out, id, "frequency_penalty", s.frequencyPenalty(), sampling.penalty());
  }

  private static void fixed(List<String> out, String id, String name, Double value, Double only) {
    if (value != null && only != null && differs(value, only)) {
      out.add(
          id
              + " accepts only "
              + name
              + " "
              + num(only)
              + ": "
              + num(value)
              + "; leave "
              + name
              + " unset");
    }
  }

  private static void effortProblems(
      List<String> out,
      ModelInfo model,
      Thinking setting,
      String reasoning,
      boolean thinks,
      Set<String> deliberate) {
    String id = model.id();
    List<String> efforts = model.efforts();
    String nested = setting != null ? setting.effort() : null;
    for (String[] e :
        new String[][] {{"reasoning_effort", reasoning}, {"thinking.effort", nested}}) {
      String field = e[0];
      String value = e[1];
      if (value == null) {
        continue;
      }
      if (!thinks) {
        if (model.thinking() == ThinkingSupport.NONE) {
          out.add(id + " does not think, so " + field + " \"" + value + "\" has no use; drop it");
        }
        // with thinking switched off Kimi ignores the effort (Moonshot's K3 contract)
      } else if (efforts.isEmpty()) {
        out.add(
            id
                + " lists no effort levels, so "
                + field
                + " \""
                + value
                + "\" may be refused; leave it unset, or update the catalog from GET /models");
      } else if (!efforts.contains(value) && field.equals("reasoning_effort")) {
        // Moonshot takes a level it does not know and reasons at its default (kimi-api.md, fourth
        // look: one source each way): refused, unless the team sends it deliberately
        if (!deliberate.contains(field)) {
          out.add(
              id
                  + " accepts reasoning_effort "
                  + String.join(", ", efforts)
                  + ": \""
                  + value
                  + "\"; Moonshot ignores a level the model does not list and reasons at "
                  + (model.defaultEffort() == null
                      ? "its default"
                      : "its default, " + model.defaultEffort())
                  + " (rule "
                  + UNLISTED_EFFORT
                  + "); use one of those, "
                  + deliberately(field));
        }
      } else if (!efforts.contains(value)) {
        out.add(
            id
                + " accepts "
                + field
                + " "
                + String.join(", ", efforts)
                + ": \""
                + value
                + "\"; use one of those");
      }
    }
  }

  private static void mediaProblems(List<String> out, ModelInfo model, List<Message> messages) {
    boolean image = false;
    boolean vid = false;
    for (Message m : messages) {
      if (m instanceof UserMessage u) {
        for (ContentPart p : u.content()) {
          image |= p instanceof ContentPart.ImagePart;
          vid |= p instanceof ContentPart.VideoPart;
        }
      }
    }
    if (image && !model.vision()) {
      out.add(model.id() + " does not accept images; use a vision model such as kimi-k3");
    }
    if (vid && !model.video()) {
      out.add(model.id() + " does not accept video; use a video model such as kimi-k3");
    }
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
