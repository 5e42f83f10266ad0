package io.github.kimisdk.springai;

import java.util.List;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.definition.ToolDefinition;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What Spring AI 1.1 spells its own way among what the two Spring lines share: a usage without
 * cache counts of its own (they are in its native usage, the SDK's), and what {@link KimiChatModel}
 * does as Spring AI 1 wants of a chat model ({@link Model}). kimi-sdk-spring-ai has a class of this
 * name and these members with Spring AI 2's.
 */
final class SpringAiLine {

  private SpringAiLine() {}

  /** The usage, the SDK's record as the native usage (with Kimi's cached tokens). */
  static Usage usage(io.github.kimisdk.chat.Usage u) {
    return new DefaultUsage(u.promptTokens(), u.completionTokens(), u.totalTokens(), u);
  }

  /**
   * The chat model as Spring AI 1 wants it: mutable options, a copy of the defaults for {@code
   * ChatClient} to change per request ({@code getDefaultOptions()}), a request's laid over the
   * model's own; and the tools run by the model, with its {@link ToolCallingManager}, unless the
   * options turn it off.
   */
  abstract static class Model implements ChatModel {

    private final ToolCallingManager toolCallingManager;
    private final ToolExecutionEligibilityPredicate toolExecution =
        new DefaultToolExecutionEligibilityPredicate();

    Model(KimiChatModel.Builder b) {
      ToolCallingManager given = b.toolCallingManager;
      this.toolCallingManager = given == null ? ToolCallingManager.builder().build() : given;
    }

    /** The observation's context; Spring AI 1.1's has no key for streaming. */
    static ChatModelObservationContext.Builder streaming(
        ChatModelObservationContext.Builder context, boolean streaming) {
      return context;
    }

    /**
     * Returns a copy of the default options, as {@link KimiChatModel#getOptions()}.
     *
     * @return the options
     */
    public abstract KimiChatOptions getOptions();

    /**
     * Returns a copy of the default options, as {@link #getOptions()}: {@code ChatClient} copies
     * them for each request.
     *
     * @return the options
     */
    @Override
    public KimiChatOptions getDefaultOptions() {
      return getOptions();
    }

    /** The default options the model keeps: a copy of those given, its own. */
    KimiChatOptions own(KimiChatOptions options) {
      return options.copy();
    }

    /** The default options {@code getOptions()} returns: a copy, for the caller to change. */
    KimiChatOptions handOut(KimiChatOptions options) {
      return options.copy();
    }

    /**
     * The prompt with the options the request is sent with: the defaults, the prompt's over them.
     */
    Prompt withOptions(Prompt prompt, KimiChatOptions defaults) {
      return new Prompt(prompt.getInstructions(), defaults.overlaidWith(prompt.getOptions()));
    }

    /** The tools declared to Kimi: the options' tool callbacks and those their names resolve to. */
    List<ToolDefinition> declared(KimiChatOptions options) {
      return toolCallingManager.resolveToolDefinitions(options);
    }

    /**
     * What a call returns: Kimi's reply when it asked for no tool, or the model does not run them;
     * else the tools' results returned directly, or the reply to the next call, with them.
     */
    ChatResponse afterCall(Prompt request, ChatResponse response) {
      if (!toolExecution.isToolExecutionRequired(request.getOptions(), response)) {
        return response;
      }
      ToolExecutionResult tools = toolCallingManager.executeToolCalls(request, response);
      if (tools.returnDirect()) {
        return ChatResponse.builder()
            .from(response)
            .generations(ToolExecutionResult.buildGenerations(tools))
            .build();
      }
      return call(new Prompt(tools.conversationHistory(), request.getOptions()));
    }

    /**
     * What follows a streamed turn, run off the SDK's threads (a tool may block): nothing when Kimi
     * asked for no tool, or the model does not run them; else the tools' results returned directly,
     * or the next turn's stream.
     */
    Flux<ChatResponse> afterStream(Prompt request, ChatResponse turn) {
      return Flux.defer(() -> afterTools(request, turn)).subscribeOn(Schedulers.boundedElastic());
    }

    private Flux<ChatResponse> afterTools(Prompt request, ChatResponse turn) {
      if (turn == null || !toolExecution.isToolExecutionRequired(request.getOptions(), turn)) {
        return Flux.empty();
      }
      ToolExecutionResult tools = toolCallingManager.executeToolCalls(request, turn);
      if (tools.returnDirect()) {
        return Flux.just(
            ChatResponse.builder()
                .from(turn)
                .generations(ToolExecutionResult.buildGenerations(tools))
                .build());
      }
      return stream(new Prompt(tools.conversationHistory(), request.getOptions()));
    }
  }

  /** What {@link KimiChatModel.Builder} takes on Spring AI 1.1 beside the shared. */
  abstract static class ModelBuilder {

    ToolCallingManager toolCallingManager;

    ModelBuilder() {}

    /**
     * Sets what runs the tools Kimi asks for, and resolves the tools the options name ({@code
     * toolNames}): Spring AI's tool-calling auto-configuration makes one, which the auto-configured
     * model takes.
     *
     * @param toolCallingManager the manager; null for Spring AI's default ({@code
     *     ToolCallingManager.builder().build()}), which runs the options' tool callbacks
     * @return this builder
     */
    public KimiChatModel.Builder toolCallingManager(ToolCallingManager toolCallingManager) {
      this.toolCallingManager = toolCallingManager;
      return (KimiChatModel.Builder) this;
    }
  }
}
