package io.fgbg;

import static io.fgbg.Fgbg.createSubprocessExec;
import static io.fgbg.Fgbg.createSubprocessShell;
import static io.fgbg.Fgbg.runInForeground;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the subprocess tests share: a real-clock loop (children run in real time), bound to the
 * test's thread and closed after each test, which fails if the test left a task pending (a child
 * it did not wait for is one); helpers to start children from the test's thread, and to look at a
 * PID in {@code /proc}.
 *
 * <p>The children of these tests never inherit the test JVM's stdin or stdout: Surefire talks to
 * its forked JVM through them. They get pipes, {@code DISCARD}, or print nothing.
 */
abstract class SubprocessLoopSupport extends StreamsLoopSupport {

  /**
   * Closes the loop as {@link StreamsLoopSupport} does (failing on tasks left pending), then
   * checks that no child of it is left running, and no pipe thread.
   */
  @AfterEach
  @Override
  void closeTheLoop() {
    super.closeTheLoop();
    assertThat(loop.children.runningChildren()).as("children left running").isEmpty();
    assertThat(loop.children.isEmpty())
        .as("pipe threads left: %s", loop.children.describeLeft())
        .isTrue();
  }

  /** Starts {@code argv} from the test's thread (a foreground run that returns at once). */
  static Subprocess exec(SubprocessOptions options, String... argv) throws Exception {
    return runInForeground(createSubprocessExec(List.of(argv), options));
  }

  /** Starts {@code command} with {@code /bin/sh -c} from the test's thread. */
  static Subprocess shell(String command, SubprocessOptions options) throws Exception {
    return runInForeground(createSubprocessShell(command, options));
  }

  /** Stdin and stdout piped, stderr discarded. */
  static SubprocessOptions inAndOut() {
    return SubprocessOptions.pipes().stderr(ProcessBuilder.Redirect.DISCARD);
  }

  /** Nothing piped, nothing inherited: for children that only run and exit. */
  static SubprocessOptions quiet() {
    return SubprocessOptions.defaults()
        .stdin(ProcessBuilder.Redirect.DISCARD)
        .stdout(ProcessBuilder.Redirect.DISCARD)
        .stderr(ProcessBuilder.Redirect.DISCARD);
  }

  /** The process state letter of {@code pid} in /proc ("S", "R", "Z"), or null if it is gone. */
  static String procState(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      // "4242 (sleep) S 1 ...": the state follows the command's closing parenthesis
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code pid} is reaped: gone from /proc (or reused by a process that is no zombie). */
  static void assertReaped(long pid) {
    assertThat(procState(pid)).as("state of pid %d in /proc", pid).isNotEqualTo("Z");
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
