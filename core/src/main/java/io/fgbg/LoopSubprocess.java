package io.fgbg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * fgbg's {@link Subprocess}: the child's job ({@link ProcessJob}) and its pipes, as asyncio's
 * {@code Process} holds its transport and streams.
 *
 * <p>Thread regime: the fields are final. {@link #pid()}, {@link #command()}, {@link
 * #returnCode()}, {@link #terminate()} and {@link #kill()} read or signal through the job, from any
 * thread; the coroutines run on the loop that started the child, and refuse a task of another loop
 * before they touch anything.
 */
final class LoopSubprocess implements Subprocess {
  private final ProcessJob job;
  private final WritePipe stdin;
  private final ReadPipe stdout;
  private final ReadPipe stderr;

  LoopSubprocess(ProcessJob job, WritePipe stdin, ReadPipe stdout, ReadPipe stderr) {
    this.job = job;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public long pid() {
    return job.pid;
  }

  @Override
  public List<String> command() {
    return job.command;
  }

  @Override
  public StreamWriter stdin() {
    return stdin == null ? null : stdin.writer;
  }

  @Override
  public StreamReader stdout() {
    return stdout == null ? null : stdout.reader;
  }

  @Override
  public StreamReader stderr() {
    return stderr == null ? null : stderr.reader;
  }

  @Override
  public Coroutine<Integer> waitExit() {
    return () -> Streams.requireTaskOf(job.loop, "waitExit", this).await(job);
  }

  @Override
  public Coroutine<Output> communicate(byte[] input) {
    if (input != null && stdin == null) {
      throw new IllegalStateException(
          "communicate() was given input, but the stdin of process " + job.pid
              + " is not a pipe: start it with SubprocessOptions.stdin(Redirect.PIPE)");
    }
    byte[] in = input == null ? null : input.clone();
    return () -> {
      CoroutineTask<?> task = Streams.requireTaskOf(job.loop, "communicate", this);
      // asyncio's communicate: feed stdin, read stdout and stderr, each in a task, gathered
      List<Task<byte[]>> parts = new ArrayList<>(3);
      if (stdin != null) {
        parts.add(Fgbg.scheduleCoroutine(feed(in), job.loop));
      }
      Task<byte[]> out = stdout == null ? null : readAll(stdout, parts);
      Task<byte[]> err = stderr == null ? null : readAll(stderr, parts);
      try {
        if (!parts.isEmpty()) {
          Fgbg.await(Fgbg.gather(parts));
        }
        int code = task.await(job);
        return new Output(out == null ? null : out.result(), err == null ? null : err.result(), code);
      } catch (CancellationException e) {
        if (!job.isDone()) { // Ctrl-C, a timeout: the child goes too, as under waitExit()
          job.cancelOnLoop();
          try {
            task.await(job);
          } catch (CancellationException expected) {
            // the job's own cancellation; the task's is the one to throw
          }
        }
        throw e;
      }
    };
  }

  /** Writes {@code input} (if any), drains, closes stdin: a child that stopped reading is no error. */
  private Coroutine<byte[]> feed(byte[] input) {
    return () -> {
      if (input != null) {
        stdin.writer.write(input);
        try {
          Fgbg.await(stdin.writer.drain());
        } catch (IOException closedByTheChild) {
          // as asyncio's communicate ignores BrokenPipeError and ConnectionResetError
        }
      }
      stdin.writer.close();
      return null;
    };
  }

  private Task<byte[]> readAll(ReadPipe pipe, List<Task<byte[]>> parts) {
    Task<byte[]> task =
        Fgbg.scheduleCoroutine(
            () -> {
              byte[] all = Fgbg.await(pipe.reader.read(-1));
              pipe.close();
              return all;
            },
            job.loop);
    parts.add(task);
    return task;
  }

  /** The transport of stdout, or null: for the tests that measure what it holds. */
  ReadPipe stdoutPipe() {
    return stdout;
  }

  @Override
  public Integer returnCode() {
    return job.returnCode();
  }

  @Override
  public void terminate() {
    job.signal(ProcessJob.SIGTERM);
  }

  @Override
  public void kill() {
    job.signal(ProcessJob.SIGKILL);
  }

  /** "Subprocess[pid 4242, job 2, running: sleep 10]", or "exit code 0" in place of running. */
  @Override
  public String toString() {
    Integer code = job.returnCode();
    return "Subprocess[pid " + job.pid + ", job " + job.number + ", "
        + (code == null ? "running" : "exit code " + code) + ": " + job.shown + "]";
  }
}
