package io.github.kimisdk.chat.completions;

import java.util.List;
import java.util.Objects;

/**
 * What one wire does with one component of a {@code ChatRequest} that the request sets: writes it
 * (under which of the wire's members), drops it (and why that changes nothing the caller sees), or
 * refuses it (and what to do instead). A wire declares a list of fates, every component at least
 * once; a component the wire treats by its value has one fate per case, each but one narrowed by
 * {@code when}. The wires' declarations are the one record of these rules: a wire's refusals are
 * run from them (the wire's {@code check}), the chat wire's members are the names {@code
 * ChatRequest} keeps out of its extra body, and a test holds each wire's bytes, and {@code
 * WireProtocol}'s Javadoc, to its declaration. Pure data: it names no request type, so that {@code
 * ChatRequest} may read the chat wire's declaration without a cycle.
 *
 * @param component the {@code ChatRequest} component, such as {@code "maxCompletionTokens"}
 * @param kind what the wire does with it
 * @param names the top-level members it is written as, such as {@code "max_tokens"}; empty for a
 *     fate that is not {@link Kind#WRITTEN}, and for the extra body, written under its own names
 * @param why why dropping it changes nothing ({@link Kind#DROPPED}), or what to do instead ({@link
 *     Kind#REFUSED}); null for {@link Kind#WRITTEN}
 * @param when the values this fate is for, such as {@code "n above 1"}; null for every value
 */
public record Fate(String component, Kind kind, List<String> names, String why, String when) {

  /** What a wire does with a component. */
  public enum Kind {
    /** It is sent, under {@link Fate#names()}. */
    WRITTEN,
    /** It is left out, changing nothing the caller sees; {@link Fate#why()} says why. */
    DROPPED,
    /** The request is refused, naming it; {@link Fate#why()} says what to do instead. */
    REFUSED
  }

  /**
   * Checks the fate: a component, a reason for a drop or a refusal, names only when written.
   *
   * @throws NullPointerException if {@code component} or {@code kind} is null
   * @throws IllegalArgumentException if the fate is inconsistent
   */
  public Fate {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(kind, "kind");
    names = List.copyOf(names);
    if ((kind == Kind.WRITTEN) != (why == null)) {
      throw new IllegalArgumentException(component + ": a reason goes with a drop or a refusal");
    }
    if (kind != Kind.WRITTEN && !names.isEmpty()) {
      throw new IllegalArgumentException(component + ": only a written component has names");
    }
  }

  /**
   * Returns the fate of a component written as the given members.
   *
   * @param component the component
   * @param names the members, none for the extra body (written under its own names)
   * @return the fate
   */
  public static Fate written(String component, String... names) {
    return new Fate(component, Kind.WRITTEN, List.of(names), null, null);
  }

  /**
   * Returns the fate of a component left out.
   *
   * @param component the component
   * @param why why leaving it out changes nothing the caller sees
   * @return the fate
   */
  public static Fate dropped(String component, String why) {
    return new Fate(component, Kind.DROPPED, List.of(), why, null);
  }

  /**
   * Returns this fate narrowed to some values of its component.
   *
   * @param values the values, such as {@code "n = 1"}
   * @return the narrowed fate
   */
  public Fate when(String values) {
    return new Fate(component, kind, names, why, values);
  }
}
