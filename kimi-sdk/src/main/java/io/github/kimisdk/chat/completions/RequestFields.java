package io.github.kimisdk.chat.completions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The chat-completions wire's declaration (what the chat wire's {@code ChatCodec} writes of each
 * {@code ChatRequest} component, and as which member), and the top-level members derived from it,
 * apart from the wire so that {@code ChatRequest} can refuse those members in {@code extraBody}
 * without depending on the codec, which depends on it.
 */
public final class RequestFields {
  private RequestFields() {}

  /** What chat completions does with each component: every one is written, none is refused. */
  public static final List<Fate> FATES =
      List.of(
          Fate.written("model", "model"),
          Fate.written("messages", "messages"),
          Fate.written("maxCompletionTokens", "max_completion_tokens"),
          Fate.written("temperature", "temperature"),
          Fate.written("topP", "top_p"),
          Fate.written("n", "n"),
          Fate.written("presencePenalty", "presence_penalty"),
          Fate.written("frequencyPenalty", "frequency_penalty"),
          Fate.written("stop", "stop"),
          Fate.written("stream", "stream"),
          Fate.written("includeUsage", "stream_options").when("the request is streamed"),
          Fate.dropped("includeUsage", "a whole reply always carries its usage")
              .when("the request is not streamed"),
          Fate.written("responseFormat", "response_format"),
          Fate.written("tools", "tools"),
          Fate.written("toolChoice", "tool_choice"),
          Fate.written("thinking", "thinking"),
          Fate.written("reasoningEffort", "reasoning_effort"),
          Fate.written("promptCacheKey", "prompt_cache_key"),
          Fate.written("safetyIdentifier", "safety_identifier"),
          Fate.written("extraBody"),
          Fate.written("logprobs", "logprobs"),
          Fate.written("topLogprobs", "top_logprobs"),
          Fate.written("prediction", "prediction"),
          Fate.written("promptCacheTtl", "prompt_cache_options"));

  // Top-level request fields the encoder writes; extra body fields must not collide with them.
  private static final Set<String> NAMES = names();

  private static Set<String> names() {
    Set<String> names = new HashSet<>();
    for (Fate f : FATES) {
      names.addAll(f.names());
    }
    return Set.copyOf(names);
  }

  /**
   * Returns chat completions' fates of {@code components}, for another wire that writes each of
   * them as chat completions does: under the same members, whatever its value.
   *
   * @param components the components
   * @return their fates, in the order given
   * @throws IllegalArgumentException if chat completions treats one of them otherwise (another
   *     fate, or one only for some values)
   */
  public static List<Fate> writtenAlike(String... components) {
    List<Fate> alike = new ArrayList<>(components.length);
    for (String c : components) {
      List<Fate> fates = FATES.stream().filter(f -> f.component().equals(c)).toList();
      if (fates.size() != 1 || fates.get(0).kind() != Fate.Kind.WRITTEN) {
        throw new IllegalArgumentException(c + ": chat completions does not always write it");
      }
      alike.add(fates.get(0));
    }
    return List.copyOf(alike);
  }

  /**
   * Tells whether {@code name} is a top-level request field the encoder writes itself.
   *
   * @param name a JSON member name
   * @return true for a known request field
   */
  public static boolean contains(String name) {
    return NAMES.contains(name);
  }
}
