package com.example.kimi.langchain4j;

import static org.bsc.langgraph4j.StateGraph.END;
import static org.bsc.langgraph4j.StateGraph.START;
import static org.bsc.langgraph4j.action.AsyncEdgeAction.edge_async;
import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bsc.langgraph4j.CompileConfig;
import org.bsc.langgraph4j.CompiledGraph;
import org.bsc.langgraph4j.GraphStateException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.StateGraph;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.prebuilt.MessagesState;
import org.bsc.langgraph4j.serializer.Serializer;
import org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer;

/**
 * A LangGraph4j agent on Kimi, the Java twin of LangGraph's JavaScript quickstart agent: a model
 * node and a tools node, an edge that goes back to the model while it calls tools and ends when it
 * answers, and a {@link MemorySaver} that checkpoints each step, so the second question, asked on
 * the same thread id, continues the first conversation.
 *
 * <p>In {@code kimi-sdk-examples/langchain4j}, once {@code mvn -B -P artifacts install -DskipTests}
 * has installed the artifacts:
 *
 * <pre>
 * mvn -B -q compile exec:java -Dexec.mainClass=com.example.kimi.langchain4j.AgentGraphExample
 * </pre>
 */
public final class AgentGraphExample {

  private AgentGraphExample() {}

  static final ToolSpecification WEATHER =
      ToolSpecification.builder()
          .name("get_weather")
          .description("The current weather in a city")
          .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
          .build();

  /** The tool itself: what the tools node runs for each call. */
  static String getWeather(String arguments) {
    String city = arguments.replaceAll(".*\"city\"\\s*:\\s*\"([^\"]*)\".*", "$1");
    return city.equalsIgnoreCase("sf") ? "It's 60 degrees and foggy." : "It's 90 degrees and sunny.";
  }

  /**
   * Runs the example against Kimi, or offline without a key.
   *
   * @param args unused
   * @throws GraphStateException if the graph is malformed
   */
  public static void main(String[] args) throws GraphStateException {
    try (Kimi kimi = Kimi.connect()) {
      System.out.println("Kimi " + kimi.describe());
      run(kimi.chatModel().build(), System.out);
    }
  }

  /**
   * Builds the agent, asks on thread 42, then asks again on the same thread.
   *
   * @param model the chat model
   * @param out where the answers go
   * @return the final state of the thread
   * @throws GraphStateException if the graph is malformed
   */
  static MessagesState<ChatMessage> run(ChatModel model, PrintStream out)
      throws GraphStateException {
    CompiledGraph<MessagesState<ChatMessage>> agent =
        graph(model).compile(CompileConfig.builder().checkpointSaver(new MemorySaver()).build());
    RunnableConfig thread = RunnableConfig.builder().threadId("42").build();

    MessagesState<ChatMessage> state = null;
    for (String question :
        new String[] {"What is the weather in city=sf?", "What about city=ny?"}) {
      out.println("> " + question);
      state = agent.invoke(Map.of("messages", UserMessage.from(question)), thread).orElseThrow();
      out.println(((AiMessage) state.lastMessage().orElseThrow()).text());
    }
    out.println("(thread 42 holds " + state.messages().size() + " messages)");
    return state;
  }

  /** The graph: START -> agent -> (tools -> agent)* -> END. */
  static StateGraph<MessagesState<ChatMessage>> graph(ChatModel model) throws GraphStateException {
    return new StateGraph<>(MessagesState.SCHEMA, serializer())
        .addNode(
            "agent",
            node_async(
                state -> {
                  ChatRequest request =
                      ChatRequest.builder()
                          .messages(state.messages())
                          .toolSpecifications(WEATHER)
                          .build();
                  return Map.of("messages", model.chat(request).aiMessage());
                }))
        .addNode(
            "tools",
            node_async(
                state -> {
                  AiMessage call = (AiMessage) state.lastMessage().orElseThrow();
                  List<ChatMessage> results = new ArrayList<>();
                  for (ToolExecutionRequest r : call.toolExecutionRequests()) {
                    results.add(ToolExecutionResultMessage.from(r, getWeather(r.arguments())));
                  }
                  return Map.of("messages", results);
                }))
        .addEdge(START, "agent")
        .addConditionalEdges(
            "agent",
            edge_async(
                state ->
                    state.lastMessage().orElseThrow() instanceof AiMessage ai
                            && ai.hasToolExecutionRequests()
                        ? "tools"
                        : END),
            Map.of("tools", "tools", END, END))
        .addEdge("tools", "agent");
  }

  /**
   * The state's serializer: LangGraph4j copies the state at each step, and LangChain4j's messages
   * travel as LangChain4j's own JSON (thinking included, which kimi-k3 wants back).
   */
  static ObjectStreamStateSerializer<MessagesState<ChatMessage>> serializer() {
    ObjectStreamStateSerializer<MessagesState<ChatMessage>> s =
        new ObjectStreamStateSerializer<>(MessagesState::new);
    s.mapper()
        .register(
            ChatMessage.class,
            new Serializer<ChatMessage>() {
              @Override
              public void write(ChatMessage m, ObjectOutput out) throws IOException {
                Serializer.writeUTF(ChatMessageSerializer.messageToJson(m), out);
              }

              @Override
              public ChatMessage read(ObjectInput in) throws IOException {
                return ChatMessageDeserializer.messageFromJson(Serializer.readUTF(in));
              }
            });
    return s;
  }
}
