package io.fgbg;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What {@link Subprocess#communicate(byte[])} gives back: everything the child wrote on its
 * stdout and stderr pipes, and its exit code; asyncio's {@code (stdout, stderr)} pair with the
 * {@code returncode} beside it.
 *
 * <pre>{@code
 * Output out = await(p.communicate("some data".getBytes(UTF_8)));
 * new String(out.stdout(), UTF_8);   // "some data"
 * out.exitCode();                     // 0
 * }</pre>
 *
 * <p>The arrays are the ones read, not copies. Two outputs are equal when their bytes and exit
 * codes are; {@link #toString()} shows the bytes as UTF-8 text, shortened.
 *
 * @param stdout what the child wrote on stdout; null if stdout was not a pipe (as asyncio's None)
 * @param stderr what the child wrote on stderr; null if stderr was not a pipe
 * @param exitCode the exit code, as {@link Subprocess#waitExit()} gives it
 */
public record Output(byte[] stdout, byte[] stderr, int exitCode) {

  @Override
  public boolean equals(Object other) {
    return other instanceof Output o
        && Arrays.equals(stdout, o.stdout)
        && Arrays.equals(stderr, o.stderr)
        && exitCode == o.exitCode;
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(stdout) * 31 + Arrays.hashCode(stderr)) * 31 + exitCode;
  }

  /** "Output[stdout="some data", stderr=null, exitCode=0]", each text shortened past 200 bytes. */
  @Override
  public String toString() {
    return "Output[stdout=" + show(stdout) + ", stderr=" + show(stderr) + ", exitCode=" + exitCode
        + "]";
  }

  private static String show(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    int shown = Math.min(bytes.length, 200);
    String text = new String(bytes, 0, shown, StandardCharsets.UTF_8);
    return "\"" + text.replace("\n", "\\n") + "\""
        + (shown < bytes.length ? "... (" + bytes.length + " bytes)" : "");
  }
}
