package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreTest extends RunStoreContract {
  @TempDir Path dir;
  private final AtomicInteger stores = new AtomicInteger();

  @Override
  protected RunStore store() {
    return FileRunStore.of(dir.resolve("store-" + stores.incrementAndGet()));
  }

  @Test
  void aRecordIsAFileOfItsOwnAndNoTemporaryFileStaysBehind() throws Exception {
    FileRunStore s = FileRunStore.of(dir.resolve("layout"));
    Claim.Held a = (Claim.Held) s.claim("run-1", "worker-a", T0, T0.plus(LEASE));
    s.put(a, "state", bytes("{}"));
    s.put(a, "call/000002/0001", bytes("{}"));

    try (Stream<Path> files = Files.list(s.directory().resolve("run-1"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("claim", "lock", "state.rec", "call_000002_0001.rec");
    }
  }

  @Test
  void twoStoresOnOneDirectoryShareTheClaims() {
    FileRunStore one = FileRunStore.of(dir.resolve("shared"));
    FileRunStore two = FileRunStore.of(dir.resolve("shared"));
    assertThat(one.claim("run-1", "a", T0, T0.plus(LEASE))).isInstanceOf(Claim.Held.class);
    assertThat(two.claim("run-1", "b", T0, T0.plus(LEASE))).isInstanceOf(Claim.Taken.class);
  }
}
