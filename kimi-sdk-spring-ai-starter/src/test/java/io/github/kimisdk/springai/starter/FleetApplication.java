package io.github.kimisdk.springai.starter;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One process of {@link BootFleetTest}'s fleet: a Spring Boot application with no bean of its own,
 * configured by its arguments alone. It starts, prints {@code ready}, waits for a line on its
 * input, sends {@code fleet.calls} chat calls at once through the auto-configured {@link
 * ChatModel}, prints {@code done ok=N failed=M} and ends.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class FleetApplication {

  public static void main(String[] args) throws Exception {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(FleetApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
      ChatModel model = context.getBean(ChatModel.class);
      int calls = context.getEnvironment().getRequiredProperty("fleet.calls", Integer.class);
      System.out.println("ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      in.readLine(); // the test's go, once every process is ready
      ExecutorService callers = Executors.newFixedThreadPool(calls);
      try {
        List<CompletableFuture<String>> sent = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          String q = "q" + i;
          sent.add(CompletableFuture.supplyAsync(() -> model.call(q), callers));
        }
        int ok = 0;
        int failed = 0;
        for (CompletableFuture<String> c : sent) {
          try {
            c.join();
            ok++;
          } catch (RuntimeException e) {
            failed++;
            System.out.println("failed: " + e);
          }
        }
        System.out.println("done ok=" + ok + " failed=" + failed);
      } finally {
        callers.shutdown();
      }
    }
  }
}
