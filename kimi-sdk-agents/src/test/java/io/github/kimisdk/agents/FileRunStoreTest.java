package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
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
          .containsExactlyInAnyOrder(
              "claim", "claim.lock", "lock", "state.rec", "call_000002_0001.rec");
    }
  }

  @Test
  @Tag("multiprocess") // kills a child JVM: mvn -B -P slow verify
  void theClaimOfAProcessKilledOutrightIsFreeAtOnceNotAtTheEndOfItsLease() throws Exception {
    Path shared = dir.resolve("killed");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                shared.toString())
            .redirectErrorStream(true)
            .start();
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                holder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("HELD");
      FileRunStore store = FileRunStore.of(shared);
      Instant now = Instant.now();
      Claim held = store.claim("run-1", "worker-b", now, now.plus(LEASE));
      assertThat(held).isInstanceOf(Claim.Taken.class);
      assertThat(((Claim.Taken) held).holder()).isEqualTo("worker-a");
      // its lease runs for an hour yet; its process dies
      holder.destroyForcibly(); // SIGKILL
      assertThat(holder.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      Claim after = store.claim("run-1", "worker-b", now, now.plus(LEASE));
      assertThat(after).isInstanceOf(Claim.Held.class);
      store.put((Claim.Held) after, "state", bytes("{}"));
    } finally {
      holder.destroyForcibly();
    }
  }

  /** A worker that claims run-1 for an hour, says so, and waits to be killed. */
  public static final class Holder {
    private Holder() {}

    public static void main(String[] args) throws Exception {
      FileRunStore store = FileRunStore.of(Path.of(args[0]));
      Instant now = Instant.now();
      if (!(store.claim("run-1", "worker-a", now, now.plus(java.time.Duration.ofHours(1)))
          instanceof Claim.Held)) {
        throw new IllegalStateException("not held");
      }
      System.out.println("HELD");
      System.out.flush();
      Thread.sleep(600_000);
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
