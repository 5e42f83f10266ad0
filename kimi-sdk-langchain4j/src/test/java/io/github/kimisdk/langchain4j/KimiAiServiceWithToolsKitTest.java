package io.github.kimisdk.langchain4j;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.common.AbstractAiServiceWithToolsIT;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;

/**
 * LangChain4j's AiServices suite with tools ({@code AbstractAiServiceWithToolsIT}), run on kimi-k3
 * with thinking as it comes and with thinking off, against the fake answering the suite's prompts
 * ({@link AiServiceAnswers}). The switches and their reasons are in the module's README.
 */
class KimiAiServiceWithToolsKitTest extends AbstractAiServiceWithToolsIT {

  private final KitServer kit = new KitServer(new AiServiceAnswers());

  @AfterAll
  void closeServer() {
    kit.close();
  }

  /**
   * A picture drawn here: the suite's own fetches a photo from Wikimedia, and no test talks to the
   * internet.
   */
  @Override
  protected Image catImage() {
    BufferedImage picture = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    picture.setRGB(3, 3, 0xff8800);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(picture, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Image.builder()
        .base64Data(Base64.getEncoder().encodeToString(png.toByteArray()))
        .mimeType("image/png")
        .build();
  }

  /** Kimi takes recursive schemas: {@code $defs} at the root, {@code #/$defs/<name>} references. */
  @Override
  protected boolean supportsRecursion() {
    return true;
  }

  /** Also checks each request LangChain4j made: how many, and the tool specifications in them. */
  @Override
  protected boolean verifyModelInteractions() {
    return true;
  }

  @Override
  protected List<ChatModel> models() {
    return KitServer.thinkingModes().stream().map(t -> (ChatModel) kit.chat(t).build()).toList();
  }
}
