package io.fgbg;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A loop's job table: the tasks that are not done (asyncio's {@code _all_tasks}), and, the way a
 * POSIX shell keeps them, the jobs that finished and have not been reported yet.
 *
 * <p>Every task has a job number, the N of its default name "Task-N". A <em>background job</em>
 * is a task made from plain code between foreground runs (at the prompt): when it finishes, it is
 * reported once, at the end of the next {@code runInForeground}, as bash reports {@code [2]+
 * Done ticker} at its next prompt; unless somebody took its outcome meanwhile (awaited it,
 * gathered it, read its result, ran it in the foreground), as bash says nothing of a job that
 * {@code wait} or {@code fg} reaped. A task that another task (or a callback) made is reported only
 * if it failed and nobody took its exception: asyncio's "Task exception was never retrieved", at a
 * time one can count on.
 *
 * <p>A notice is not a retrieval: a failure nobody retrieved is also kept in a list of its own
 * ({@value #KEPT_UNRETRIEVED} at most), and reported through the loop's exception handler as
 * asyncio's "Task exception was never retrieved" if still nobody has taken it when the loop closes
 * ({@link #reportUnretrieved()}), or at once when it is pushed out of the full list. The task of a
 * foreground run is never in it: the run's caller gets the exception.
 *
 * <p>Memory stays bounded in a loop that runs for days: a finished task is kept only until it is
 * reported ({@value #KEPT_FINISHED} at most waiting for a report), then among the last {@value
 * #KEPT_REPORTED} reported, for {@link Fgbg#job(long)}.
 *
 * <p>A cancelled background call whose thread still runs (it ignores its interrupt) is done, but
 * stays in the table as {@code Cancelling} until its thread returns ({@code cancelling}).
 *
 * <p>Invariants: only the thread holding the loop's baton touches the table; {@code notices} is
 * volatile. Job numbers grow with every task made, so the pending set's order is number order;
 * they are {@code long}s, which never wrap (at 10,000 tasks a second, for 29 million years).
 */
final class Jobs {
  static final int KEPT_FINISHED = 1000;
  static final int KEPT_REPORTED = 32;
  static final int KEPT_UNRETRIEVED = 1000;

  private static final Comparator<AbstractTask<?>> BY_NUMBER =
      Comparator.comparingLong(task -> task.number);

  private final EventSources sources;
  private final LoopExceptions exceptions;
  /**
   * The jobs not done, in number order. A hash table never shrinks, so once a burst of tasks has
   * ended, leaving an eighth of its peak or less, the set is made anew for what is left ({@link
   * #done}): a loop that once held 100,000 tasks does not keep a table for 100,000 for good.
   */
  private LinkedHashSet<AbstractTask<?>> pending = new LinkedHashSet<>();
  /** The most tasks {@code pending} has held since it was made. */
  private int pendingPeak;
  /** Below this peak a table is never made anew: it is small anyway. */
  static final int RESIZE_FROM = 1024;

  /**
   * The rule for the loop's tables that never shrink by themselves (this set, the timer heap):
   * make one anew once it holds an eighth of its peak or less, the peak being at least {@link
   * #RESIZE_FROM}. Each remake copies at most an eighth of what was removed since the last.
   */
  static boolean isSparse(int size, int peak) {
    return peak >= RESIZE_FROM && size <= peak / 8;
  }
  private long counter;
  /** Finished tasks that may need a report, oldest first. */
  private final ArrayDeque<AbstractTask<?>> finished = new ArrayDeque<>();
  /** Finished tasks pushed out of {@code finished} unreported, since the last report. */
  private int dropped;
  /** The last tasks reported (or reaped silently), for job(n) after a notice. */
  private final ArrayDeque<AbstractTask<?>> reported = new ArrayDeque<>();
  /**
   * Tasks that failed while nobody had taken their outcome, oldest first, until the loop closes;
   * some may have been retrieved since (checked when they are reported).
   */
  private final ArrayDeque<AbstractTask<?>> unretrieved = new ArrayDeque<>();
  /** Cancelled tasks whose work still runs in a thread, until it returns. */
  private final LinkedHashSet<AbstractTask<?>> cancelling = new LinkedHashSet<>();
  /** Print notices at the end of foreground runs. */
  volatile boolean notices = true;
  /**
   * Pending background calls, and pending tasks that follow a {@code CompletionStage} (jobs, and
   * the stages tasks await): the work whose outcome comes from outside the loop, which a virtual
   * clock waits for before it jumps (see EventSources.waitOnVirtualClock).
   */
  private int backgroundCalls;

  private int followedStages;

  Jobs(EventSources sources, LoopExceptions exceptions) {
    this.sources = sources;
    this.exceptions = exceptions;
  }

  // ---- the life of a task

  long nextNumber() {
    return ++counter;
  }

  /** For tests: the next task made gets number {@code last + 1}. */
  void setLastNumber(long last) {
    counter = last;
  }

  /** The loop's time. */
  long now() {
    return sources.now();
  }

  /** The real time ({@link System#nanoTime()}) at which the loop's clock read {@code loopTime}. */
  long realNanosAt(long loopTime) {
    return sources.realNanosAt(loopTime);
  }

  /** The most jobs pending at once since the set was last made anew (for tests). */
  int pendingPeak() {
    return pendingPeak;
  }

  void add(AbstractTask<?> task) {
    pending.add(task);
    pendingPeak = Math.max(pendingPeak, pending.size());
    countOutside(task, 1);
  }

  /** A stage a task awaits, followed by a task that is not a job: made ({@code +1}) or done. */
  void awaitedStage(int delta) {
    followedStages += delta;
  }

  private void countOutside(AbstractTask<?> task, int delta) {
    if (task instanceof BackgroundCall<?> || task instanceof ProcessJob) { // real-time work
      backgroundCalls += delta;
    } else if (task instanceof StageTask<?>) {
      followedStages += delta;
    }
  }

  /** The background calls of the loop that are not done. */
  int backgroundCalls() {
    return backgroundCalls;
  }

  /** The tasks following a CompletionStage that are not done, jobs or not. */
  int followedStages() {
    return followedStages;
  }

  /** A job became done; {@code foreground}: the task of the run now going on, whose caller sees it. */
  void done(AbstractTask<?> task, boolean foreground) {
    pending.remove(task);
    if (isSparse(pending.size(), pendingPeak)) {
      pending = new LinkedHashSet<>(pending); // same order; a table for what is left
      pendingPeak = pending.size();
    }
    countOutside(task, -1);
    if (task.isCancelled() && task.isStillRunningAfterCancel()) {
      cancelling.add(task);
    }
    if (foreground) {
      return;
    }
    if (isUnseenFailure(task)) {
      keepUnretrieved(task);
    } else if (!task.topLevel) {
      return;
    }
    finished.addLast(task);
    if (finished.size() > KEPT_FINISHED) {
      remember(finished.pollFirst());
      dropped++;
    }
  }

  private void keepUnretrieved(AbstractTask<?> task) {
    unretrieved.addLast(task);
    if (unretrieved.size() > KEPT_UNRETRIEVED) {
      reportIfUnretrieved(unretrieved.pollFirst());
    }
  }

  private void reportIfUnretrieved(AbstractTask<?> task) {
    if (!task.isObserved()) {
      exceptions.call(
          ExceptionContext.of(LoopExceptions.NEVER_RETRIEVED, task.failureNow(), task));
    }
  }

  private static boolean isUnseenFailure(AbstractTask<?> task) {
    return !task.isObserved() && !task.isCancelled() && task.failureNow() != null;
  }

  /** True if the finished {@code task} is still worth a report. */
  private static boolean needsReport(AbstractTask<?> task) {
    return !task.reported && !task.isObserved() && (task.topLevel || isUnseenFailure(task));
  }

  private void remember(AbstractTask<?> task) {
    task.reported = true;
    reported.addLast(task);
    if (reported.size() > KEPT_REPORTED) {
      reported.pollFirst();
    }
  }

  /** The thread of a background call returned: a cancelled one leaves the table. */
  void callReturned(AbstractTask<?> task) {
    cancelling.remove(task);
  }

  // ---- what the loop and Fgbg ask

  /** The tasks that are not done, in the order they were made. */
  Set<Task<?>> pendingTasks() {
    return Collections.unmodifiableSet(new LinkedHashSet<Task<?>>(pending));
  }

  /** The same, for close() to cancel. */
  List<AbstractFuture<?>> pendingList() {
    return new ArrayList<>(pending);
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** The task numbered {@code n}: pending, or finished and still remembered; else null. */
  AbstractTask<?> find(long n) {
    for (var group : List.of(pending, cancelling, finished, reported)) {
      for (AbstractTask<?> task : group) {
        if (task.number == n) {
          return task;
        }
      }
    }
    return null;
  }

  /**
   * The notices of the jobs that finished since the last report, one line each, and marks them
   * reported; none while notices are off (they then wait for {@code jobs()}).
   */
  List<String> takeNotices() {
    if (!notices || finished.isEmpty()) {
      return List.of();
    }
    List<AbstractTask<?>> toReport = takeFinished();
    toReport.sort(BY_NUMBER); // as bash reports them: in job order, not in the order they ended
    List<AbstractTask<?>> table = new ArrayList<>(pending);
    table.addAll(toReport);
    List<String> lines = format(toReport, markers(table), false);
    addDropped(lines);
    return lines;
  }

  /** The job table, as {@code jobs()} prints it; the finished jobs listed count as reported. */
  String table() {
    List<AbstractTask<?>> rows = listed(takeFinished());
    List<String> lines = format(rows, markers(rows), true);
    addDropped(lines);
    return text(lines);
  }

  /**
   * The job table read by a thread that cannot have the baton (the loop runs elsewhere, or a step
   * holds it): a best-effort copy that changes nothing (the finished jobs listed stay unreported),
   * with {@code stuck}, if not null, shown as {@code Stuck} with {@code stuckDetail}.
   */
  String tableWithoutBaton(AbstractTask<?> stuck, String stuckDetail) {
    return copiedFromOutside(
        () -> {
          List<AbstractTask<?>> rows = listed(finished);
          return text(format(rows, markers(rows), true, stuck, stuckDetail));
        },
        "(the job table is changing too fast to be read from outside the loop)"
            + System.lineSeparator());
  }

  /**
   * The tasks that are not done, and the cancelled calls whose threads still run (ps() shows
   * their stacks), in number order: with the baton, or a best-effort copy read by a thread that
   * cannot have it (empty if the table keeps changing).
   */
  List<AbstractTask<?>> pendingCopy() {
    return copiedFromOutside(() -> listed(List.of()), List.of());
  }

  /** The pending tasks, the cancelling calls and {@code finishedToo}, once each, in number order. */
  private List<AbstractTask<?>> listed(Collection<AbstractTask<?>> finishedToo) {
    LinkedHashSet<AbstractTask<?>> listed = new LinkedHashSet<>(pending);
    listed.addAll(cancelling);
    listed.addAll(finishedToo);
    List<AbstractTask<?>> rows = new ArrayList<>(listed);
    rows.removeIf(task -> task == null); // a copy made while the holder changed a set
    rows.sort(BY_NUMBER);
    return rows;
  }

  /**
   * {@code copy}, made by a thread that may not hold the baton: a table that changes while it is
   * copied is copied again, ten times at most, then {@code ifChanging}.
   */
  private static <R> R copiedFromOutside(Supplier<R> copy, R ifChanging) {
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        return copy.get();
      } catch (RuntimeException changing) { // the holder changed the table meanwhile
        // read it again
      }
    }
    return ifChanging;
  }

  /**
   * At close, once every task is done: reports through the exception handler, in job order, each
   * task that failed and whose exception nobody has retrieved, and forgets them all.
   */
  void reportUnretrieved() {
    List<AbstractTask<?>> tasks = new ArrayList<>(unretrieved);
    unretrieved.clear();
    tasks.sort(BY_NUMBER);
    for (AbstractTask<?> task : tasks) {
      reportIfUnretrieved(task);
    }
  }

  /**
   * For a test's check before close ({@link Inspection}): the tasks that failed and whose
   * exception nobody has retrieved, in job order, each marked retrieved now, so that neither a
   * notice nor {@link #reportUnretrieved()} reports it again; forgets them all.
   */
  List<AbstractTask<?>> takeUnretrieved() {
    List<AbstractTask<?>> tasks = new ArrayList<>();
    for (AbstractTask<?> task : unretrieved) {
      if (!task.isObserved()) {
        task.markObserved();
        tasks.add(task);
      }
    }
    unretrieved.clear();
    tasks.sort(BY_NUMBER);
    return tasks;
  }

  /** The lines of a table, each ended by the platform's line separator. */
  private static String text(List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append(System.lineSeparator());
    }
    return text.toString();
  }

  /** At close: the finished tasks are of no more use. */
  void forgetFinished() {
    finished.clear();
    cancelling.clear();
    reported.clear();
    dropped = 0;
  }

  /** Prints notices on {@code System.err}, as bash prints job notices on its standard error. */
  static void print(List<String> notices) {
    if (notices.isEmpty()) {
      return;
    }
    PrintStream err = System.err;
    for (String line : notices) {
      err.println(line);
    }
    err.flush();
  }

  /** Empties {@code finished}: returns those that need a report; all are remembered. */
  private List<AbstractTask<?>> takeFinished() {
    List<AbstractTask<?>> toReport = new ArrayList<>();
    for (AbstractTask<?> task : finished) {
      if (needsReport(task)) {
        toReport.add(task);
      }
      remember(task);
    }
    finished.clear();
    return toReport;
  }

  private void addDropped(List<String> lines) {
    if (dropped > 0) {
      lines.add(
          "... and "
              + dropped
              + " more finished jobs, not kept (the last "
              + KEPT_FINISHED
              + " are kept until reported)");
      dropped = 0;
    }
  }

  // ---- formatting

  /**
   * bash's {@code +} and {@code -}: the numbers of the two most recent background jobs in {@code
   * table} (0 for none). Tasks that tasks made get no marker.
   */
  private static long[] markers(List<AbstractTask<?>> table) {
    long current = 0;
    long previous = 0;
    for (AbstractTask<?> task : table) {
      if (!task.topLevel || task.number == current) {
        continue;
      }
      if (task.number > current) {
        previous = current;
        current = task.number;
      } else if (task.number > previous) {
        previous = task.number;
      }
    }
    return new long[] {current, previous};
  }

  /**
   * One line per task, in columns: {@code [N]M  State  [age]  name  detail}, like bash's {@code
   * jobs}; each column but the last as wide as its widest entry.
   */
  private List<String> format(List<AbstractTask<?>> tasks, long[] markers, boolean withAge) {
    return format(tasks, markers, withAge, null, null);
  }

  private List<String> format(
      List<AbstractTask<?>> tasks,
      long[] markers,
      boolean withAge,
      AbstractTask<?> stuck,
      String stuckDetail) {
    long now = now();
    List<String[]> rows = new ArrayList<>(tasks.size());
    int[] widths = new int[5];
    for (AbstractTask<?> task : tasks) {
      char marker =
          task.number == markers[0] ? '+' : task.number == markers[1] ? '-' : ' ';
      boolean finished = task.isDone() && !cancelling.contains(task); // Cancelling: its own
      String[] row = {
        "[" + task.number + "]" + marker,
        task == stuck ? "Stuck" : finished ? finishedState(task) : task.jobState(),
        withAge ? age(now - task.createdAt) : "",
        task.name(),
        task == stuck ? stuckDetail : finished ? finishedDetail(task) : task.jobDetail()
      };
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
      rows.add(row);
    }
    List<String> lines = new ArrayList<>(rows.size());
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      pad(line, row[0], widths[0], false);
      pad(line, row[1], widths[1], false);
      if (withAge) {
        pad(line, row[2], widths[2], true);
      }
      pad(line, row[3], row[4].isEmpty() ? 0 : widths[3], false);
      line.append(row[4]);
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  private static void pad(StringBuilder line, String text, int width, boolean right) {
    if (right) {
      line.append(" ".repeat(width - text.length())).append(text);
    } else {
      line.append(text).append(" ".repeat(Math.max(0, width - text.length())));
    }
    line.append("  ");
  }

  private static String finishedState(AbstractTask<?> task) {
    if (task.isCancelled()) {
      return "Cancelled";
    }
    return task.failureNow() == null ? "Done" : "Failed";
  }

  private static String finishedDetail(AbstractTask<?> task) {
    Throwable failure = task.failureNow();
    if (task.isCancelled() || failure == null) {
      return "";
    }
    String brief = Throwables.brief(failure);
    int newline = brief.indexOf('\n');
    return newline < 0 ? brief : brief.substring(0, newline).stripTrailing() + " ...";
  }

  /** "12.3 s": a task's age on the loop's clock. */
  static String age(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", Math.max(0, nanos) / 1e9);
  }
}
