package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.UserMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailRedactionTest {

  @Test
  void noAddressLeavesTheProcess() {
    Captured c = new Captured();

    int status = EmailRedaction.run(Map.of(), c.out);

    assertThat(status).as(c.text()).isZero();
    assertThat(c.text())
        .contains("[sent] addresses left: 0")
        .contains("escalations go to [email]")
        .contains("password of [email], thanks")
        .doesNotContain("ada.lovelace@example.org");
  }

  @Test
  void aMessageWithoutAnAddressIsPassedOnAsItIs() {
    Message m = Message.user("no address here, example.com is a domain");

    assertThat(EmailRedaction.redact(m)).isSameAs(m);
    assertThat(((UserMessage) EmailRedaction.redact(Message.user("write to a.b+c@d.io"))).text())
        .isEqualTo("write to [email]");
  }
}
