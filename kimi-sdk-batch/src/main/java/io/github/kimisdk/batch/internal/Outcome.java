package io.github.kimisdk.batch.internal;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.platform.BatchResult;

/**
 * One row's outcome in a finished run: exactly one of {@code completion} and {@code error} is set.
 *
 * @param customId the row's {@code custom_id}
 * @param index the row's position among the rows given
 * @param completion the reply, or null
 * @param error why the row failed, or null
 */
public record Outcome(
    String customId, long index, ChatCompletion completion, BatchResult.Error error) {}
