package io.github.kimisdk.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/** Media-type detection and URL checks for {@link ContentPart}. */
final class MediaTypes {
  private MediaTypes() {}

  static String dataUrl(String mediaType, byte[] bytes) {
    return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  static String fileUrl(String fileId) {
    Objects.requireNonNull(fileId, "fileId must not be null");
    if (fileId.isBlank()) {
      throw new IllegalArgumentException(
          "fileId must not be blank: pass the id of an uploaded file");
    }
    return "ms://" + fileId;
  }

  /** The kind of part a media type prefix makes: {@code "image"} or {@code "video"}. */
  private static String kind(String prefix) {
    return prefix.equals("image/") ? "image" : "video";
  }

  /** The formats Kimi takes for parts of {@code prefix}'s kind, for messages. */
  private static String formats(String prefix) {
    return prefix.equals("image/")
        ? "png, jpeg, webp, gif"
        : "mp4, mov, webm, avi, flv, mpeg, wmv, 3gpp";
  }

  /**
   * A media type of {@code prefix}'s kind, for messages: {@code image/png} or {@code video/mp4}.
   */
  private static String example(String prefix) {
    return prefix + (prefix.equals("image/") ? "png" : "mp4");
  }

  /**
   * Returns a {@code data:} URL of {@code bytes}, their media type (one of {@code prefix}) detected
   * from them.
   */
  static String detectedDataUrl(byte[] bytes, String prefix) {
    String kind = kind(prefix);
    Objects.requireNonNull(bytes, kind + " bytes must not be null");
    String type = sniff(bytes);
    if (!supported(type, prefix)) {
      throw new IllegalArgumentException(
          "cannot detect a supported "
              + kind
              + " format ("
              + formats(prefix)
              + ") from the bytes"
              + (type == null ? "" : " (they look like " + type + ")")
              + "; pass the media type with ContentPart."
              + kind
              + "(bytes, \""
              + example(prefix)
              + "\")");
    }
    return dataUrl(type, bytes);
  }

  /** Returns a {@code data:} URL of {@code bytes} of {@code mediaType}, one of {@code prefix}. */
  static String declaredDataUrl(byte[] bytes, String mediaType, String prefix) {
    Objects.requireNonNull(bytes, kind(prefix) + " bytes must not be null");
    return dataUrl(check(mediaType, prefix), bytes);
  }

  /**
   * Returns a {@code data:} URL of {@code file}, read now, its media type (one of {@code prefix})
   * detected from its content or, failing that, its name.
   */
  static String fileDataUrl(Path file, String prefix) {
    byte[] bytes = read(file);
    return dataUrl(detect(file, bytes, prefix), bytes);
  }

  static String check(String mediaType, String prefix) {
    Objects.requireNonNull(mediaType, "mediaType must not be null");
    String t = mediaType.trim().toLowerCase(Locale.ROOT);
    if (!t.startsWith(prefix) || t.length() == prefix.length()) {
      throw new IllegalArgumentException(
          "mediaType must be a "
              + prefix
              + "* type, such as "
              + example(prefix)
              + ": "
              + mediaType);
    }
    return t;
  }

  static byte[] read(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static String detect(Path file, byte[] bytes, String prefix) {
    String type = sniff(bytes);
    if (type == null) {
      type = byExtension(file);
    }
    if (!supported(type, prefix)) {
      String kind = kind(prefix);
      throw new IllegalArgumentException(
          "cannot detect a supported "
              + kind
              + " format for "
              + file
              + (type == null ? "" : " (it looks like " + type + ")")
              + "; supported: "
              + formats(prefix)
              + ", or pass the media type with ContentPart."
              + kind
              + "(bytes, mediaType)");
    }
    return type;
  }

  /** Tells whether Kimi accepts {@code type}, detected from content, for a part of that kind. */
  static boolean supported(String type, String prefix) {
    return type != null && type.startsWith(prefix) && !type.equals("image/svg+xml");
  }

  /** Returns the media type the magic bytes at the start of {@code b} announce, or null. */
  static String sniff(byte[] b) {
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8')
        && (startsWith(b, 4, '7', 'a') || startsWith(b, 4, '9', 'a'))) {
      return "image/gif";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F')) {
      if (startsWith(b, 8, 'W', 'E', 'B', 'P')) {
        return "image/webp";
      }
      if (startsWith(b, 8, 'A', 'V', 'I', ' ')) {
        return "video/x-msvideo";
      }
      return null;
    }
    if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
      // ISO base media file: the major brand tells QuickTime and 3GPP apart from MP4.
      if (startsWith(b, 8, 'q', 't', ' ', ' ')) {
        return "video/quicktime";
      }
      if (startsWith(b, 8, '3', 'g')) {
        return "video/3gpp";
      }
      return "video/mp4";
    }
    if (startsWith(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
      return "video/webm";
    }
    if (startsWith(b, 0, 'F', 'L', 'V', 0x01)) {
      return "video/x-flv";
    }
    if (startsWith(b, 0, 0x00, 0x00, 0x01, 0xBA) || startsWith(b, 0, 0x00, 0x00, 0x01, 0xB3)) {
      return "video/mpeg";
    }
    if (startsWith(b, 0, 0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11)) {
      return "video/x-ms-wmv";
    }
    if (startsWith(b, 0, '<', '?', 'x', 'm', 'l') || startsWith(b, 0, '<', 's', 'v', 'g')) {
      return "image/svg+xml";
    }
    return null;
  }

  static String byExtension(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return null;
    }
    String s = name.toString();
    int dot = s.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    switch (s.substring(dot + 1).toLowerCase(Locale.ROOT)) {
      case "png":
        return "image/png";
      case "jpg":
      case "jpeg":
        return "image/jpeg";
      case "webp":
        return "image/webp";
      case "gif":
        return "image/gif";
      case "svg":
        return "image/svg+xml";
      case "mp4":
      case "m4v":
        return "video/mp4";
      case "mov":
        return "video/quicktime";
      case "webm":
        return "video/webm";
      case "avi":
        return "video/x-msvideo";
      case "flv":
        return "video/x-flv";
      case "mpeg":
      case "mpg":
        return "video/mpeg";
      case "wmv":
        return "video/x-ms-wmv";
      case "3gp":
        return "video/3gpp";
      default:
        return null;
    }
  }

  private static boolean startsWith(byte[] b, int at, int... magic) {
    if (b.length < at + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[at + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static void checkUrl(String url, String kind) {
    Objects.requireNonNull(url, kind + " url must not be null");
    String lower =
        url.length() > 16
            ? url.substring(0, 16).toLowerCase(Locale.ROOT)
            : url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      throw new IllegalArgumentException(
          "Kimi does not fetch "
              + kind
              + "s from http(s) URLs: it accepts only data: URLs (base64) and files uploaded to"
              + " Kimi (ms://<file-id>). Download the "
              + kind
              + " and use ContentPart."
              + kind
              + "(bytes) or ContentPart."
              + kind
              + "(path), or upload it and use ContentPart."
              + kind
              + "File(fileId): "
              + abbreviate(url));
    }
    if (lower.startsWith("ms://")) {
      if (url.length() == 5) {
        throw new IllegalArgumentException(kind + " url ms:// needs a file id: ms://<file-id>");
      }
      return;
    }
    if (lower.startsWith("data:")) {
      int comma = url.indexOf(',');
      if (comma < 0 || !url.regionMatches(true, comma - 7, ";base64", 0, 7)) {
        throw new IllegalArgumentException(
            kind
                + " data: URL must be base64-encoded, as data:<media-type>;base64,<data>: "
                + abbreviate(url));
      }
      return;
    }
    throw new IllegalArgumentException(
        kind
            + " url must be a data: URL (base64) or ms://<file-id> of an uploaded file: "
            + abbreviate(url));
  }

  static String abbreviate(String url) {
    if (url.length() <= 64) {
      return url;
    }
    return url.substring(0, 48) + "...(" + url.length() + " chars)";
  }
}
