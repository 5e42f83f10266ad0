package io.github.kimisdk.base.flow;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.reactivestreams.tck.TestEnvironment;

/** {@link PublisherTck}'s rule 3.13 fails a publisher that keeps its subscriber after cancel. */
class PublisherTckTest {
  /** Every subscriber the leaking publisher ever had: kept for good. */
  static final List<Flow.Subscriber<?>> KEPT = new ArrayList<>();

  @Test
  void aPublisherThatKeepsItsSubscriberFailsRule313() {
    PublisherTck<Integer> tck =
        new PublisherTck<>(new TestEnvironment(2000, 200, 10)) {
          @Override
          public Flow.Publisher<Integer> createFlowPublisher(long elements) {
            return s -> {
              synchronized (KEPT) {
                KEPT.add(s);
              }
              new Range(elements).subscribe(s);
            };
          }

          @Override
          public Flow.Publisher<Integer> createFailedFlowPublisher() {
            return null;
          }

          @Override
          protected Duration dropBound() {
            return Duration.ofSeconds(1);
          }
        };
    assertThatThrownBy(
            tck
                ::required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not drop reference to test subscriber within PT1S");
  }
}
