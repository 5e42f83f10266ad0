package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * One stream type per thing streamed, final: every public class of an exported package that is a
 * {@code Flow.Publisher} or a blocking stream ({@code Iterable} and {@code AutoCloseable}) is final
 * and made by a factory (over a {@code Flow.Publisher}), never by a constructor of its own, so that
 * no subclass, and no constructor taking an internal type, is part of the API.
 */
class StreamTypesTest {

  @Test
  void everyPublicStreamTypeIsFinalAndMadeByAFactory() throws Exception {
    Layout layout = Layout.read(BuildTools.sdkLocation());
    List<String> streams = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    for (String name : layout.classes()) {
      if (!Layout.EXPORTED.contains(Layout.packageOf(name))) {
        continue;
      }
      Class<?> c = Class.forName("io.github.kimisdk." + name, false, getClass().getClassLoader());
      if (!isPublicStream(c)) {
        continue;
      }
      streams.add(name);
      if (!Modifier.isFinal(c.getModifiers())) {
        broken.add(name + " is not final");
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (!Modifier.isPrivate(k.getModifiers())) {
          broken.add(name + " has a constructor that is not private: " + k);
        }
      }
    }
    assertThat(streams)
        .as("the stream types: one per thing streamed")
        .containsExactlyInAnyOrder("chat.ChatStream", "sse.EventStream");
    assertThat(broken).isEmpty();
  }

  private static boolean isPublicStream(Class<?> c) {
    if (!Modifier.isPublic(c.getModifiers()) || c.isInterface()) {
      return false;
    }
    return Flow.Publisher.class.isAssignableFrom(c)
        || (Iterable.class.isAssignableFrom(c) && AutoCloseable.class.isAssignableFrom(c));
  }
}
