package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.host.ServedBy;
import java.util.Objects;

/**
 * What a Kimi response says about itself: LangChain4j's common metadata (id, model, {@link
 * KimiTokenUsage}, finish reason) and Kimi's: when it was created, the request id Kimi's support
 * asks for ({@code Msh-Request-Id}), when the request asked for them ({@link
 * KimiChatRequestParameters#logprobs()}), the log probabilities of the reply's tokens, and on a
 * client with fallback targets, the target that answered ({@link #servedBy()}).
 */
public final class KimiChatResponseMetadata extends ChatResponseMetadata {

  private final Long created;
  private final String requestId;
  private final Logprobs logprobs;
  private final ServedBy servedBy;

  private KimiChatResponseMetadata(Builder builder) {
    super(builder);
    this.created = builder.created;
    this.requestId = builder.requestId;
    this.logprobs = builder.logprobs;
    this.servedBy = builder.servedBy;
  }

  /**
   * Returns when the response was created, in seconds since the epoch, or null if not sent.
   *
   * @return the time, or null
   */
  public Long created() {
    return created;
  }

  /**
   * Returns the request id the server gave the call ({@code Msh-Request-Id} or {@code
   * x-request-id}), or null if it gave none.
   *
   * @return the id, or null
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the log probabilities of the reply's tokens ({@code choices[0].logprobs}; a stream's
   * joined in order), or null when the request did not ask for them.
   *
   * @return the log probabilities, or null
   */
  public Logprobs logprobs() {
    return logprobs;
  }

  /**
   * Returns the target of the client's fallback chain that answered (its place, host, base URL and
   * model; see {@code KimiChatModel.Builder.fallback}), or null for a client without fallback
   * targets.
   *
   * @return the target that answered, or null
   */
  public ServedBy servedBy() {
    return servedBy;
  }

  /**
   * Returns a builder holding these values.
   *
   * @return the builder
   */
  @Override
  public Builder toBuilder() {
    return ((Builder) toBuilder(builder()))
        .created(created)
        .requestId(requestId)
        .logprobs(logprobs)
        .servedBy(servedBy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KimiChatResponseMetadata that
        && super.equals(that)
        && Objects.equals(created, that.created)
        && Objects.equals(requestId, that.requestId)
        && Objects.equals(logprobs, that.logprobs)
        && Objects.equals(servedBy, that.servedBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), created, requestId, logprobs, servedBy);
  }

  @Override
  public String toString() {
    return "KimiChatResponseMetadata{id='"
        + id()
        + "', modelName='"
        + modelName()
        + "', tokenUsage="
        + tokenUsage()
        + ", finishReason="
        + finishReason()
        + ", created="
        + created
        + ", requestId='"
        + requestId
        + "', logprobs="
        + (logprobs == null ? "null" : logprobs.content().size() + " tokens")
        + (servedBy == null ? "" : ", servedBy=" + servedBy)
        + "}";
  }

  /**
   * Starts an empty metadata.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link KimiChatResponseMetadata}. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {

    private Long created;
    private String requestId;
    private Logprobs logprobs;
    private ServedBy servedBy;

    private Builder() {}

    /**
     * Sets the creation time.
     *
     * @param created seconds since the epoch, or null
     * @return this builder
     */
    public Builder created(Long created) {
      this.created = created;
      return this;
    }

    /**
     * Sets the request id.
     *
     * @param requestId the id, or null
     * @return this builder
     */
    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * Sets the log probabilities of the reply's tokens.
     *
     * @param logprobs the log probabilities, or null
     * @return this builder
     */
    public Builder logprobs(Logprobs logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /**
     * Sets the target of the client's fallback chain that answered.
     *
     * @param servedBy the target, or null for a client without fallback targets
     * @return this builder
     */
    public Builder servedBy(ServedBy servedBy) {
      this.servedBy = servedBy;
      return this;
    }

    /**
     * Builds the metadata.
     *
     * @return the metadata
     */
    @Override
    public KimiChatResponseMetadata build() {
      return new KimiChatResponseMetadata(this);
    }
  }
}
