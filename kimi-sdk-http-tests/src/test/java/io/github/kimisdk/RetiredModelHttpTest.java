package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model Moonshot retired is named as retired: in a warning before the first call with it (once
 * per client and id), and in the 404 Kimi answers; it is still sent, since a server may serve it.
 */
@ExtendWith(FakeKimiExtension.class)
class RetiredModelHttpTest {

  @Test
  void aRetiredIdIsWarnedAboutOncePerClientAndSentAsAsked(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient kimi = clients.build(b -> b.logger(log));
    for (int i = 0; i < 3; i++) {
      catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k2-turbo-preview", "hi")));
    }
    catchThrowable(() -> kimi.stream(ChatRequest.of("kimi-k2-turbo-preview", "hi")).toCompletion());
    assertThat(server.requestCount()).as("sent every time: never refused").isEqualTo(4);
    assertThat(log.lines)
        .singleElement()
        .asString()
        .contains("kimi-k2-turbo-preview was retired on 2026-05-25")
        .contains("use kimi-k2.6 instead");

    // another client warns on its own; another retired id gets its own warning
    CapturingLogger other = new CapturingLogger(Level.WARNING);
    KimiClient second = clients.build(b -> b.logger(other));
    catchThrowable(() -> second.chat(ChatRequest.of("kimi-k2-turbo-preview", "hi")));
    catchThrowable(() -> second.chat(ChatRequest.of("moonshot-v1-32k", "hi")));
    assertThat(other.lines).hasSize(2);
    assertThat(other.lines.get(1)).contains("moonshot-v1-32k was retired on 2026-08-31");
  }

  @Test
  void theFakeAnswersEveryRetiredIdWith404AsKimiDoesAndTheExceptionNamesTheSuccessor(
      KimiClient kimi) {
    for (String id : new String[] {"kimi-k2.5", "moonshot-v1-8k", "kimi-latest"}) {
      Throwable e = catchThrowable(() -> kimi.chat(ChatRequest.of(id, "hi")));
      assertThat(e)
          .as(id)
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Not found the model " + id + " or Permission denied")
          .hasMessageContaining(id + " was retired on")
          .hasMessageContaining("use kimi-k2.6 instead");
      assertThat(((NotFoundException) e).errorType()).contains("resource_not_found_error");
    }
  }

  @Test
  void aServerThatListsARetiredIdServesItAndATableUpdatedFromItWarnsNothing(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.addModel(ModelCatalog.defaults().lookup("kimi-k2.5"));
    CapturingLogger log = new CapturingLogger(Level.WARNING);
    KimiClient plain = clients.build(b -> b.logger(log));
    KimiClient learned =
        clients.build(
            b -> b.logger(log).catalog(ModelCatalog.defaults().updated(plain.models().list())));
    assertThat(learned.chat(ChatRequest.of("kimi-k2.5", "hi")).text()).isEqualTo("You said: hi");
    assertThat(log.lines).isEmpty();
  }
}
