package com.example.kimi.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import java.io.PrintStream;

/**
 * A LangChain4j {@code AiServices} assistant on Kimi: the model calls the {@link Tool} methods of
 * {@link WeatherTools}, LangChain4j runs them and sends the results back, and the chat memory
 * carries the conversation (with Kimi's reasoning, which kimi-k3 wants back on tool-call turns)
 * from one question to the next.
 *
 * <p>In {@code kimi-sdk-examples/langchain4j}, once {@code mvn -B -P artifacts install -DskipTests}
 * has installed the artifacts:
 *
 * <pre>
 * mvn -B -q compile exec:java -Dexec.mainClass=com.example.kimi.langchain4j.AssistantExample
 * </pre>
 */
public final class AssistantExample {

  private AssistantExample() {}

  /** What the application asks; LangChain4j implements it. */
  interface Assistant {
    String chat(String message);
  }

  /** The tools the model may call. */
  static final class WeatherTools {
    @Tool("The current weather in a city")
    String getWeather(@P("the city, such as Paris") String city) {
      return "Sunny, 22 degrees in " + city;
    }
  }

  /**
   * Runs the example against Kimi, or offline without a key.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    try (Kimi kimi = Kimi.connect()) {
      System.out.println("Kimi " + kimi.describe());
      run(kimi.chatModel().build(), System.out);
    }
  }

  /**
   * Asks two questions that need the tool, then one about the conversation itself.
   *
   * @param model the chat model
   * @param out where the answers go
   * @return the memory, for a look at what the assistant remembers
   */
  static ChatMemory run(ChatModel model, PrintStream out) {
    ChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
    Assistant assistant =
        AiServices.builder(Assistant.class)
            .chatModel(model)
            .tools(new WeatherTools())
            .chatMemory(memory)
            .build();
    for (String question :
        new String[] {
          "What is the weather in city=Paris?",
          "And the weather in city=Rome?",
        }) {
      out.println("> " + question);
      out.println(assistant.chat(question));
    }
    out.println("(the assistant remembers " + memory.messages().size() + " messages)");
    return memory;
  }
}
