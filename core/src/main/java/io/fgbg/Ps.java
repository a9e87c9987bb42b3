package io.fgbg;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listing of {@link Fgbg#ps()}: every task of a loop that is not done, what it awaits, and
 * where its code stands, for a test or a program that seems stuck.
 *
 * <pre>
 * [1]   Waiting  0.4 s  ticker  sleep until 3.000 s
 *         at Ticker.lambda$main$0(Ticker.java:12)
 *         ... and 9 frames of fgbg and the JDK
 * [2]*  Running  0.4 s  Task-2  holds the loop
 *         at Main.lambda$main$1(Main.java:20)
 *         ... and 6 frames of fgbg and the JDK
 * [3]   Running  0.1 s  Task-3  call running in fgbg-background-1
 *         at Main.load(Main.java:31)
 *         ... and 5 frames of fgbg and the JDK
 * </pre>
 *
 * <p>One line per task, in job order: the job number, {@code *} for the task whose step holds the
 * loop, the state in {@link Fgbg#jobs()}'s words ({@code Stuck} for a step seen holding the loop
 * without awaiting), the age in real time since the task was made (on a virtual clock too, where
 * the loop's time may stand still), the name, and what it awaits: {@code sleep until} its
 * deadline on the loop's clock, another task's name, {@code read from ...}, {@code call running
 * in ...}, as the job table says it. Then its stack, indented: a coroutine's is its virtual
 * thread's, a background call's is the thread running the call; the frames of the user's code
 * come first, top first, and those of fgbg and the JDK are counted, not shown. A task that has
 * not started, or that follows a stage, has no stack.
 *
 * <p>Thread regime: read from any thread, never waiting for the loop: with the baton while the
 * loop is idle, else a copy read without it (as {@code jobs()} does), which may be a moment old
 * while the loop runs elsewhere. Stacks are read with {@link Thread#getStackTrace()}, which a
 * running thread answers at its next safe point.
 */
final class Ps {
  private Ps() {}

  /** The most frames of the user's code shown per task. */
  static final int MAX_USER_FRAMES = 24;

  private static final String INDENT = "        ";

  /** The listing of {@code loop}, as {@link Fgbg#ps(EventLoop)} prints it; "" once closed. */
  static String text(EventLoop loop) {
    if (loop.isClosed()) {
      return "";
    }
    String text = loop.onLoopIfFree(() -> render(loop));
    return text != null ? text : render(loop);
  }

  private record Row(String[] columns, List<String> stack) {}

  private static String render(EventLoop loop) {
    CoroutineTask<?> current = loop.dispatcher.currentTaskFromOutside();
    Thread holder = loop.baton.owner();
    boolean stuck = loop.watch.isHeld();
    List<Row> rows = new ArrayList<>();
    int[] widths = new int[5];
    for (AbstractTask<?> task : loop.jobs.pendingCopy()) {
      String[] columns;
      try {
        columns = columns(loop, task, current, holder, stuck);
      } catch (RuntimeException changing) { // read while the holder changed it: a hint at most
        columns = new String[] {"[" + task.number + "]", "?", age(task), task.name(), ""};
      }
      for (int i = 0; i < columns.length; i++) {
        widths[i] = Math.max(widths[i], columns[i].length());
      }
      rows.add(new Row(columns, stack(task)));
    }
    StringBuilder text = new StringBuilder();
    String nl = System.lineSeparator();
    for (Row row : rows) {
      StringBuilder line = new StringBuilder();
      String[] c = row.columns();
      pad(line, c[0], widths[0], false);
      pad(line, c[1], widths[1], false);
      pad(line, c[2], widths[2], true);
      pad(line, c[3], c[4].isEmpty() ? 0 : widths[3], false);
      line.append(c[4]);
      text.append(line.toString().stripTrailing()).append(nl);
      for (String frame : row.stack()) {
        text.append(INDENT).append(frame).append(nl);
      }
    }
    return text.toString();
  }

  private static String[] columns(
      EventLoop loop, AbstractTask<?> task, CoroutineTask<?> current, Thread holder, boolean stuck) {
    boolean holds =
        task instanceof CoroutineTask<?> c && c == current && holder != null && holder == c.thread;
    String state;
    String awaits;
    if (holds && stuck) {
      state = "Stuck";
      awaits = loop.watch.describeStuckStep();
    } else if (holds) {
      state = "Running";
      awaits = "holds the loop";
    } else {
      state = task.jobState();
      awaits = task instanceof CoroutineTask<?> c ? c.awaiting() : task.jobDetail();
    }
    return new String[] {
      "[" + task.number + "]" + (holds ? "*" : ""), state, age(task), task.name(), awaits
    };
  }

  private static String age(AbstractTask<?> task) {
    long nanos = Math.max(0, System.nanoTime() - task.createdAtReal);
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static void pad(StringBuilder line, String text, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - text.length()));
    line.append(right ? fill + text : text + fill).append("  ");
  }

  // ------------------------------------------------------------------ stacks

  /** The thread whose stack is the task's: its body's, or its call's; null if none. */
  private static Thread threadOf(AbstractTask<?> task) {
    if (task instanceof CoroutineTask<?> c) {
      return c.thread;
    }
    if (task instanceof BackgroundCall<?> call) {
      return call.runnerThread();
    }
    return null;
  }

  /** The stack lines of {@code task}: user frames ("at ..."), then a count of the others. */
  static List<String> stack(AbstractTask<?> task) {
    Thread thread = threadOf(task);
    if (thread == null) {
      return List.of();
    }
    return describe(thread.getStackTrace());
  }

  /** The frames of the user's code in {@code frames}, top first, then how many others there are. */
  static List<String> describe(StackTraceElement[] frames) {
    List<String> lines = new ArrayList<>();
    int others = 0;
    int user = 0;
    for (StackTraceElement frame : frames) {
      if (!isUserFrame(frame)) {
        others++;
      } else if (user++ < MAX_USER_FRAMES) {
        lines.add("at " + frame);
      }
    }
    if (user > MAX_USER_FRAMES) {
      lines.add("... and " + (user - MAX_USER_FRAMES) + " more frames of the program");
    }
    if (others > 0) {
      lines.add(
          (user == 0 ? "(no frame of the program: " : "... and ")
              + others
              + (others == 1 ? " frame" : " frames")
              + " of fgbg and the JDK"
              + (user == 0 ? ")" : ""));
    }
    return lines;
  }

  // ------------------------------------------------------------------ whose frame

  private static final CodeSource LIBRARY = Ps.class.getProtectionDomain().getCodeSource();
  private static final ConcurrentHashMap<String, Boolean> LIBRARY_CLASSES =
      new ConcurrentHashMap<>();

  /** True for a frame of the program: neither the JDK's nor one of fgbg's own classes. */
  static boolean isUserFrame(StackTraceElement frame) {
    String c = frame.getClassName();
    if (c.startsWith("java.")
        || c.startsWith("jdk.")
        || c.startsWith("sun.")
        || c.startsWith("com.sun.")) {
      return false;
    }
    return !LIBRARY_CLASSES.computeIfAbsent(c, Ps::isLibraryClass);
  }

  /** True if the class named {@code name} comes from where fgbg's own classes come from. */
  private static boolean isLibraryClass(String name) {
    if (!name.startsWith("io.fgbg.")) {
      return false;
    }
    try {
      Class<?> c = Class.forName(name, false, Ps.class.getClassLoader());
      return Objects.equals(c.getProtectionDomain().getCodeSource(), LIBRARY);
    } catch (ClassNotFoundException | LinkageError | SecurityException notOurs) {
      return false; // a class of another loader (JShell's, say): the program's
    }
  }
}
