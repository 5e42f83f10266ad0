package io.github.kimisdk.springai;

import java.util.List;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.definition.ToolDefinition;
import reactor.core.publisher.Flux;

/**
 * What Spring AI 2 spells its own way among what the two Spring lines share: a usage with cache
 * reads and writes, and what {@link KimiChatModel} does as Spring AI 2 wants of a chat model
 * ({@link Model}). kimi-sdk-spring-ai-boot3 has a class of this name and these members with Spring
 * AI 1.1's.
 */
final class SpringAiLine {

  private SpringAiLine() {}

  /** The usage, the SDK's record as the native usage; cache reads and writes when Kimi said. */
  static Usage usage(io.github.kimisdk.chat.Usage u) {
    return new DefaultUsage(
        u.promptTokens(),
        u.completionTokens(),
        u.totalTokens(),
        u,
        u.cachedTokens() == null ? null : u.cachedTokens().longValue(),
        u.cacheWriteTokens() == null ? null : u.cacheWriteTokens().longValue());
  }

  /**
   * The chat model as Spring AI 2 wants it: immutable options, which {@code ChatClient} merges
   * before the model sees them; and no tool run by the model, which returns Kimi's tool calls for
   * {@code ChatClient}'s tool-calling advisor to run.
   */
  abstract static class Model implements ChatModel {

    Model(KimiChatModel.Builder b) {}

    /** The observation's context, which says whether the call streams (Spring AI 2's key). */
    static ChatModelObservationContext.Builder streaming(
        ChatModelObservationContext.Builder context, boolean streaming) {
      return context.streaming(streaming);
    }

    /** The default options the model keeps: those given, which never change. */
    KimiChatOptions own(KimiChatOptions options) {
      return options;
    }

    /** The default options {@code getOptions()} returns: the model's own. */
    KimiChatOptions handOut(KimiChatOptions options) {
      return options;
    }

    /**
     * The prompt with the options the request is sent with, naming a model: a prompt's {@link
     * KimiChatOptions} are the whole request's ({@code ChatClient} merged them with the defaults),
     * other options are laid over the defaults, none are the defaults.
     */
    Prompt withOptions(Prompt prompt, KimiChatOptions defaults) {
      ChatOptions given = prompt.getOptions();
      KimiChatOptions merged;
      if (given instanceof KimiChatOptions k) {
        merged = k.getModel() == null ? k.mutate().model(defaults.getModel()).build() : k;
      } else if (given == null) {
        merged = defaults;
      } else {
        merged = defaults.mutate().combineWith(given.mutate()).build();
      }
      return merged == given ? prompt : prompt.mutate().chatOptions(merged).build();
    }

    /** The tools declared to Kimi: the options' tool callbacks. */
    List<ToolDefinition> declared(KimiChatOptions options) {
      return Requests.definitions(options);
    }

    /** What a call returns: Kimi's reply, its tool calls for {@code ChatClient} to run. */
    ChatResponse afterCall(Prompt request, ChatResponse response) {
      return response;
    }

    /** What follows a streamed turn: nothing; {@code ChatClient} runs the tools it asked for. */
    Flux<ChatResponse> afterStream(Prompt request, ChatResponse turn) {
      return Flux.empty();
    }
  }

  /** What {@link KimiChatModel.Builder} takes on Spring AI 2 beside the shared: nothing. */
  abstract static class ModelBuilder {
    ModelBuilder() {}
  }
}
