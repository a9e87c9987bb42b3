package io.fgbg;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child process as a job of its loop: the task whose result is the child's exit code, numbered
 * and listed by {@code jobs()} with the PID and the command ({@code [2]  Running  1.2 s  Task-2
 * pid 4242: sleep 10}). {@link LoopSubprocess#waitExit()} awaits it.
 *
 * <p>The JDK reaps the child (its {@code waitpid} runs on a thread of the JDK's own) and
 * completes {@link Process#onExit()}; the exit then comes to the loop through its inbox, as a
 * background call's outcome does. Cancelling the job, which is what cancelling a task that awaits
 * it does, sends SIGTERM at once and SIGKILL {@value #GRACE_SECONDS} s later if the child is still
 * alive (on a timer of the JDK's, so that the kill comes whether or not the loop runs); the job is
 * cancelled once the exit has come.
 *
 * <p>Signals go through the process's {@link ProcessHandle}, which checks the process's start time
 * so that a PID reused after the exit is never signalled, and leaves the pipes alone ({@link
 * Process#destroy()} would close them, and lose what the child has written).
 *
 * <p>Invariants: the future's state, {@code cancellation} and the job-table fields are the baton
 * holder's. Signals may be sent from any thread: {@code signalled} is an atomic set of the signals
 * sent, set before each is sent, so the exit that follows always sees it. {@code returnCode} and
 * {@code cancelledAt} are volatile, written by the baton holder (and {@code cancelledAt} by the
 * thread that requests a cancel), so that any thread may read them ({@code returnCode()}, a
 * {@code jobs()} copy read without the baton).
 */
final class ProcessJob extends AbstractTask<Integer> {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  static final long GRACE_SECONDS = 2;

  final Process process;
  final long pid;
  final List<String> command;
  /** The command as a shell would show it, shortened: "sh -c 'exit 3'". */
  final String shown;

  /** Bit N set: fgbg sent signal N. */
  private final AtomicLong signalled = new AtomicLong();
  /** The cancel's signals are sent once, whichever thread asks first. */
  private final AtomicBoolean ending = new AtomicBoolean();
  /** System.nanoTime() of the first cancel request, or 0. */
  private volatile long cancelledAt;
  /** The exit code, once the loop has taken the exit; else null. */
  private volatile Integer returnCode;
  /** The CancellationException the job ends with, once it has been cancelled. Holder only. */
  private CancellationException cancellation;

  /** A job for {@code process}, just started with {@code command}. Baton holder only. */
  ProcessJob(EventLoop loop, Process process, List<String> command) {
    super(loop);
    this.process = process;
    this.pid = process.pid();
    this.command = command;
    this.shown = Subprocesses.show(command);
  }

  /** Registers the child with its loop's watcher and has its exit brought to the loop. */
  void watchExit() {
    loop.children.started(this);
    process
        .onExit()
        .whenComplete(
            (ignored, failure) -> {
              loop.children.exited(this);
              loop.post(this::exited);
            });
  }

  // ---- signals, from any thread

  /** Sends {@code signal} (SIGTERM or SIGKILL) if the child is alive; records it first. */
  void signal(int signal) {
    if (!process.isAlive()) {
      return; // after the exit: nothing, and nothing recorded
    }
    signalled.getAndUpdate(bits -> bits | 1L << signal);
    ProcessHandle handle = process.toHandle();
    if (signal == SIGKILL) {
      handle.destroyForcibly();
    } else {
      handle.destroy();
    }
  }

  /** SIGTERM now, SIGKILL after the grace period if still alive; once, from any thread. */
  private void beginEnding() {
    if (ending.compareAndSet(false, true)) {
      cancelledAt = System.nanoTime();
      signal(SIGTERM);
      CompletableFuture.delayedExecutor(GRACE_SECONDS, TimeUnit.SECONDS)
          .execute(() -> signal(SIGKILL));
    }
  }

  /** At close, when the phases could not end the child: SIGKILL now. Any thread. */
  void killNow() {
    signal(SIGKILL);
  }

  /** The exit code as fgbg gives it: -N for signal N that fgbg sent, else the JDK's value. */
  private int exitCode() {
    int raw = process.exitValue();
    int signal = raw - 128;
    if (signal > 0 && signal < 64 && (signalled.get() & 1L << signal) != 0) {
      return -signal;
    }
    return raw;
  }

  Integer returnCode() {
    return returnCode;
  }

  // ---- the task

  /** The exit has reached the loop: the job is done. */
  private void exited() {
    if (isDone()) {
      return;
    }
    int code = exitCode();
    returnCode = code;
    if (cancellation != null) {
      setCancelled(cancellation);
    } else {
      setResult(code);
    }
  }

  /**
   * asyncio's {@code Task.cancel()} for a child: ends the child (SIGTERM, then SIGKILL) and
   * becomes cancelled once it has exited, not before; so a task that awaits it finishes after the
   * child has gone, as a shell's Ctrl-C returns once the foreground job is dead.
   */
  @Override
  boolean cancelOnLoop() {
    if (isDone()) {
      return false;
    }
    countCancelRequest();
    if (cancellation == null) {
      cancellation = cancelledError(name() + " was cancelled");
    }
    beginEnding();
    return true;
  }

  @Override
  void cancelRequestedFromOtherThread() {
    beginEnding(); // at once: the loop may be busy, the child need not wait for it
  }

  @Override
  String jobState() {
    if (!process.isAlive()) {
      return "Ready"; // exited; the loop has not taken the exit yet
    }
    return cancelledAt != 0 ? "Cancelling" : "Running";
  }

  @Override
  String jobDetail() {
    String detail = "pid " + pid + ": " + shown;
    if (!process.isAlive()) {
      return detail + " (exited with " + exitCode() + ")";
    }
    long sent = signalled.get();
    boolean killed = (sent & 1L << SIGKILL) != 0;
    long since = cancelledAt;
    if (since != 0 && !killed) {
      double left = GRACE_SECONDS - (System.nanoTime() - since) / 1e9;
      return detail
          + String.format(Locale.ROOT, " (SIGTERM sent, SIGKILL in %.1f s)", Math.max(0, left));
    }
    if (sent != 0) {
      boolean terminated = (sent & 1L << SIGTERM) != 0;
      return detail + " (" + (terminated ? "SIGTERM" : "") + (terminated && killed ? ", " : "")
          + (killed ? "SIGKILL" : "") + " sent)";
    }
    return detail;
  }

  @Override
  public String toString() {
    return "Task[" + name() + ", process " + pid + ": " + shown + ", " + stateText() + "]";
  }
}
