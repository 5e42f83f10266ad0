package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.platform.Balance;
import io.github.kimisdk.platform.PingResult;
import io.github.kimisdk.testing.FakeResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PlatformHttpTest extends FakeSuite {

  @Test
  void balanceKeepsExactDecimals() {
    Balance b = kimi.account().balance();
    assertThat(b.available()).isEqualTo(new BigDecimal("49.58894"));
    assertThat(b.voucher()).isEqualTo(new BigDecimal("46.58893"));
    assertThat(b.cash()).isEqualTo(new BigDecimal("3.00001"));
    assertThat(b.canSpend()).isTrue();
    assertThat(server.takeRequest().path()).isEqualTo("/v1/users/me/balance");
  }

  @Test
  void balanceInArrearsCannotSpend() {
    server.enqueue(
        FakeResponse.json(
            "{\"code\":0,\"data\":{\"available_balance\":0,\"voucher_balance\":0,"
                + "\"cash_balance\":-1.5},\"scode\":\"0x0\",\"status\":true}"));
    Balance b = kimi.account().balance();
    assertThat(b.cash()).isEqualTo(new BigDecimal("-1.5"));
    assertThat(b.canSpend()).isFalse();
  }

  @Test
  void balanceWithoutDataIsADecodingError() {
    server.enqueue(FakeResponse.json("{\"code\":0}"));
    assertThatThrownBy(() -> kimi.account().balance())
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("no data");
  }

  @Test
  void pingIsOkWithAGoodKey() {
    PingResult p = kimi.account().ping();
    assertThat(p.status()).isEqualTo(PingResult.Status.OK);
    assertThat(p.isOk()).isTrue();
    assertThat(p.httpStatus()).isEqualTo(200);
    assertThat(p.error()).isNull();
    assertThat(kimi.account().ping().isOk()).isTrue();
    assertThat(server.takeRequest().path()).isEqualTo("/v1/models");
  }

  @Test
  void pingTellsABadKeyApart() {
    server.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\","
                + "\"message\":\"Invalid Authentication\"}}"));
    PingResult p = kimi.account().ping();
    assertThat(p.status()).isEqualTo(PingResult.Status.BAD_KEY);
    assertThat(p.httpStatus()).isEqualTo(401);
    assertThat(p.error()).isInstanceOf(AuthenticationException.class);

    server.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\","
                + "\"message\":\"Invalid Authentication\"}}"));
    assertThat(kimi.account().ping().isOk()).isFalse();
  }

  @Test
  void pingTellsAnUnreachableHostApart() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (KimiClient c =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl("http://127.0.0.1:" + port + "/v1")
            .build()) {
      PingResult p = c.account().ping();
      assertThat(p.status()).isEqualTo(PingResult.Status.UNREACHABLE);
      assertThat(p.httpStatus()).isZero();
      assertThat(p.error()).isInstanceOf(ConnectionException.class);
    }
  }

  @Test
  void pingReportsOtherErrors() {
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}"));
    PingResult p = kimi.account().ping();
    assertThat(p.status()).isEqualTo(PingResult.Status.ERROR);
    assertThat(p.httpStatus()).isEqualTo(500);
  }

  @Test
  void platformCallsOnAClosedClientFail() {
    kimi.close();
    assertThatThrownBy(() -> kimi.account().balance()).isInstanceOf(IllegalStateException.class);
  }
}
