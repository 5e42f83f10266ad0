/**
 * Kimi as a Spring AI 2 chat model, over kimi-sdk's {@link io.github.kimisdk.KimiClient}: {@link
 * io.github.kimisdk.springai.KimiChatModel} and its options, {@link
 * io.github.kimisdk.springai.KimiChatOptions}. The Spring Boot auto-configuration is in {@link
 * io.github.kimisdk.springai.autoconfigure}.
 */
package io.github.kimisdk.springai;
