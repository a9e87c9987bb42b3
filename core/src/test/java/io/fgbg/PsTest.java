package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.untilIdle;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Fgbg#ps()}: a line per task with its state, age, name and what it awaits, then the
 * frames of the program's code in its stack; read without waiting for the loop.
 *
 * <p>The age is real time and the line numbers are the source's: both are normalised ({@code N
 * s}, {@code :N}) before the listings are compared, as are the counts of fgbg's and the JDK's
 * frames, the port of the connection, the background thread's number and the lambdas' numbers.
 */
@Timeout(60)
class PsTest {
  private final EventLoop loop = EventLoop.createVirtual();
  private final CountDownLatch callEntered = new CountDownLatch(1);
  private final CountDownLatch releaseCall = new CountDownLatch(1);

  @AfterEach
  void closeTheLoop() {
    releaseCall.countDown();
    loop.close();
  }

  /** The listing with what changes from run to run replaced by N. */
  private static String normalised(String ps) {
    return ps.replaceAll("\\d+\\.\\d s", "N s")
        .replaceAll("\\.java:\\d+\\)", ".java:N)")
        .replaceAll("and \\d+ frames", "and N frames")
        .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:N")
        .replaceAll("fgbg-background-\\d+", "fgbg-background-N")
        .replaceAll("\\$\\d+\\(", "\\$N(")
        .replace(System.lineSeparator(), "\n");
  }

  // ---- the bodies, as named methods so that their frames are the program's own

  private static Void sleeper() throws Exception {
    await(sleep(ofSeconds(5)));
    return null;
  }

  private String caller() throws Exception {
    return await(callInBackground(this::blockingCall));
  }

  private String blockingCall() throws InterruptedException {
    callEntered.countDown();
    releaseCall.await();
    return "released";
  }

  private static Object waiter(Task<?> other) throws Exception {
    return await(other);
  }

  private static byte[] reader(Connection connection) throws Exception {
    return await(connection.reader().read(100));
  }

  @Test
  void eachTaskShowsWhatItAwaitsAndTheFrameOfTheProgramItWaitsIn() throws Exception {
    try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Connection connection =
          runInForeground(openConnection("127.0.0.1", peer.getLocalPort()), loop); // Task-1
      Task<Void> sleeping = scheduleCoroutine(PsTest::sleeper, loop);
      sleeping.setName("sleeper");
      Task<String> calling = scheduleCoroutine(this::caller, loop);
      calling.setName("caller");
      scheduleCoroutine(() -> waiter(calling), loop).setName("waiter");
      scheduleCoroutine(() -> reader(connection), loop).setName("reader");
      runInForeground(untilIdle(), loop); // Task-6; the caller's background call is Task-7
      callEntered.await();

      assertThat(normalised(Ps.text(loop)))
          .isEqualTo(
              """
              [2]  Waiting  N s  sleeper  sleep until 5.000 s
                      at io.fgbg.PsTest.sleeper(PsTest.java:N)
                      ... and N frames of fgbg and the JDK
              [3]  Waiting  N s  caller   Task-7
                      at io.fgbg.PsTest.caller(PsTest.java:N)
                      ... and N frames of fgbg and the JDK
              [4]  Waiting  N s  waiter   caller
                      at io.fgbg.PsTest.waiter(PsTest.java:N)
                      at io.fgbg.PsTest.lambda$eachTaskShowsWhatItAwaitsAndTheFrameOfTheProgramItWaitsIn$N(PsTest.java:N)
                      ... and N frames of fgbg and the JDK
              [5]  Waiting  N s  reader   read from /127.0.0.1:N
                      at io.fgbg.PsTest.reader(PsTest.java:N)
                      at io.fgbg.PsTest.lambda$eachTaskShowsWhatItAwaitsAndTheFrameOfTheProgramItWaitsIn$N(PsTest.java:N)
                      ... and N frames of fgbg and the JDK
              [7]  Running  N s  Task-7   call running in fgbg-background-N
                      at io.fgbg.PsTest.blockingCall(PsTest.java:N)
                      ... and N frames of fgbg and the JDK
              """);

      releaseCall.countDown();
      assertThat(runInForeground(calling, loop)).isEqualTo("released");
      connection.writer().close();
    }
  }

  private String stubbornCall() {
    callEntered.countDown();
    for (; ; ) {
      try {
        releaseCall.await();
        return "released";
      } catch (InterruptedException ignored) {
        // a call that does not stop when cancelled
      }
    }
  }

  @Test
  void aCancelledCallWhoseThreadGoesOnIsListedCancellingWithItsStack() throws Exception {
    Task<String> call = Fgbg.callInBackground(this::stubbornCall, loop, null);
    callEntered.await();
    call.cancel();
    runInForeground(sleep(ofSeconds(1)), loop); // Task-2

    assertThat(normalised(Ps.text(loop)))
        .isEqualTo(
            """
            [1]  Cancelling  N s  Task-1  cancelled N s ago, call still running in \
            fgbg-background-N: it ignores its interrupt
                    at io.fgbg.PsTest.stubbornCall(PsTest.java:N)
                    ... and N frames of fgbg and the JDK
            """);
  }

  @Test
  void theTaskRunningPsIsMarkedAsHoldingTheLoop() throws Exception {
    scheduleCoroutine(PsTest::sleeper, loop);
    String ps = runInForeground(() -> Ps.text(loop), loop);
    assertThat(normalised(ps))
        .isEqualTo(
            """
            [1]   Pending  N s  Task-1
            [2]*  Running  N s  Task-2  holds the loop
                    at io.fgbg.PsTest.lambda$theTaskRunningPsIsMarkedAsHoldingTheLoop$N(PsTest.java:N)
                    ... and N frames of fgbg and the JDK
            """);
  }

  @Test
  void aTaskNotStartedHasNoStackAndAStageFollowerNoThread() throws Exception {
    scheduleCoroutine(PsTest::sleeper, loop);
    Fgbg.runInBackground(new CompletableFuture<String>(), loop, null);
    assertThat(normalised(Ps.text(loop)))
        .isEqualTo(
            """
            [1]  Pending  N s  Task-1
            [2]  Waiting  N s  Task-2  following a CompletableFuture
            """);
  }

  @Test
  void psNeverWaitsForTheLoopAndMarksTheStepThatHoldsIt() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    CountDownLatch spinning = new CountDownLatch(1);
    Thread outside =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    spinning.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  seen.set(Ps.text(loop)); // the loop is held by the spinning step
                });
    runInForeground(
        () -> {
          spinning.countDown();
          spin(seen);
          return null;
        },
        loop);
    outside.join();
    assertThat(normalised(seen.get()))
        .matches(
            "(?s)\\[1]\\*  (Running  N s  Task-1  holds the loop|Stuck  N s  Task-1  holding .*)\n"
                + "        at io\\.fgbg\\.PsTest\\.spin\\(PsTest\\.java:N\\)\n"
                + "        at io\\.fgbg\\.PsTest\\.lambda\\$psNeverWaits.*\n"
                + "        \\.\\.\\. and N frames of fgbg and the JDK\n");
  }

  /** A step that holds the loop: spins until {@code seen} is set. */
  private static void spin(AtomicReference<String> seen) {
    while (seen.get() == null) {
      Thread.onSpinWait();
    }
  }

  @Test
  void psPrintsTheListingOnStandardOutputAndNothingForAClosedLoop() throws Exception {
    scheduleCoroutine(PsTest::sleeper, loop).setName("sleeper");
    runInForeground(sleep(ofSeconds(1)), loop);
    String printed = printedBy(() -> Fgbg.ps(loop));
    assertThat(normalised(printed)).isEqualTo(normalised(Ps.text(loop)));
    assertThat(normalised(printed)).startsWith("[1]  Waiting  N s  sleeper  sleep until 5.000 s\n");
    loop.close();
    assertThat(printedBy(() -> Fgbg.ps(loop))).isEmpty();
  }

  @Test
  void psOfTheCurrentLoopListsItsTasks() throws Exception {
    EventLoop.setCurrent(loop);
    try {
      scheduleCoroutine(PsTest::sleeper).setName("sleeper");
      assertThat(normalised(printedBy(Fgbg::ps))).isEqualTo("[1]  Pending  N s  sleeper\n");
    } finally {
      EventLoop.setCurrent(null);
    }
  }

  @Test
  void theFramesOfTheProgramComeFirstAndTheOthersAreCounted() {
    StackTraceElement[] frames = {
      new StackTraceElement("java.util.concurrent.locks.LockSupport", "park", "LockSupport.java", 1),
      new StackTraceElement("io.fgbg.Baton", "await", "Baton.java", 2),
      new StackTraceElement("io.fgbg.Fgbg", "await", "Fgbg.java", 3),
      new StackTraceElement("com.example.Ticker", "tick", "Ticker.java", 4),
      new StackTraceElement("io.fgbg.Timeout", "run", "Timeout.java", 5),
      new StackTraceElement("com.example.Ticker", "main", "Ticker.java", 6),
      new StackTraceElement("io.fgbg.CoroutineTask", "runBody", "CoroutineTask.java", 7),
      new StackTraceElement("java.lang.VirtualThread", "run", "VirtualThread.java", 8),
    };
    assertThat(Ps.describe(frames))
        .containsExactly(
            "at com.example.Ticker.tick(Ticker.java:4)",
            "at com.example.Ticker.main(Ticker.java:6)",
            "... and 6 frames of fgbg and the JDK");
    assertThat(Ps.describe(new StackTraceElement[] {frames[0], frames[1]}))
        .containsExactly("(no frame of the program: 2 frames of fgbg and the JDK)");
    assertThat(Ps.isUserFrame(new StackTraceElement("io.fgbg.PsTest", "x", "PsTest.java", 1)))
        .as("a test in fgbg's package is not fgbg's own code")
        .isTrue();
  }

  private static String printedBy(Runnable action) {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(out);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
