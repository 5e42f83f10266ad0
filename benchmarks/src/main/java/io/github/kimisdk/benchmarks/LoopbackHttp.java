package io.github.kimisdk.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The HTTP/1.1 of the fake servers over sockets ({@link SoakServer}, {@link FaultServer}): a
 * request read from a connection, and a chunked body written.
 */
final class LoopbackHttp {

  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private LoopbackHttp() {}

  /** Writes one chunk of a chunked body and flushes it: one SSE event per network write. */
  static void chunk(OutputStream out, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.write(CRLF);
    out.flush();
  }

  /** Ends a chunked body with its last, empty chunk, and flushes it. */
  static void endChunks(OutputStream out) throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static final byte[] CRLF = {'\r', '\n'};

  /** One HTTP/1.1 request: method, path, body, and whether the connection stays open. */
  static final class Request {
    final String method;
    final String path;
    final byte[] body;
    final boolean keepAlive;

    private Request(String method, String path, byte[] body, boolean keepAlive) {
      this.method = method;
      this.path = path;
      this.body = body;
      this.keepAlive = keepAlive;
    }

    /**
     * Reads a request, or returns null at the end of the input before one started.
     *
     * @param in the connection's input
     * @param started run when the request's first byte has come
     * @param maxBodyBytes the largest body taken
     * @return the request, or null
     * @throws IOException when the input ends inside the request, or it is over the limits
     */
    static Request read(InputStream in, Runnable started, int maxBodyBytes) throws IOException {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      started.run();
      ByteArrayOutputStream head = new ByteArrayOutputStream(512);
      head.write(first);
      for (int last = first; last != 0x0D0A0D0A; ) { // the last four bytes read: CR LF CR LF ends
        int b = in.read();
        if (b < 0) {
          throw new IOException("the request ended in its headers");
        }
        head.write(b);
        if (head.size() > MAX_HEADER_BYTES) {
          throw new IOException("request headers over " + MAX_HEADER_BYTES + " bytes");
        }
        last = (last << 8) | b;
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3) {
        throw new IOException("bad request line: " + lines[0]);
      }
      long length = 0;
      boolean chunked = false;
      boolean keepAlive = true;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equals("connection")) {
          keepAlive = !value.toLowerCase(Locale.ROOT).contains("close");
        }
      }
      byte[] body = chunked ? readChunked(in, maxBodyBytes) : readFixed(in, length, maxBodyBytes);
      return new Request(requestLine[0], requestLine[1], body, keepAlive);
    }

    private static byte[] readFixed(InputStream in, long length, int maxBodyBytes)
        throws IOException {
      if (length > maxBodyBytes) {
        throw new IOException("request body over " + maxBodyBytes + " bytes");
      }
      byte[] body = in.readNBytes((int) length);
      if (body.length != length) {
        throw new IOException("the request body ended early");
      }
      return body;
    }

    private static byte[] readChunked(InputStream in, int maxBodyBytes) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(in);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers, ignored
          }
          return body.toByteArray();
        }
        if (body.size() + size > maxBodyBytes) {
          throw new IOException("request body over " + maxBodyBytes + " bytes");
        }
        body.write(readFixed(in, size, maxBodyBytes));
        line(in);
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder s = new StringBuilder();
      for (int b; (b = in.read()) != '\n'; ) {
        if (b < 0 || s.length() > 1024) {
          throw new IOException("bad chunk line");
        }
        if (b != '\r') {
          s.append((char) b);
        }
      }
      return s.toString();
    }
  }
}
