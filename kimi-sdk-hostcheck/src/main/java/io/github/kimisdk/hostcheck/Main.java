package io.github.kimisdk.hostcheck;

/**
 * This artifact's {@code Main-Class}: {@code java -jar kimi-sdk-hostcheck-VERSION.jar verify ...}
 * runs {@link VerifyCommand}, the host check, and exits with its status. The only class of the SDK
 * that writes to standard output, and only when run as a program.
 */
public final class Main {

  private Main() {}

  /**
   * Runs the command line and exits with its status: 0 when every check passed, 1 when one failed,
   * 2 for a command line that cannot be run.
   *
   * @param args the command line, {@code verify} and its options
   */
  public static void main(String... args) {
    int status = VerifyCommand.run(args, System.getenv(), System.out, System.err);
    System.out.flush();
    System.exit(status);
  }
}
