package io.github.kimisdk.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class NpmTest {

  @Test
  void refusesUnpinnedPackages() {
    assertThatThrownBy(() -> Npm.requirePinned("left-pad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pin an exact version");
    assertThatThrownBy(() -> Npm.requirePinned("@scope/name"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Tag("slow") // installs an npm package: mvn -B -P slow verify
  void installsOncePerMachineAndRunsThePackage() throws Exception {
    var dir = Npm.install("is-number@7.0.0");
    assertThat(Npm.install("is-number@7.0.0")).isEqualTo(dir);
    assertThat(Files.isDirectory(dir.resolve("node_modules/is-number"))).isTrue();
    try (ForeignProcess p =
        ForeignProcess.start(
            dir,
            List.of(Npm.node(), "-e", "console.log('is 5 a number: ' + require('is-number')(5))"),
            Map.of())) {
      assertThat(p.await(Pattern.compile("is 5 a number: (\\w+)"), Duration.ofSeconds(30)).group(1))
          .isEqualTo("true");
    }
  }
}
