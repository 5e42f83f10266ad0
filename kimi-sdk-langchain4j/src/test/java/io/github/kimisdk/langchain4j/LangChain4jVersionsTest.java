package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One jar for every LangChain4j the module supports: compiled against the newest, it is tested here
 * on the LangChain4j the tests run on (the newest by default; the oldest supported, 1.19, under
 * {@code -P langchain4j-oldest}, with the classes compiled against the newest). Only the {@code
 * Flow} bridge names the types LangChain4j 1.20 added, every other class loads, links and lists its
 * members (as frameworks that scan beans do), the async chat works on every version, and the {@code
 * Flow} API works where LangChain4j has it and says what it needs where it does not.
 */
class LangChain4jVersionsTest {

  /** The Flow bridge: the one class (with its nested ones) that may name 1.20's types. */
  private static final String BRIDGE = "io.github.kimisdk.langchain4j.internal.EventPublisher";

  /** Whether the LangChain4j under test has the Flow API (1.20 and later). */
  private static final boolean FLOW_API =
      present("dev.langchain4j.model.chat.response.ChatModelStreamingEvent");

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  private static boolean present(String name) {
    try {
      Class.forName(name, false, LangChain4jVersionsTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The binary names of the module's own classes, from its compiled classes. */
  private static List<String> moduleClasses() throws IOException, URISyntaxException {
    Path root = location(KimiChatModel.class);
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".class"))
          .map(f -> root.relativize(f).toString())
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .sorted()
          .toList();
    }
  }

  private static Path location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void everyClassButTheFlowBridgeLoadsLinksAndListsItsMembers() throws Exception {
    List<String> names = moduleClasses();
    assertThat(names).contains(BRIDGE, KimiStreamingChatModel.class.getName());
    List<String> loaded = new ArrayList<>();
    for (String name : names) {
      if (name.startsWith(BRIDGE)) {
        continue;
      }
      Class<?> c = Class.forName(name, true, getClass().getClassLoader()); // verified, initialized
      assertThat(c.getDeclaredMethods()).isNotNull();
      assertThat(c.getDeclaredConstructors()).isNotNull();
      assertThat(c.getDeclaredFields()).isNotNull();
      loaded.add(name);
    }
    assertThat(loaded).hasSizeGreaterThan(20);
  }

  /**
   * What the class files name, as jdeps reads them against the LangChain4j under test: on the
   * newest every LangChain4j type is found; on one without the Flow API, the types it lacks are
   * named by the bridge alone.
   */
  @Test
  void onlyTheFlowBridgeNamesTypesTheLangChain4jUnderTestLacks() throws Exception {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    String classPath =
        Stream.of(ChatModel.class, KimiClient.class, org.slf4j.Logger.class)
            .map(c -> uncheckedLocation(c).toString())
            .collect(Collectors.joining(java.io.File.pathSeparator));
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    int status =
        jdeps.run(
            out,
            out,
            "-verbose:class",
            "--multi-release",
            String.valueOf(Runtime.version().feature()),
            "-cp",
            classPath,
            location(KimiChatModel.class).toString());
    out.flush();
    assertThat(status).as(text.toString()).isZero();

    // "   io.github...EventPublisher   -> dev.langchain4j...CompleteResponse   not found"
    List<String> missing =
        text.toString()
            .lines()
            .map(String::strip)
            .filter(l -> l.contains("-> dev.langchain4j.") && l.endsWith("not found"))
            .toList();
    assertThat(text.toString()).contains("-> dev.langchain4j.model.chat.ChatModel");
    if (FLOW_API) {
      assertThat(missing).isEmpty();
    } else {
      assertThat(missing)
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).startsWith(BRIDGE))
          .anySatisfy(l -> assertThat(l).contains("ChatModelStreamingEvent"));
    }
  }

  private static Path uncheckedLocation(Class<?> type) {
    try {
      return location(type);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theAsyncChatWorksOnEveryVersion() throws Exception {
    KimiChatModel model = FakeModels.chat(server).build();
    // on 1.19 an ordinary method of the model's own, which LangChain4j never calls
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi")).build();
    assertThat(model.doChatAsync(request).get(10, TimeUnit.SECONDS).aiMessage().text())
        .isEqualTo("You said: Hi");
  }

  @Test
  void theFlowApiWorksWhereLangChain4jHasItAndSaysWhatItNeedsWhereNot() throws Exception {
    KimiStreamingChatModel model = FakeModels.streaming(server).build();
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi")).build();
    // by reflection: code compiled against 1.19 cannot name the method's return type
    Method doChat = KimiStreamingChatModel.class.getMethod("doChat", ChatRequest.class);
    assertThat(doChat.getReturnType()).isEqualTo(Flow.Publisher.class);
    for (int i = 0; i < 2; i++) { // the second call as the first, once the bridge failed to load
      if (FLOW_API) {
        assertThat(doChat.invoke(model, request)).isInstanceOf(Flow.Publisher.class);
      } else {
        Throwable thrown = catchThrowable(() -> doChat.invoke(model, request));
        assertThat(thrown).isInstanceOf(InvocationTargetException.class);
        assertThat(thrown.getCause())
            .isExactlyInstanceOf(UnsupportedFeatureException.class)
            .hasMessageContaining("needs langchain4j-core 1.20 or later")
            .hasCauseInstanceOf(LinkageError.class);
      }
    }
    assertThat(server.requestCount()).isZero(); // a publisher sends nothing until subscribed to
  }
}
