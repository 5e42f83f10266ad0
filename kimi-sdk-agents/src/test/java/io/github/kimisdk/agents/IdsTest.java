package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ids stores take, the digests and keys a run derives: the SHA-256 test vectors, and the same
 * from any thread.
 */
class IdsTest {

  @Test
  void sha256GivesTheStandardsVectors() {
    // FIPS 180-2's examples, and the empty string
    assertThat(Ids.sha256(""))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Ids.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Ids.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
        .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // UTF-8, as a call's arguments are digested
    assertThat(Ids.sha256("\u00e9")).isEqualTo(Ids.sha256(new String("\u00e9")));
  }

  @Test
  void digestsFromManyThreadsAtOnceAreEachTheirInputsAlone() throws Exception {
    Random seeds = new Random(20261129L);
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      StringBuilder b = new StringBuilder();
      int n = seeds.nextInt(300);
      for (int j = 0; j < n; j++) {
        b.append((char) (' ' + seeds.nextInt(0x2500)));
      }
      inputs.add(b.toString());
    }
    List<String> expected = new ArrayList<>();
    for (String s : inputs) {
      expected.add(Ids.sha256(s));
    }
    assertThat(expected).doesNotHaveDuplicates();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> all = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        Callable<Boolean> digests =
            () -> {
              for (int k = 0; k < 2_000; k++) {
                int i = (k * 7 + offset) % inputs.size();
                if (!Ids.sha256(inputs.get(i)).equals(expected.get(i))) {
                  return false;
                }
              }
              return true;
            };
        all.add(pool.submit(digests));
      }
      for (Future<Boolean> f : all) {
        assertThat(f.get(1, TimeUnit.MINUTES)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anIdempotencyKeyIsItsRunsStepsAndPlacesAlone() {
    String key = Ids.idempotencyKey(null, "run-1", 3, 0);
    assertThat(key).startsWith("kimi-").hasSize(45);
    assertThat(key).isEqualTo("kimi-" + Ids.sha256("run-1\u00003\u00000").substring(0, 40));
    // the keys a stored run's calls ran with are made again on resume: they never change
    assertThat(key).isEqualTo("kimi-a268816897d8d447d0f32c6185da1660d190caa6");
    assertThat(Ids.idempotencyKey("i", "run-1", 3, 0))
        .isEqualTo("kimi-96e8f1054824de833ea6b13c4fc423e3a2feb137");
    assertThat(Ids.idempotencyKey(null, "run-1", 3, 1)).isNotEqualTo(key);
    assertThat(Ids.idempotencyKey("i", "run-1", 3, 0)).isNotEqualTo(key);
  }

  @Test
  void runIdsAndRecordKeysAreCheckedAsTheirGrammarsSay() {
    for (String ok : List.of("a", "Z", "7", "run-1", "r.u_n-1", "a".repeat(128), "A.-_")) {
      assertThat(Ids.runId(ok)).isEqualTo(ok);
    }
    for (String bad :
        List.of("", "-a", ".a", "_a", "a/b", "a b", "\u00e9", "a".repeat(129), "a:1")) {
      assertThatThrownBy(() -> Ids.runId(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("a run id is 1 to 128");
    }
    for (String ok : List.of("a", "7", "state", "calls/3/0", "a-b", "a/", "a".repeat(64))) {
      assertThat(Ids.key(ok)).isEqualTo(ok);
    }
    for (String bad : List.of("", "/a", "-a", "A", "a_b", "a.b", "a".repeat(65), "a b")) {
      assertThatThrownBy(() -> Ids.key(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("a record key is");
    }
  }

  /** The checks are loops; on 20,000 seeded strings they agree with the grammars' expressions. */
  @Test
  void theChecksAgreeWithTheGrammarsRegularExpressions() {
    Pattern runId = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    Pattern key = Pattern.compile("[a-z0-9][a-z0-9/-]{0,63}");
    String alphabet = "aZ09._-/: \u00e9Ab";
    Random r = new Random(20261130L);
    int runIds = 0;
    int keys = 0;
    for (int i = 0; i < 20_000; i++) {
      int n = r.nextInt(10) == 0 ? 60 + r.nextInt(80) : r.nextInt(6);
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(r.nextInt(r.nextBoolean() ? 4 : alphabet.length())));
      }
      String s = b.toString();
      boolean isRunId = runId.matcher(s).matches();
      boolean isKey = key.matcher(s).matches();
      runIds += isRunId ? 1 : 0;
      keys += isKey ? 1 : 0;
      assertThat(accepts(() -> Ids.runId(s))).as("run id %s", s).isEqualTo(isRunId);
      assertThat(accepts(() -> Ids.key(s))).as("key %s", s).isEqualTo(isKey);
    }
    // both sides of each grammar were drawn
    assertThat(runIds).isBetween(1_000, 19_000);
    assertThat(keys).isBetween(1_000, 19_000);
  }

  private static boolean accepts(Runnable check) {
    try {
      check.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
