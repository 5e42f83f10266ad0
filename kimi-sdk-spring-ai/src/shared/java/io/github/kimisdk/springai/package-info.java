/**
 * Kimi as a Spring AI chat model, over kimi-sdk's {@link io.github.kimisdk.KimiClient} (Spring AI 2
 * in kimi-sdk-spring-ai, Spring AI 1.1 in kimi-sdk-spring-ai-boot3, from the same sources): {@link
 * io.github.kimisdk.springai.KimiChatModel} and its options, {@link
 * io.github.kimisdk.springai.KimiChatOptions}. The Spring Boot auto-configuration is in {@link
 * io.github.kimisdk.springai.autoconfigure}.
 */
package io.github.kimisdk.springai;
