package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code communicate()}'s results and the return codes, against CPython: {@code
 * subprocess/communicate_and_returncode.py} runs the same cases under asyncio, and the lines must
 * be the same, but for the one difference the JDK imposes (and the contract keeps): a child killed
 * by a signal that fgbg did not send gives 128+N where asyncio gives -N. Skipped, saying why,
 * without python3 3.11.
 */
class SubprocessAsyncioReferenceTest extends SubprocessLoopSupport {

  /** The cases whose child kills itself: asyncio's -N, fgbg's 128+N. */
  private static final List<String> SIGNAL_FROM_ELSEWHERE = List.of("self_kill_9", "self_term_15");

  private final List<String> lines = new ArrayList<>();

  /** Python's repr of bytes, for the ASCII these cases print; null is None. */
  private static String repr(byte[] bytes) {
    if (bytes == null) {
      return "None";
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    return "b'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }

  private void show(String name, Output out) {
    lines.add(
        name + ": stdout=" + repr(out.stdout()) + " stderr=" + repr(out.stderr()) + " returncode="
            + out.exitCode());
  }

  /** asyncio's PIPE for all three, unless a case says otherwise. */
  private static SubprocessOptions streams(Redirect stdin, Redirect stdout, Redirect stderr) {
    return SubprocessOptions.defaults().stdin(stdin).stdout(stdout).stderr(stderr);
  }

  private static final Redirect PIPE = Redirect.PIPE;
  private static final Redirect DEVNULL = Redirect.DISCARD;

  private Coroutine<Void> communicate(
      String name, List<String> argv, byte[] data, SubprocessOptions options) {
    return () -> {
      Subprocess proc = await(createSubprocessExec(argv, options));
      show(name, await(proc.communicate(data)));
      return null;
    };
  }

  @Test
  void communicateAndReturnCodesAreAsyncios() throws Exception {
    List<String> asyncio =
        AsyncioReference.printedBy("/subprocess/communicate_and_returncode.py");
    SubprocessOptions pipes = SubprocessOptions.pipes();
    foreground(
        () -> {
          await(communicate("cat", List.of("cat"), "some data".getBytes(), pipes));
          await(
              communicate(
                  "exit_3",
                  List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                  null,
                  streams(DEVNULL, PIPE, PIPE)));
          await(
              communicate(
                  "stdout_devnull",
                  List.of("sh", "-c", "echo out; echo err >&2"),
                  null,
                  streams(PIPE, DEVNULL, PIPE)));
          await(
              communicate(
                  "stderr_devnull",
                  List.of("sh", "-c", "echo out; echo err >&2"),
                  null,
                  streams(PIPE, PIPE, DEVNULL)));
          await(
              communicate(
                  "stderr_to_stdout",
                  List.of("sh", "-c", "echo one; echo two >&2; echo three"),
                  null,
                  streams(DEVNULL, PIPE, PIPE).stderrToStdout()));
          await(communicate("empty_input", List.of("wc", "-c"), new byte[0], pipes));
          await(
              communicate(
                  "input_not_read", List.of("sh", "-c", "exit 0"), new byte[1 << 20], pipes));
          await(
              communicate(
                  "self_kill_9",
                  List.of("sh", "-c", "kill -9 $$"),
                  null,
                  streams(DEVNULL, PIPE, PIPE)));
          await(
              communicate(
                  "self_term_15",
                  List.of("sh", "-c", "kill -15 $$"),
                  null,
                  streams(DEVNULL, PIPE, PIPE)));

          Subprocess proc =
              await(createSubprocessShell("exit 7", SubprocessOptions.defaults().stdin(DEVNULL)));
          Integer before = proc.returnCode();
          int code = await(proc.waitExit());
          int again = await(proc.waitExit());
          lines.add(
              "shell_exit_7: before=" + (before == null ? "None" : before) + " wait=" + code
                  + " again=" + again + " returncode=" + proc.returnCode());

          for (String name : List.of("kill", "terminate")) {
            Subprocess sleeper =
                await(
                    createSubprocessExec(
                        List.of("sleep", "3600"), SubprocessOptions.defaults().stdin(DEVNULL)));
            if (name.equals("kill")) {
              sleeper.kill();
            } else {
              sleeper.terminate();
            }
            int exit = await(sleeper.waitExit());
            lines.add(name + ": wait=" + exit + " returncode=" + sleeper.returnCode());
          }

          Subprocess lister =
              await(
                  createSubprocessShell(
                      "for i in 1 2 3; do echo line $i; done; exit 2",
                      SubprocessOptions.defaults().stdin(DEVNULL).stdout(PIPE)));
          List<String> got = new ArrayList<>();
          for (String line; (line = await(lister.stdout().readLine())) != null; ) {
            got.add(repr((line + "\n").getBytes()));
          }
          lines.add("readline: [" + String.join(", ", got) + "] wait=" + await(lister.waitExit()));
          return null;
        });

    List<String> expected = new ArrayList<>();
    for (String line : asyncio) {
      String name = line.substring(0, line.indexOf(':'));
      if (SIGNAL_FROM_ELSEWHERE.contains(name)) {
        int signal = Integer.parseInt(name.substring(name.lastIndexOf('_') + 1));
        assertThat(line).as("asyncio's code for " + name).endsWith("returncode=-" + signal);
        line = line.replace("returncode=-" + signal, "returncode=" + (128 + signal));
      }
      expected.add(line);
    }
    assertThat(lines).containsExactlyElementsOf(expected);
  }
}
