package com.example.ui.spring;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.ui.AgentChat;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agent's chat, on the auto-configured client: the runs in a file store, sealed by a key. */
@Configuration(proxyBeanMethods = false)
class PaymentsConfiguration {

  @Bean
  Payments payments() {
    return new Payments();
  }

  @Bean
  AgentChat agentChat(
      KimiClient kimi,
      Payments payments,
      @Value("${payments.runs:target/runs}") Path runs,
      @Value("${payments.key}") String key) {
    return AgentChat.builder(
            kimi,
            listener ->
                Agent.builder(kimi, "kimi-k3")
                    .name("payments-desk", "1")
                    .instructions("You move money for the user with the transfer tool.")
                    .tool(payments.tool())
                    .store(FileRunStore.of(runs))
                    .key(RunKey.fromBase64(key)) // 32 random bytes, from a secret store
                    .streaming(true)
                    .listener(listener)
                    .build())
        .build();
  }
}
