package io.fgbg;

import java.util.Objects;

/**
 * What every kind of task shares beyond the future: a name, and a place in the loop's job table
 * ({@link Jobs}): a job number, the loop time it was made at, and whether the user made it at the
 * prompt (between foreground runs) or a task made it.
 *
 * <p>Invariants: {@code number}, {@code createdAt} and {@code topLevel} never change; {@code name}
 * is volatile because any thread may rename the task; the job-table fields below it are touched
 * only by the thread holding the loop's baton.
 *
 * @param <T> the type of the result
 */
abstract class AbstractTask<T> extends AbstractFuture<T> implements Task<T> {
  /** The job number: the N of the default name "Task-N"; 0 for a future that is not a job. */
  final long number;
  /** The loop's time when the task was made, in nanoseconds. */
  final long createdAt;
  /** The real time ({@link System#nanoTime()}) when the task was made, for ps()'s age. */
  final long createdAtReal;
  /** Made from plain code outside any run of the loop (at the prompt): a background job. */
  final boolean topLevel;
  /** In debug mode, where the task was made (asyncio's {@code _source_traceback}); else null. */
  final StackTraceElement[] creationFrames;
  private volatile String name;
  /**
   * asyncio's {@code _num_cancels_requested}: cancel requests applied, less {@link #uncancel()}s.
   * Written by the baton holder only; volatile so that any thread may read it.
   */
  private volatile int cancelRequests;

  // ---- the job table's, baton holder only

  /** Already reported as finished, or listed by jobs(): not to be reported again. */
  boolean reported;

  /** A task that is a job: numbered, listed, reported. Baton holder only. */
  AbstractTask(EventLoop loop) {
    super(loop);
    assert loop.inLoop() : "a task made off the loop";
    Jobs jobs = loop.jobs;
    this.number = jobs.nextNumber();
    this.createdAt = jobs.now();
    this.createdAtReal = jobs.realNanosAt(createdAt);
    this.topLevel = !loop.isRunning(); // the loop runs for tasks and callbacks, not the prompt
    this.creationFrames = loop.isDebug() ? userFrames() : null;
    this.name = "Task-" + number;
    jobs.add(this);
  }

  /** A future that only waits inside fgbg (an awaited stage): no number, never listed. */
  AbstractTask(EventLoop loop, String name) {
    super(loop);
    this.number = 0;
    this.createdAt = 0;
    this.createdAtReal = 0;
    this.topLevel = false;
    this.creationFrames = null;
    this.name = name;
    if (this instanceof StageTask<?>) {
      loop.jobs.awaitedStage(1); // the loop may hear from outside until it is done
    }
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    renamed();
  }

  /** Hook: the task has just been renamed, on the renaming thread. */
  void renamed() {}

  @Override
  public final int cancelling() {
    return cancelRequests;
  }

  @Override
  public final int uncancel() {
    if (loop.inLoop()) {
      return uncancelOnLoop();
    }
    return loop.onLoop(this::uncancelOnLoop);
  }

  private int uncancelOnLoop() {
    if (cancelRequests > 0) {
      cancelRequests--; // a plain read-modify-write: only the baton holder writes
    }
    return cancelRequests;
  }

  /** Counts a cancel request that is being applied (the task is not done). Baton holder only. */
  final void countCancelRequest() {
    cancelRequests++;
  }

  @Override
  final String describe() {
    return name;
  }

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /** The stack of the code making a task, from its first frame outside the library and the JDK. */
  private static StackTraceElement[] userFrames() {
    java.security.CodeSource library = AbstractTask.class.getProtectionDomain().getCodeSource();
    return WALKER.walk(
        frames ->
            frames
                .dropWhile(
                    f ->
                        f.getClassName().startsWith("java.")
                            || f.getClassName().startsWith("jdk.")
                            || java.util.Objects.equals(
                                f.getDeclaringClass().getProtectionDomain().getCodeSource(),
                                library))
                .limit(16)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toArray(StackTraceElement[]::new));
  }

  /**
   * "created at Foo.main(Foo.java:7)": the first frame of the user's code where the task was
   * made, in debug mode; else "".
   */
  final String creationSite() {
    if (creationFrames == null) {
      return "";
    }
    return creationFrames.length == 0 ? "" : "created at " + creationFrames[0];
  }

  /** True for a numbered task, which the job table lists. */
  final boolean isJob() {
    return number != 0;
  }

  /**
   * The state of a pending task in the job table: "Pending" (not started), "Ready", "Running" or
   * "Waiting". Baton holder only.
   */
  abstract String jobState();

  /** What the job table says after the name of a pending task (what it waits on), or "". */
  abstract String jobDetail();

  /**
   * True for a cancelled task whose work still runs: a background call whose thread has not
   * returned (it ignores its interrupt). The job table lists it as {@code Cancelling} until then.
   */
  boolean isStillRunningAfterCancel() {
    return false;
  }
}
