package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import java.util.Objects;

/**
 * Switches the model's thinking on or off, and sets how hard it thinks. kimi-k2.5 and kimi-k2.6 let
 * the caller switch thinking off; kimi-k2.7-code, kimi-k3 and the Kimi Code models always think;
 * older models never do (see {@link io.github.kimisdk.model.ModelCatalog}).
 *
 * <p>{@link #preserved()} asks the model to use the {@code reasoning_content} of earlier assistant
 * messages ("preserved thinking", {@code keep: "all"}); by default the server ignores it.
 *
 * <p>{@link #withEffort(String)} sends the effort inside the object, {@code "thinking":
 * {"type":"enabled","effort":"high"}}, which is how Moonshot's own client talks to Kimi Code. On
 * the Open Platform kimi-k3 takes the effort as the top-level {@code reasoning_effort} instead: use
 * {@link ChatRequest.Builder#reasoningEffort(String)} there. When both are set, kimi-k3 applies
 * {@code thinking.effort} and ignores {@code reasoning_effort}. Effort levels are the server's open
 * strings (kimi-k3 documents {@code low}, {@code high} and {@code max}, {@code max} when omitted);
 * the client checks them against the model's levels.
 *
 * <pre>{@code
 * ChatRequest r = ChatRequest.builder("k3")
 *     .addUser("Plan the refactor")
 *     .thinking(Thinking.enabled().withEffort("high"))
 *     .build();
 * }</pre>
 *
 * @param type whether the model thinks
 * @param keep which earlier reasoning the server keeps: {@code "all"}, the one value Kimi accepts;
 *     null for the server's default
 * @param effort how hard the model thinks, such as {@code "high"}; null for the model's default
 */
public record Thinking(Type type, String keep, String effort) {

  /** Says whether the model thinks. */
  public enum Type {
    /** The model thinks before it answers. */
    ENABLED,
    /** The model answers at once. */
    DISABLED
  }

  private static final Thinking ENABLED = new Thinking(Type.ENABLED, null, null);
  private static final Thinking DISABLED = new Thinking(Type.DISABLED, null, null);

  /**
   * Validates {@code keep} and {@code effort}. With thinking disabled both are sent as given and
   * Kimi ignores them (Moonshot's K3 contract); while the model thinks, {@code keep} must be {@code
   * "all"}.
   *
   * @param type whether the model thinks
   * @param keep which earlier reasoning the server keeps, such as {@code "all"}; null for the
   *     server's default (none)
   * @param effort how hard the model thinks; null for the model's default
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if {@code keep} is not {@code "all"} while thinking is
   *     enabled, or {@code keep} or {@code effort} is blank
   */
  public Thinking {
    Objects.requireNonNull(type, "thinking type must not be null");
    if (keep != null) {
      if (keep.isBlank()) {
        throw new IllegalArgumentException("thinking keep must not be blank, such as \"all\"");
      }
      if (type == Type.ENABLED && !keep.equals("all")) {
        throw new IllegalArgumentException(
            "thinking keep must be \"all\" (Kimi refuses any other value while the model thinks):"
                + " \""
                + keep
                + "\"; use Thinking.preserved()");
      }
    }
    if (effort != null && effort.isBlank()) {
      throw new IllegalArgumentException("thinking effort must not be blank, such as \"high\"");
    }
  }

  /**
   * Creates a setting without an effort.
   *
   * @param type whether the model thinks
   * @param keep which earlier reasoning the server keeps; null for the server's default
   * @throws NullPointerException if {@code type} is null
   * @throws IllegalArgumentException if {@code keep} is set while thinking is disabled, or blank
   */
  public Thinking(Type type, String keep) {
    this(type, keep, null);
  }

  /**
   * Returns the setting that turns thinking on.
   *
   * @return thinking enabled
   */
  public static Thinking enabled() {
    return ENABLED;
  }

  /**
   * Returns the setting that turns thinking off.
   *
   * @return thinking disabled
   */
  public static Thinking disabled() {
    return DISABLED;
  }

  /**
   * Returns the setting that turns thinking on and keeps all earlier reasoning ({@code keep:
   * "all"}; kimi-k2.6, k2.7-code, k3; kimi-k2.5 rejects it).
   *
   * @return thinking enabled, keeping all reasoning
   */
  public static Thinking preserved() {
    return new Thinking(Type.ENABLED, "all", null);
  }

  /**
   * Returns a copy that sends {@code effort} as {@code thinking.effort}.
   *
   * @param effort the level, such as {@code "high"}; null for the model's default
   * @return the copy
   * @throws IllegalArgumentException if {@code effort} is blank
   */
  public Thinking withEffort(String effort) {
    return new Thinking(type, keep, effort);
  }

  /**
   * Tells whether the model thinks.
   *
   * @return true for {@link Type#ENABLED}
   */
  public boolean isEnabled() {
    return type == Type.ENABLED;
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("Thinking")
        .add("type", type)
        .add("keep", keep)
        .add("effort", effort)
        .toString();
  }
}
