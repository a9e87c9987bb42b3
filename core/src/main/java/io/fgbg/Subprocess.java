package io.fgbg;

import java.util.List;

/**
 * A child process that {@link Fgbg#createSubprocessExec} or {@link Fgbg#createSubprocessShell}
 * started: asyncio's {@code asyncio.subprocess.Process}.
 *
 * <pre>{@code
 * Subprocess p = await(createSubprocessShell("echo hi; exit 3", SubprocessOptions.pipes()));
 * String line = await(p.stdout().readLine());   // "hi", as soon as the child has written it
 * int code = await(p.waitExit());                // 3
 * }</pre>
 *
 * <p><b>Pipes.</b> The streams started as {@link java.lang.ProcessBuilder.Redirect#PIPE} are the
 * {@link StreamReader} and {@link StreamWriter} that sockets use, read and written through the
 * loop, with the same limits, {@code drain()} and backpressure: a pipe is not read while its
 * reader holds more than twice its limit, so memory stays bounded whatever the child prints.
 *
 * <p><b>A job.</b> A subprocess is a job of the loop that started it: it has a job number, and
 * {@link Fgbg#jobs()} lists it while it runs, with its PID and command ({@code [2]  Running  1.2 s
 * Task-2  pid 4242: sleep 10}). Cancelling the task of {@link #waitExit()} (or {@code
 * job(2).cancel()}, or Ctrl-C on {@code runInForeground(p.waitExit())}) ends the child as a shell
 * user expects: SIGTERM at once, SIGKILL 2 s later if it is still alive; the task ends, with its
 * {@link java.util.concurrent.CancellationException}, once the child has exited. {@link
 * EventLoop#close()} ends the children the loop started that are still running the same way.
 * Every child is reaped: none is left a zombie.
 *
 * <p><b>Exit codes.</b> The code of a normal exit; -N for a child that fgbg ended with signal N
 * ({@link #terminate()}, {@link #kill()}, a cancel, {@code close()}); 128+N for a child killed by
 * signal N from elsewhere (the JDK tells no more, as a shell does).
 *
 * <p><b>Threads.</b> {@link #pid()}, {@link #command()}, {@link #returnCode()}, {@link
 * #terminate()} and {@link #kill()} may be called from any thread; the streams follow the rules
 * of {@link StreamReader} and {@link StreamWriter}; the coroutines run in a task of the loop that
 * started the child.
 *
 * <p><b>Differences from asyncio.</b> {@link #waitExit()} returns when the child has exited, without
 * waiting for its pipes to be read (asyncio 3.11's {@code wait()} also waits for the pipes to
 * close). Signals reach the direct child only: the JDK has no process groups, so a child of the
 * child ({@code sh -c 'sleep 10'} runs {@code sleep} as one) lives on; and the pipes end with the
 * direct child (asyncio reads them until every process that holds them has closed them). {@link #terminate()} and
 * {@link #kill()} of a child that has exited do nothing (asyncio raises {@code
 * ProcessLookupError}).
 */
public interface Subprocess {
  /**
   * The child's process ID. Never suspends.
   *
   * @return the PID
   */
  long pid();

  /**
   * The command the child was started with: its program and arguments ({@code [/bin/sh, -c,
   * command]} for {@link Fgbg#createSubprocessShell}). Never suspends.
   *
   * @return the command, unmodifiable
   */
  List<String> command();

  /**
   * The writer of the child's standard input, if it was started as a pipe. {@link
   * StreamWriter#close()} closes the pipe: the child reads the end of its input. Once the child
   * has closed its end (or exited), {@link StreamWriter#drain()} throws an {@link
   * java.io.IOException} saying so, and what is written is dropped. Its {@link
   * StreamWriter#peerAddress()} is null. Never suspends.
   *
   * @return the writer, or null if stdin is not a pipe
   */
  StreamWriter stdin();

  /**
   * The reader of the child's standard output, if it was started as a pipe. What is in the pipe
   * when the child exits stays readable; then the reader sees the end of the stream: the JDK
   * closes a child's pipes once it has exited, so what a process the child started (and left
   * running) writes afterwards may be lost. Never suspends.
   *
   * @return the reader, or null if stdout is not a pipe
   */
  StreamReader stdout();

  /**
   * The reader of the child's standard error, if it was started as a pipe (not with {@link
   * SubprocessOptions#stderrToStdout()}). Never suspends.
   *
   * @return the reader, or null if stderr is not a pipe
   */
  StreamReader stderr();

  /**
   * A coroutine that waits until the child has exited and returns its exit code (asyncio's {@code
   * wait()}); it returns at once, without yielding, if the loop already knows the exit. It does
   * not wait for the pipes to be read: what the child wrote stays readable. Cancelling the task
   * that awaits it terminates the child (SIGTERM, then SIGKILL after 2 s), and the task ends with
   * its {@link java.util.concurrent.CancellationException} once the child has exited.
   *
   * @return the coroutine; it suspends until the exit, and gives the exit code (see the class
   *     comment); it throws {@link IllegalStateException} outside a task of the child's loop
   */
  Coroutine<Integer> waitExit();

  /**
   * A coroutine that writes {@code input} to the child's stdin and closes it, reads its stdout
   * and stderr pipes to their end, at the same time, and waits for its exit (asyncio's {@code
   * communicate()}). A child that stops reading its input early is no error: what it did not
   * take is dropped. With {@code input} null nothing is written, and stdin, if it is a pipe, is
   * closed all the same. Cancelling the task that awaits it terminates the child as {@link
   * #waitExit()} does. The input is copied when this method is called.
   *
   * @param input the bytes to send, or null for none
   * @return the coroutine; it suspends until the pipes are at their end and the child has exited;
   *     it gives what the child wrote and its exit code, and throws {@link
   *     IllegalStateException} outside a task of the child's loop
   * @throws IllegalStateException if {@code input} is given but stdin is not a pipe
   */
  Coroutine<Output> communicate(byte[] input);

  /**
   * The exit code, once the loop has learned of the exit (asyncio's {@code returncode}), as
   * {@link #waitExit()} gives it. Never suspends.
   *
   * @return the exit code, or null while the child runs (or its exit has not reached the loop)
   */
  Integer returnCode();

  /**
   * Sends SIGTERM to the child, at once, from any thread; its exit code is then -15 if the signal
   * ends it. Does nothing if the child has exited. Never suspends.
   */
  void terminate();

  /**
   * Sends SIGKILL to the child, at once, from any thread; its exit code is then -9. Does nothing if
   * the child has exited. Never suspends.
   */
  void kill();
}
