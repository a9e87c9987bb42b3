package io.fgbg;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;

/**
 * Watches for a step that holds the loop: a callback or a task step that neither returns nor
 * awaits (a blocking call inside a coroutine, a busy loop). asyncio's debug-mode "Executing ...
 * took 1.000 seconds", but reported while the step is still running, and not only in debug mode.
 *
 * <p>The thread that called {@code runInForeground} has nothing to do while its run goes on: it
 * parks until the loop is handed back. With a threshold set, it parks for a quarter of it at a
 * time and, at each wake-up, reads the dispatcher's pulse (a counter of callbacks begun that the
 * dispatcher bumps with one plain write): a pulse that has not moved for the threshold while the
 * loop is not waiting for work means one step holds it. The report names the task and where it is
 * ({@code Task-2 has held the loop for 1.0 s without awaiting, at Ticker.run(Ticker.java:12): a
 * blocking call inside a coroutine? use callInBackground}), once per step, through {@code
 * System.Logger} ({@code io.fgbg}, WARNING), or on {@code System.err} in the interactive shell.
 * After the caller's first interrupt the same watch interrupts that step's thread, so that a
 * blocking call in it ends (see {@link ForegroundRun}).
 *
 * <p>A step that runs on the caller's own thread (a callback run before the first task step of a
 * run) cannot be watched: the watcher is busy running it.
 *
 * <p>Thread regime: {@code thresholdNanos} may be written from any thread (volatile). The watch
 * state is the run's caller's, one caller at a time (the baton's {@code running} flag makes runs
 * of a loop exclusive); {@code heldPulse} and {@code heldSince} are published (volatile) for the
 * messages of calls that find the loop held after the caller has left.
 */
final class SlowStepWatch {
  static final long DEFAULT_THRESHOLD = Duration.ofSeconds(1).toNanos();
  static final long DEBUG_THRESHOLD = Duration.ofMillis(100).toNanos();
  /** How soon after a first interrupt a step that has not moved has its thread interrupted. */
  private static final long INTERRUPT_AFTER = Duration.ofMillis(20).toNanos();

  /** How often the caller looks with the report off. */
  private static final long OFF_POLL = Duration.ofMillis(250).toNanos();

  private static final System.Logger LOG = System.getLogger("io.fgbg");

  private final Dispatcher dispatcher;
  private final Baton baton;
  private volatile long thresholdNanos = DEFAULT_THRESHOLD;

  // ---- the caller's, during its run

  private int lastPulse = -1;
  private long since;
  private boolean reported;
  /** The first interrupt asks for the holding step's thread to be interrupted. */
  private boolean interruptHolder;
  private long interruptAsked;

  // ---- published for calls that find the loop held

  private volatile int heldPulse = -1;
  private volatile long heldSince;

  SlowStepWatch(Dispatcher dispatcher, Baton baton) {
    this.dispatcher = dispatcher;
    this.baton = baton;
  }

  void setThreshold(long nanos) {
    thresholdNanos = nanos;
  }

  long threshold() {
    return thresholdNanos;
  }

  /** A new run begins: forget the last one's step. Caller only. */
  void reset() {
    lastPulse = -1;
    reported = false;
    interruptHolder = false;
  }

  /**
   * How long the caller may park before the next look: a quarter of the threshold, but never more
   * than a quarter of a second (the way out of a wedged loop needs to see the step whatever the
   * threshold, and with the report off), and
   * every 10 ms while a first interrupt waits to reach a holding step. Caller only.
   */
  long pollNanos() {
    long threshold = thresholdNanos;
    long poll = threshold > 0 ? Math.min(Math.max(threshold / 4, 1_000_000), OFF_POLL) : OFF_POLL;
    return interruptHolder ? Math.min(poll, INTERRUPT_AFTER / 2) : poll;
  }

  /** The caller's first interrupt: the step holding the loop, if any, is to be interrupted. */
  void interruptHoldingStep() {
    interruptHolder = true;
    interruptAsked = System.nanoTime();
    look(); // start timing the step now if not yet
  }

  /** One look at the loop, after a wake-up of the parked caller. Caller only. */
  void look() {
    int pulse = dispatcher.pulseFromOutside();
    long now = System.nanoTime();
    Thread holder = baton.owner();
    if (pulse != lastPulse || dispatcher.isIdleFromOutside() || holder == null) {
      lastPulse = pulse;
      since = now;
      reported = false;
      heldPulse = -1;
      return;
    }
    long held = now - since;
    if (held >= INTERRUPT_AFTER) {
      heldSince = since;
      heldPulse = pulse;
    }
    if (interruptHolder && now - interruptAsked >= INTERRUPT_AFTER && held >= INTERRUPT_AFTER) {
      interruptHolder = false;
      holder.interrupt(); // Thread.sleep, a blocking read...: ends with InterruptedException
    }
    long threshold = thresholdNanos;
    if (!reported && threshold > 0 && held >= threshold) {
      reported = true;
      report(holder, held);
    }
  }

  private void report(Thread holder, long heldNanos) {
    StackTraceElement[] stack = holder.getStackTrace();
    String line =
        holderName()
            + " has held the loop for "
            + seconds(heldNanos)
            + " without awaiting"
            + at(stack)
            + ": a blocking call inside a coroutine? use callInBackground";
    if (!Boolean.getBoolean("fgbg.interactive")) {
      try {
        LOG.log(Level.WARNING, line + frames(stack));
        return;
      } catch (Throwable broken) { // a logging set-up that fails (out of descriptors, say)
        // falls through: the report must not end the caller's run
      }
    }
    System.err.println(line);
    System.err.flush();
  }

  /**
   * Describes the step holding the loop for a message: "Task-2, whose step has not returned for
   * 12.3 s (at Spin.run(Spin.java:3))". From any thread.
   */
  String describeHolder() {
    Thread holder = baton.owner();
    StringBuilder text = new StringBuilder(holderName());
    long since = heldSince;
    if (heldPulse >= 0 && heldPulse == dispatcher.pulseFromOutside()) {
      text.append(", whose step has not returned for ").append(seconds(System.nanoTime() - since));
    } else {
      text.append(", in a step that has not returned yet");
    }
    if (holder != null) {
      String at = at(holder.getStackTrace());
      if (!at.isEmpty()) {
        text.append(" (").append(at.substring(2)).append(')');
      }
    }
    return text.toString();
  }

  /**
   * Interrupts the thread of a step seen holding the loop, if one still does: for a caller that
   * leaves its run on something other than an interrupt (JShell's Ctrl-C). Caller only.
   */
  void interruptIfHeld() {
    Thread holder = baton.owner();
    if (holder != null && holder != Thread.currentThread() && isHeld()) {
      holder.interrupt();
    }
  }

  /** "holding the loop for 9.7 s, at Spin.run(Spin.java:3)": the job table's detail. */
  String describeStuckStep() {
    Thread holder = baton.owner();
    String at = holder == null ? "" : at(holder.getStackTrace());
    return "holding the loop for " + seconds(System.nanoTime() - heldSince) + " without awaiting" + at;
  }

  /** True if a step has been seen holding the loop, and still does. From any thread. */
  boolean isHeld() {
    return heldPulse >= 0 && heldPulse == dispatcher.pulseFromOutside();
  }

  private String holderName() {
    CoroutineTask<?> task = dispatcher.currentTaskFromOutside();
    if (task == null) {
      return "a callback";
    }
    String site = task.creationSite(); // debug mode only
    return site.isEmpty() ? task.name() : task.name() + " (" + site + ")";
  }

  /** ", at Foo.run(Foo.java:12)": the top frame of the user's code, or "". */
  static String at(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (!isPlatformFrame(frame)) {
        return ", at " + frame;
      }
    }
    return "";
  }

  /** The frames above the loop's own, one per line, as a stack trace prints them. */
  static String frames(StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (StackTraceElement frame : stack) {
      if (isLoopFrame(frame) || shown == 12) {
        break;
      }
      text.append(System.lineSeparator()).append("\tat ").append(frame);
      shown++;
    }
    return text.toString();
  }

  private static boolean isPlatformFrame(StackTraceElement frame) {
    String c = frame.getClassName();
    return c.startsWith("java.")
        || c.startsWith("jdk.")
        || c.startsWith("sun.")
        || c.startsWith("com.sun.")
        || isLoopFrame(frame);
  }

  /**
   * A frame of fgbg's own machinery, below the user's code: these classes and their nested ones
   * (a task's thread enters its body from {@code Dispatcher.TaskThread}).
   */
  private static boolean isLoopFrame(StackTraceElement frame) {
    String c = frame.getClassName();
    return isOrNestedIn(c, CoroutineTask.class)
        || isOrNestedIn(c, Dispatcher.class)
        || isOrNestedIn(c, CallbackHandle.class)
        || isOrNestedIn(c, TimerHandle.class);
  }

  private static boolean isOrNestedIn(String className, Class<?> outer) {
    String name = outer.getName();
    return className.startsWith(name)
        && (className.length() == name.length() || className.charAt(name.length()) == '$');
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
