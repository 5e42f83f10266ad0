package io.github.kimisdk.chat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Holds one part of a user message: {@link TextPart text}, an {@link ImagePart image} or a {@link
 * VideoPart video}.
 *
 * <p>Kimi accepts images and videos only as {@code data:} URLs (base64) or as references to files
 * uploaded with purpose {@code image} or {@code video} ({@code ms://<file-id>}); it rejects plain
 * http(s) URLs. The helpers build such URLs from bytes or a file, detecting the media type from the
 * content (magic bytes) and, failing that, from the file name:
 *
 * <pre>{@code
 * ContentPart photo = ContentPart.image(Path.of("cat.png"));      // data:image/png;base64,...
 * ContentPart clip = ContentPart.videoFile("file-abc123");         // ms://file-abc123
 * }</pre>
 *
 * <p>Supported images: png, jpeg, webp, gif. Supported videos: mp4, mpeg, mov, avi, x-flv, webm,
 * wmv, 3gpp.
 */
public sealed interface ContentPart
    permits ContentPart.TextPart, ContentPart.ImagePart, ContentPart.VideoPart {

  /**
   * Creates a text part.
   *
   * @param text the text, not empty
   * @return the part
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is empty
   */
  static TextPart text(String text) {
    return new TextPart(text);
  }

  /**
   * Creates an image part holding {@code bytes} as a {@code data:} URL, detecting the media type
   * from the bytes.
   *
   * @param bytes the encoded image (png, jpeg, webp or gif)
   * @return the part
   * @throws NullPointerException if {@code bytes} is null
   * @throws IllegalArgumentException if the bytes are not a supported image format
   */
  static ImagePart image(byte[] bytes) {
    return new ImagePart(MediaTypes.detectedDataUrl(bytes, "image/"));
  }

  /**
   * Creates an image part holding {@code bytes} as a {@code data:} URL of the given media type.
   *
   * @param bytes the encoded image
   * @param mediaType the media type, such as {@code image/png}
   * @return the part
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code mediaType} is not an {@code image/} type
   */
  static ImagePart image(byte[] bytes, String mediaType) {
    return new ImagePart(MediaTypes.declaredDataUrl(bytes, mediaType, "image/"));
  }

  /**
   * Creates an image part from a file, read now and held as a {@code data:} URL. The media type
   * comes from the file's content, or from its extension when the content is not recognised.
   *
   * @param file the image file (png, jpeg, webp or gif)
   * @return the part
   * @throws NullPointerException if {@code file} is null
   * @throws IllegalArgumentException if the file is not a supported image format
   * @throws UncheckedIOException if the file cannot be read
   */
  static ImagePart image(Path file) {
    return new ImagePart(MediaTypes.fileDataUrl(file, "image/"));
  }

  /**
   * Creates an image part from a {@code data:} URL or an {@code ms://<file-id>} reference.
   *
   * @param url the URL
   * @return the part
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if {@code url} is an http(s) URL or of another unsupported
   *     kind
   */
  static ImagePart imageUrl(String url) {
    return new ImagePart(url);
  }

  /**
   * Creates an image part that refers to a file uploaded to Kimi with purpose {@code image}.
   *
   * @param fileId the id of the uploaded file
   * @return the part, with URL {@code ms://<fileId>}
   * @throws NullPointerException if {@code fileId} is null
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  static ImagePart imageFile(String fileId) {
    return new ImagePart(MediaTypes.fileUrl(fileId));
  }

  /**
   * Creates a video part holding {@code bytes} as a {@code data:} URL, detecting the media type
   * from the bytes.
   *
   * @param bytes the encoded video (mp4, mov, webm, avi, flv, mpeg, wmv or 3gpp)
   * @return the part
   * @throws NullPointerException if {@code bytes} is null
   * @throws IllegalArgumentException if the bytes are not a supported video format
   */
  static VideoPart video(byte[] bytes) {
    return new VideoPart(MediaTypes.detectedDataUrl(bytes, "video/"));
  }

  /**
   * Creates a video part holding {@code bytes} as a {@code data:} URL of the given media type.
   *
   * @param bytes the encoded video
   * @param mediaType the media type, such as {@code video/mp4}
   * @return the part
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code mediaType} is not a {@code video/} type
   */
  static VideoPart video(byte[] bytes, String mediaType) {
    return new VideoPart(MediaTypes.declaredDataUrl(bytes, mediaType, "video/"));
  }

  /**
   * Creates a video part from a file, read now and held as a {@code data:} URL. The media type
   * comes from the file's content, or from its extension when the content is not recognised. Large
   * videos are better uploaded once and sent with {@link #videoFile(String)}.
   *
   * @param file the video file
   * @return the part
   * @throws NullPointerException if {@code file} is null
   * @throws IllegalArgumentException if the file is not a supported video format
   * @throws UncheckedIOException if the file cannot be read
   */
  static VideoPart video(Path file) {
    return new VideoPart(MediaTypes.fileDataUrl(file, "video/"));
  }

  /**
   * Creates a video part from a {@code data:} URL or an {@code ms://<file-id>} reference.
   *
   * @param url the URL
   * @return the part
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if {@code url} is an http(s) URL or of another unsupported
   *     kind
   */
  static VideoPart videoUrl(String url) {
    return new VideoPart(url);
  }

  /**
   * Creates a video part that refers to a file uploaded to Kimi with purpose {@code video}.
   *
   * @param fileId the id of the uploaded file
   * @return the part, with URL {@code ms://<fileId>}
   * @throws NullPointerException if {@code fileId} is null
   * @throws IllegalArgumentException if {@code fileId} is blank
   */
  static VideoPart videoFile(String fileId) {
    return new VideoPart(MediaTypes.fileUrl(fileId));
  }

  /**
   * Holds text.
   *
   * @param text the text, never empty
   */
  record TextPart(String text) implements ContentPart {

    /**
     * Validates the text.
     *
     * @param text the text, never empty
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if {@code text} is empty (Kimi rejects empty text parts)
     */
    public TextPart {
      Objects.requireNonNull(text, "text must not be null");
      if (text.isEmpty()) {
        throw new IllegalArgumentException(
            "text must not be empty (Kimi rejects empty text content); leave the part out");
      }
    }
  }

  /**
   * Holds an image as a {@code data:} URL or an {@code ms://<file-id>} reference.
   *
   * @param url the URL
   */
  record ImagePart(String url) implements ContentPart {

    /**
     * Validates the URL.
     *
     * @param url the URL
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not a base64 {@code data:} URL or an
     *     {@code ms://} reference
     */
    public ImagePart {
      MediaTypes.checkUrl(url, "image");
    }

    /**
     * Returns a short description that abbreviates a long {@code data:} URL.
     *
     * @return the description
     */
    @Override
    public String toString() {
      return "ImagePart[url=" + MediaTypes.abbreviate(url) + "]";
    }
  }

  /**
   * Holds a video as a {@code data:} URL or an {@code ms://<file-id>} reference.
   *
   * @param url the URL
   */
  record VideoPart(String url) implements ContentPart {

    /**
     * Validates the URL.
     *
     * @param url the URL
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not a base64 {@code data:} URL or an
     *     {@code ms://} reference
     */
    public VideoPart {
      MediaTypes.checkUrl(url, "video");
    }

    /**
     * Returns a short description that abbreviates a long {@code data:} URL.
     *
     * @return the description
     */
    @Override
    public String toString() {
      return "VideoPart[url=" + MediaTypes.abbreviate(url) + "]";
    }
  }
}
