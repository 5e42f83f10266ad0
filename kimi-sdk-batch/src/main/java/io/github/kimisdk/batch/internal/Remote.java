package io.github.kimisdk.batch.internal;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.platform.Batch;
import io.github.kimisdk.platform.BatchLine;
import io.github.kimisdk.platform.FileObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run asks of Kimi's file and batch endpoints, each call blocking until it is answered and
 * failing with the {@link io.github.kimisdk.errors.KimiException} it is. {@code BatchRun}
 * implements it on the client's public calls: the engine stands below them.
 */
public interface Remote {

  /**
   * Uploads a part's input file with purpose {@code batch}.
   *
   * @param file the file, streamed from disk
   * @param filename the name it is stored under
   * @return the stored file
   */
  FileObject upload(Path file, String filename);

  /**
   * Lists the account's files.
   *
   * @return the files
   */
  List<FileObject> files();

  /**
   * Creates a batch over an uploaded input file.
   *
   * @param inputFileId the input file
   * @param completionWindow the completion window
   * @param metadata the batch's metadata
   * @return the batch
   */
  Batch create(String inputFileId, String completionWindow, Map<String, String> metadata);

  /**
   * Lists batches, newest first.
   *
   * @param after the id to list after, or null
   * @param limit how many
   * @return the page
   */
  List<Batch> list(String after, int limit);

  /**
   * Returns a batch's state.
   *
   * @param batchId the batch
   * @return the batch
   */
  Batch get(String batchId);

  /**
   * Asks for a batch to be cancelled.
   *
   * @param batchId the batch
   */
  void cancel(String batchId);

  /**
   * Downloads a file's content to {@code target}, at most {@code limit} bytes.
   *
   * @param fileId the file
   * @param target where to write it
   * @param limit the most bytes
   */
  void download(String fileId, Path target, long limit);

  /**
   * Returns a batch input file's line for a row, as the client sends its request.
   *
   * @param customId the row's id
   * @param request the row's request
   * @return the line's bytes, with its line feed
   * @throws io.github.kimisdk.errors.KimiException if the client refuses the request
   */
  byte[] inputLine(String customId, ChatRequest request);

  /**
   * Reads a line of a batch's output or error file, its texts kept as the client keeps a server's.
   *
   * @param line the line
   * @return what it says
   * @throws io.github.kimisdk.errors.DecodingException if it cannot be read
   */
  BatchLine readLine(String line);

  /**
   * Deletes a file.
   *
   * @param fileId the file
   */
  void delete(String fileId);
}
