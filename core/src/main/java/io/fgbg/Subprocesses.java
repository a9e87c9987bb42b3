package io.fgbg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starting child processes, behind {@link Fgbg#createSubprocessExec} and {@link
 * Fgbg#createSubprocessShell}: asyncio's {@code create_subprocess_exec} and {@code
 * create_subprocess_shell}.
 *
 * <p>The child is started by the task that runs the coroutine, on the loop, without suspending:
 * the JDK's {@link ProcessBuilder#start()} returns once the child has been spawned, as asyncio's
 * {@code Popen} does inside its {@code subprocess_exec}. Then it becomes a job ({@link
 * ProcessJob}), and each of its streams started as a pipe gets its transport.
 *
 * <p>Thread regime: stateless; the coroutines run on the loop of the task that runs them.
 */
final class Subprocesses {
  /** The shell of createSubprocessShell, as asyncio's ({@code executable='/bin/sh'}). */
  static final String SHELL = "/bin/sh";

  private static final int SHOWN_LENGTH = 100;
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
  /** The JDK's reason, at the end of its message: "... error: 2 (No such file or directory) ". */
  private static final Pattern REASON = Pattern.compile(".*\\(([^()]+)\\)\\s*$");

  private Subprocesses() {}

  static Coroutine<Subprocess> exec(List<String> argv, SubprocessOptions options) {
    Objects.requireNonNull(argv, "argv");
    Objects.requireNonNull(options, "options");
    List<String> command = new ArrayList<>(argv.size());
    for (String arg : argv) {
      command.add(Objects.requireNonNull(arg, "argv contains null"));
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("argv is empty: it must name the program to run");
    }
    List<String> fixed = List.copyOf(command);
    return () -> start("createSubprocessExec", fixed, options);
  }

  static Coroutine<Subprocess> shell(String command, SubprocessOptions options) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(options, "options");
    List<String> argv = List.of(SHELL, "-c", command);
    return () -> start("createSubprocessShell", argv, options);
  }

  private static Subprocess start(String call, List<String> command, SubprocessOptions options)
      throws IOException {
    CoroutineTask<?> task = Fgbg.requireTask(call);
    EventLoop loop = task.loop;
    Process process;
    try {
      process = options.builder(command).start();
    } catch (IOException e) {
      throw cannotStart(command, options, e);
    }
    try {
      ProcessJob job = new ProcessJob(loop, process, command);
      job.watchExit(); // first: whatever fails next, the job ends with the child
      WritePipe stdin = options.pipesStdin() ? new WritePipe(job, process.getOutputStream()) : null;
      ReadPipe stdout =
          options.pipesStdout()
              ? new ReadPipe(job, "stdout", process.getInputStream(), options.limit)
              : null;
      ReadPipe stderr =
          options.pipesStderr()
              ? new ReadPipe(job, "stderr", process.getErrorStream(), options.limit)
              : null;
      return new LoopSubprocess(job, stdin, stdout, stderr);
    } catch (Throwable e) { // no thread for a pipe, ...: no child may be left behind
      process.toHandle().destroyForcibly();
      throw e;
    }
  }

  /**
   * The failure of a child that cannot start, naming it: "cannot start no-such-command: No such
   * file or directory", with the JDK's exception as its cause.
   */
  private static IOException cannotStart(
      List<String> command, SubprocessOptions options, IOException e) {
    Throwable source = e.getCause() != null ? e.getCause() : e;
    String message = String.valueOf(source.getMessage());
    Matcher reason = REASON.matcher(message);
    String why = reason.matches() ? reason.group(1) : message.strip();
    String where = options.directory != null ? " in directory " + options.directory : "";
    return new IOException("cannot start " + show(command) + where + ": " + why, e);
  }

  /**
   * {@code command} as a shell would take it back, shortened: each argument that a shell would
   * split or expand is single-quoted ({@code sh -c 'exit 3'}), as Python's {@code shlex.join}.
   */
  static String show(List<String> command) {
    StringBuilder shown = new StringBuilder();
    for (String arg : command) {
      if (!shown.isEmpty()) {
        shown.append(' ');
      }
      if (PLAIN.matcher(arg).matches()) {
        shown.append(arg);
      } else {
        shown.append('\'').append(arg.replace("'", "'\"'\"'")).append('\'');
      }
    }
    String text = shown.toString().replace("\n", "\\n");
    return text.length() <= SHOWN_LENGTH ? text : text.substring(0, SHOWN_LENGTH - 3) + "...";
  }
}
