package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** kimi-sdk-opentelemetry installed on the auto-configured client when an OpenTelemetry exists. */
class KimiOpenTelemetryAutoConfigurationTest {

  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      Contexts.onFake(
          server, KimiOpenTelemetryAutoConfiguration.class, KimiAutoConfiguration.class);

  /** The application's OpenTelemetry, its spans in memory. */
  @Configuration(proxyBeanMethods = false)
  static class Traced {
    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                  .build())
          .build();
    }
  }

  @AfterEach
  void close() {
    server.close();
    SPANS.reset();
  }

  @Test
  void anOpenTelemetryBeanGetsTheClientsCallsAsSpansAndTheTraceContextOnTheWire() {
    server.enqueue(FakeResponse.reply("traced"));

    List<SpanData> spans = new ArrayList<>();
    runner
        .withUserConfiguration(Traced.class)
        .run(
            context -> {
              assertThat(context).hasBean("kimiTelemetryCustomizer");
              assertThat(context.getBean(ChatModel.class).call("Hello")).isEqualTo("traced");
              spans.addAll(SPANS.getFinishedSpanItems()); // the exporter forgets them at close
            });

    assertThat(spans).singleElement().satisfies(s -> assertThat(s.getName()).startsWith("chat "));
    SpanData span = spans.get(0);
    assertThat(server.takeRequest().header("traceparent"))
        .hasValueSatisfying(
            h -> assertThat(h).contains(span.getTraceId()).contains(span.getSpanId()));
  }

  @Test
  void withoutAnOpenTelemetryBeanNothingIsInstalled() {
    server.enqueue(FakeResponse.reply("plain"));

    runner.run(
        context -> {
          assertThat(context).doesNotHaveBean("kimiTelemetryCustomizer");
          assertThat(context.getBean(ChatModel.class).call("Hello")).isEqualTo("plain");
        });

    assertThat(server.takeRequest().header("traceparent")).isEmpty();
  }

  @Test
  void withoutTheArtifactOnTheClassPathNothingIsInstalled() {
    runner
        .withUserConfiguration(Traced.class)
        .withClassLoader(new FilteredClassLoader("io.github.kimisdk.opentelemetry"))
        .run(
            context -> {
              assertThat(context).hasSingleBean(OpenTelemetry.class);
              assertThat(context).doesNotHaveBean("kimiTelemetryCustomizer");
            });
  }
}
