package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.springai.ChatClients;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.springai.KimiChatOptions;
import io.github.kimisdk.springai.KimiTenants;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Credentials in a Spring Boot application: a {@link KimiApiKeySupplier} bean gives the client its
 * key before every attempt, so the application switches its key while it runs, without a restart
 * and without a second client; a {@link KimiTenants} bean lets a request name the tenant it is made
 * for, sent with that tenant's key. No key shows in the client's or the model's {@code toString}.
 */
class KimiCredentialsAutoConfigurationTest {

  static final String FIRST = "sk-" + "firstkey0spring".repeat(3) + "abc";
  static final String SECOND = "sk-" + "secondkey1spring".repeat(3);

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
          .withPropertyValues("spring.ai.kimi.base-url=" + server.baseUrl());

  @AfterEach
  void close() {
    server.close();
  }

  /** The application's secret: a vault the operators rotate, read at every attempt. */
  @Configuration(proxyBeanMethods = false)
  static class RotatingKey {
    static final AtomicReference<String> VAULT = new AtomicReference<>();

    @Bean
    KimiApiKeySupplier kimiApiKey() {
      return VAULT::get;
    }
  }

  @Test
  void anApplicationSwitchesItsKeyWithoutARestart() {
    RotatingKey.VAULT.set(FIRST);
    server.requireApiKey(FIRST);
    runner
        .withUserConfiguration(RotatingKey.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(KimiClient.class);
              KimiClient client = context.getBean(KimiClient.class);
              ChatModel model = context.getBean(ChatModel.class);
              assertThat(model.call("Before")).isNotEmpty();

              // the operators rotate the key: both taken, the vault moves, the old one revoked
              server.requireApiKeys(List.of(FIRST, SECOND));
              RotatingKey.VAULT.set(SECOND);
              server.requireApiKey(SECOND);
              assertThat(model.call("After")).isNotEmpty();
              assertThat(context.getBean(KimiClient.class)).isSameAs(client);

              // a key revoked before the vault moves: one refusal absorbed by asking again
              server.requireApiKey(FIRST);
              RotatingKey.VAULT.set(FIRST);
              assertThat(model.call("Back")).isNotEmpty();

              for (Object shown : List.of(client, model, context.getBean(KimiChatModel.class))) {
                assertThat(shown.toString()).doesNotContain(FIRST).doesNotContain(SECOND);
              }
            });
    assertThat(server.requests())
        .extracting(r -> r.header("Authorization").orElseThrow())
        .containsExactly("Bearer " + FIRST, "Bearer " + SECOND, "Bearer " + FIRST);
  }

  @Test
  void aKeyTheSupplierKeepsGivingAfterItWasRevokedFailsSayingSoAndShowsNowhere() {
    RotatingKey.VAULT.set(FIRST);
    server.requireApiKey(SECOND);
    runner
        .withUserConfiguration(RotatingKey.class)
        .run(
            context ->
                assertThatThrownBy(() -> context.getBean(ChatModel.class).call("Hi"))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("The key was refreshed and still refused")
                    .satisfies(e -> assertThat(e.toString()).doesNotContain(FIRST)));
    assertThat(server.requests()).extracting(RecordedRequest::status).containsExactly(401, 401);
  }

  @Test
  void theSupplierBeanWinsOverTheKeyProperty() {
    RotatingKey.VAULT.set(SECOND);
    runner
        .withUserConfiguration(RotatingKey.class)
        .withPropertyValues("spring.ai.kimi.api-key=" + FIRST)
        .run(context -> context.getBean(ChatModel.class).call("Hi"));
    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer " + SECOND);
  }

  /** Tenants whose keys the application keeps, each sent with its own key. */
  @Configuration(proxyBeanMethods = false)
  static class Tenants {
    static final Map<String, String> KEYS = Map.of("acme", FIRST, "globex", SECOND);

    @Bean
    KimiTenants kimiTenants(KimiClient kimi) {
      return KimiTenants.of(kimi, KEYS::get, 100);
    }
  }

  @Test
  void aRequestNamesItsTenantAndIsSentWithTheTenantsKey() {
    runner
        .withUserConfiguration(Tenants.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-platform")
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);
              ChatClient chat = ChatClient.create(model);
              ChatClients.options(chat.prompt("Hi"), KimiChatOptions.builder().tenant("acme"))
                  .call()
                  .content();
              model.call(new Prompt("Hi", KimiChatOptions.builder().tenant("globex").build()));
              chat.prompt("Hi").call().content();

              // the same question each: each client spent one call's tokens, its own
              KimiTenants tenants = context.getBean(KimiTenants.class);
              long one = context.getBean(KimiClient.class).spend().totalTokens();
              assertThat(one).isPositive();
              assertThat(tenants.client("acme").spend().totalTokens()).isEqualTo(one);
              assertThat(tenants.client("globex").spend().totalTokens()).isEqualTo(one);
            });
    assertThat(server.requests())
        .extracting(r -> r.header("Authorization").orElseThrow())
        .containsExactly("Bearer " + FIRST, "Bearer " + SECOND, "Bearer sk-platform");
  }

  @Test
  void aRequestNamingATenantWithoutTenantsIsRefusedSayingWhatToAdd() {
    runner
        .withPropertyValues("spring.ai.kimi.api-key=sk-platform")
        .run(
            context ->
                assertThatThrownBy(
                        () ->
                            context
                                .getBean(ChatModel.class)
                                .call(
                                    new Prompt(
                                        "Hi", KimiChatOptions.builder().tenant("acme").build())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("KimiTenants"));
    assertThat(server.requestCount()).isZero();
  }
}
