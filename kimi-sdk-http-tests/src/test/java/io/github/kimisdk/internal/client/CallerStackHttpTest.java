package io.github.kimisdk.internal.client;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.testing.FakeResponse;
import java.net.ConnectException;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A failed blocking call throws an exception whose trace shows the line that called, as the JDK's
 * {@code HttpClient.send} does, although the failure was made on an HttpClient thread: the caller's
 * frames follow the worker's, below one boundary frame, and the exception keeps its type, fields,
 * cause and suppressed exceptions.
 */
class CallerStackHttpTest extends FakeSuite {

  static final String NOT_FOUND =
      "{\"error\":{\"type\":\"resource_not_found_error\",\"message\":\"nothing here\"}}";

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey("sk-kimi-test0123456789abcdef").retryPolicy(RetryPolicy.none());
  }

  /**
   * Asserts that {@code t}'s trace shows {@code method} of this class below the boundary frame,
   * once, and the thread that made it above.
   */
  static void showsTheCaller(Throwable t, String method) {
    List<StackTraceElement> frames = List.of(t.getStackTrace());
    String trace = frames.stream().map(StackTraceElement::toString).collect(joining("\n"));
    Predicate<StackTraceElement> caller =
        f ->
            f.getClassName().equals(CallerStackHttpTest.class.getName())
                && f.getMethodName().equals(method);
    int boundary = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).getClassName().equals("_KIMI_SDK_")) {
        assertThat(boundary).as("one boundary frame in\n%s", trace).isEqualTo(-1);
        boundary = i;
      }
    }
    assertThat(boundary).as("the boundary frame in\n%s", trace).isPositive();
    assertThat(frames.get(boundary).toString())
        .isEqualTo(
            "_KIMI_SDK_._WAITED_FOR_BY_(thread " + Thread.currentThread().getName() + ", below)");
    assertThat(frames.subList(boundary + 1, frames.size()))
        .as("the calling thread's frames in\n%s", trace)
        .anyMatch(caller);
    assertThat(frames.subList(0, boundary))
        .as("the frames of the thread that made it, in\n%s", trace)
        .noneMatch(caller)
        .isNotEmpty();
  }

  @Test
  void aFailedChatShowsTheCallersLine() {
    server.enqueue(FakeResponse.error(404, NOT_FOUND));
    try {
      kimi.chat(ChatRequest.of("kimi-k3", "Hello"));
    } catch (NotFoundException e) {
      showsTheCaller(e, "aFailedChatShowsTheCallersLine");
      assertThat(e.serverMessage()).isEqualTo("nothing here");
      assertThat(e.getCause()).isNull();
      assertThat(e.getSuppressed()).isEmpty();
      return;
    }
    throw new AssertionError("no NotFoundException");
  }

  @Test
  void aFailedStreamShowsTheLineThatIterated() {
    server.enqueue(FakeResponse.error(404, NOT_FOUND));
    try (ChatStream stream = kimi.stream(ChatRequest.of("kimi-k3", "Hello"))) {
      Iterator<?> chunks = stream.iterator();
      NotFoundException first = null;
      try {
        chunks.hasNext();
      } catch (NotFoundException e) {
        first = e;
      }
      assertThat(first).isNotNull();
      showsTheCaller(first, "aFailedStreamShowsTheLineThatIterated");
      // asked again, the stream throws the same failure, with the caller's frames still once
      NotFoundException again = null;
      try {
        chunks.hasNext();
      } catch (NotFoundException e) {
        again = e;
      }
      assertThat(again).isSameAs(first);
      showsTheCaller(first, "aFailedStreamShowsTheLineThatIterated");
    }
  }

  @Test
  void aFailedPlatformCallShowsTheCallersLine() {
    server.enqueue(FakeResponse.error(404, NOT_FOUND));
    try {
      kimi.files().list();
    } catch (NotFoundException e) {
      showsTheCaller(e, "aFailedPlatformCallShowsTheCallersLine");
      return;
    }
    throw new AssertionError("no NotFoundException");
  }

  @Test
  void aFailedKimiCodeCallShowsTheCallersLine() {
    server.enqueue(FakeResponse.error(404, NOT_FOUND));
    try {
      kimi.kimiCode().usages();
    } catch (NotFoundException e) {
      showsTheCaller(e, "aFailedKimiCodeCallShowsTheCallersLine");
      return;
    }
    throw new AssertionError("no NotFoundException");
  }

  @Test
  void aRefusedConnectionShowsTheCallersLineAndKeepsItsCause() {
    int port = server.port();
    server.close();
    try (KimiClient dead =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl("http://127.0.0.1:" + port + "/v1")
            .retryPolicy(RetryPolicy.none())
            .build()) {
      try {
        dead.account().balance();
      } catch (ConnectionException e) {
        showsTheCaller(e, "aRefusedConnectionShowsTheCallersLineAndKeepsItsCause");
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
        return;
      }
    }
    throw new AssertionError("no ConnectionException");
  }
}
