package io.fgbg.junit;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.callInBackground;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.fgbg.AsyncEvent;
import io.fgbg.ConnectionHandler;
import io.fgbg.Server;
import io.fgbg.Task;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A test fails when it leaves work behind on its loop, with a message that names each culprit:
 * a pending task and what it awaits, a failure nobody retrieved, a background call still running,
 * a socket still open; a clean test passes; a test that fails for itself reports its own failure
 * first. Each case is a test class of its own, run through JUnit's engine.
 */
class FgbgExtensionLeaksTest {
  private static final String HEADER = "the test left work behind on its event loop:\n  ";

  // ------------------------------------------------------------------ a clean test

  @Fixture
  static class CleanTest {
    @FgbgTest
    void awaitsWhatItStartsAndReadsWhatFailed() throws Exception {
      Task<String> reply = scheduleCoroutine(sleep(ofSeconds(2), "reply"));
      Task<Void> failing =
          scheduleCoroutine(
              () -> {
                throw new IOException("refused");
              });
      Task<Void> forever = scheduleCoroutine(sleep(ofSeconds(3600)));
      assertThat(runInForeground(reply)).isEqualTo("reply");
      assertThat(failing.exception()).hasMessage("refused");
      forever.cancel();
      runInForeground(sleep(ZERO)); // the hop in which the cancelled task finishes
    }
  }

  @Test
  void aTestThatLeavesNothingBehindPasses() {
    EngineRun run = EngineRun.of(CleanTest.class);
    run.assertPassed();
    assertThat(run.logged).isEmpty();
  }

  // ------------------------------------------------------------------ a pending task

  @Fixture
  static class LeavesATickerSleeping {
    @FgbgTest
    void startsATickerAndNeverStopsIt() throws Exception {
      Task<Void> ticker =
          scheduleCoroutine(
              () -> {
                while (true) {
                  await(sleep(ofSeconds(1)));
                }
              });
      ticker.setName("ticker");
      runInForeground(sleep(ofSeconds(3)));
    }
  }

  @Test
  void aPendingTaskFailsTheTestNamingTheTaskAndWhatItAwaits() {
    Throwable failure = EngineRun.of(LeavesATickerSleeping.class).failure();
    assertThat(failure)
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage(HEADER + "task [1] ticker is still pending: waiting on sleep of ticker");
  }

  @Fixture
  static class LeavesATaskNotStarted {
    static Task<?> task;

    @FgbgTest
    void schedulesATaskThatWaitsForAnEventNobodySets() {
      AsyncEvent never = new AsyncEvent();
      task = scheduleCoroutine(never.waitSet());
    }
  }

  @Test
  void aTaskTheTestNeverRanIsRunUntilItWaitsThenNamed() {
    Throwable failure = EngineRun.of(LeavesATaskNotStarted.class).failure();
    assertThat(failure)
        .hasMessage(HEADER + "task [1] Task-1 is still pending: waiting on wait of event");
    assertThat(LeavesATaskNotStarted.task.isCancelled()).as("cancelled by close()").isTrue();
  }

  // ------------------------------------------------------------------ a failure nobody retrieved

  @Fixture
  static class DropsAFailure {
    @FgbgTest
    void letsATaskFailUnseen() throws Exception {
      scheduleCoroutine(
          () -> {
            throw new IOException("connection reset by the fake peer");
          });
      runInForeground(sleep(ZERO));
    }
  }

  @Test
  void aFailureNobodyRetrievedFailsTheTestWithItsMessageAndIsNotLoggedAgainAtClose() {
    EngineRun run = EngineRun.of(DropsAFailure.class);
    Throwable failure = run.failure();
    assertThat(failure)
        .hasMessage(
            HEADER
                + "task [1] Task-1 failed and nobody retrieved its exception:"
                + " java.io.IOException: connection reset by the fake peer");
    assertThat(failure.getSuppressed())
        .singleElement()
        .satisfies(e -> assertThat(e).isExactlyInstanceOf(IOException.class))
        .satisfies(e -> assertThat(e).hasMessage("connection reset by the fake peer"));
    assertThat(run.logged).as("logged by the loop: 'Task exception was never retrieved'").isEmpty();
    assertThat(run.stderr).as("job notices ('[1]+  Failed ...')").isEmpty();
  }

  // ------------------------------------------------------------------ a background call

  @Fixture
  static class LeavesABackgroundCallRunning {
    static final CountDownLatch NEVER = new CountDownLatch(1);
    static Task<?> call;

    @FgbgTest
    void startsACallThatBlocks() {
      call =
          callInBackground(
              () -> {
                NEVER.await(); // until close() cancels the call, interrupting its thread
                return null;
              });
    }
  }

  @Test
  void aBackgroundCallStillRunningFailsTheTestNamingItsThread() {
    Throwable failure = EngineRun.of(LeavesABackgroundCallRunning.class).failure();
    assertThat(failure)
        .hasMessage(
            HEADER + "background call [1] Task-1 is still running in thread fgbg-background-1");
    assertThat(LeavesABackgroundCallRunning.call.isCancelled()).isTrue();
  }

  @Fixture
  static class LeavesACancelledCallThatIgnoresItsInterrupt {
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final CountDownLatch INTERRUPTED = new CountDownLatch(1);

    @FgbgTest
    void cancelsACallThatDoesNotStop() throws Exception {
      Task<?> call =
          callInBackground(
              () -> {
                try {
                  RELEASE.await();
                } catch (InterruptedException e) {
                  INTERRUPTED.countDown(); // the cancel's interrupt: it waits on
                  RELEASE.await(); // until close() interrupts it again
                }
                return null;
              });
      call.cancel();
      INTERRUPTED.await();
    }
  }

  @Test
  void aCancelledBackgroundCallWhoseThreadStillRunsFailsTheTest() {
    try {
      Throwable failure = EngineRun.of(LeavesACancelledCallThatIgnoresItsInterrupt.class).failure();
      assertThat(failure)
          .hasMessage(
              HEADER + "background call [1] Task-1 is still running in thread fgbg-background-1");
    } finally {
      LeavesACancelledCallThatIgnoresItsInterrupt.RELEASE.countDown();
    }
  }

  // ------------------------------------------------------------------ sockets

  @Fixture
  static class LeavesAConnectionOpen {
    static InetSocketAddress server;
    static InetSocketAddress client;

    @FgbgTest
    void opensAConnectionAndNeverClosesIt() throws Exception {
      AsyncEvent accepted = new AsyncEvent();
      ConnectionHandler hello =
          (reader, writer) -> {
            client = writer.peerAddress();
            accepted.set();
          }; // returns: the server closes its side of the connection
      Server listening = runInForeground(startServer(hello, "127.0.0.1", 0));
      server = listening.addresses().get(0);
      runInForeground(openConnection("127.0.0.1", listening.port()));
      runInForeground(accepted.waitSet());
    }
  }

  @Test
  void anOpenServerAndConnectionFailTheTestNamingTheirAddresses() {
    Throwable failure = EngineRun.of(LeavesAConnectionOpen.class).failure();
    InetSocketAddress server = LeavesAConnectionOpen.server;
    InetSocketAddress client = LeavesAConnectionOpen.client;
    assertThat(server.getPort()).isNotEqualTo(client.getPort());
    assertThat(failure)
        .hasMessage(
            HEADER
                + "server socket /127.0.0.1:"
                + server.getPort()
                + " is still open\n  connection /127.0.0.1:"
                + client.getPort()
                + " -> /127.0.0.1:"
                + server.getPort()
                + " is still open");
  }

  // ------------------------------------------------------------------ all at once

  @Fixture
  static class LeavesEverything {
    static final CountDownLatch NEVER = new CountDownLatch(1);
    static InetSocketAddress server;

    @FgbgTest
    void leavesATaskAFailureACallAndAServer() throws Exception {
      scheduleCoroutine(sleep(ofSeconds(10))).setName("sleeper");
      scheduleCoroutine(
          () -> {
            throw new IllegalStateException("lost");
          });
      callInBackground(
          () -> {
            NEVER.await();
            return null;
          });
      server = runInForeground(startServer((reader, writer) -> {}, "127.0.0.1", 0)).addresses().get(0);
    }
  }

  @Test
  void eachCulpritHasALineInAFixedOrder() {
    Throwable failure = EngineRun.of(LeavesEverything.class).failure();
    assertThat(failure)
        .hasMessage(
            HEADER
                + "task [1] sleeper is still pending: waiting on sleep of sleeper\n"
                + "  task [2] Task-2 failed and nobody retrieved its exception:"
                + " java.lang.IllegalStateException: lost\n"
                + "  background call [3] Task-3 is still running in thread fgbg-background-1\n"
                + "  server socket "
                + LeavesEverything.server
                + " is still open");
  }

  // ------------------------------------------------------------------ a test that fails itself

  @Fixture
  static class FailsAndLeavesATask {
    @FgbgTest
    void failsWithATaskPending() {
      scheduleCoroutine(sleep(ofSeconds(1)));
      throw new IllegalStateException("the test's own failure");
    }
  }

  @Test
  void aTestThatFailsReportsItsOwnFailureFirstAndWhatItLeftAsSuppressed() {
    Throwable failure = EngineRun.of(FailsAndLeavesATask.class).failure();
    assertThat(failure)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("the test's own failure");
    assertThat(failure.getSuppressed())
        .singleElement()
        .satisfies(e -> assertThat(e).isExactlyInstanceOf(AssertionError.class))
        .satisfies(
            e ->
                assertThat(e)
                    .hasMessage(
                        HEADER + "task [1] Task-1 is still pending: waiting on sleep of Task-1"));
  }
}
