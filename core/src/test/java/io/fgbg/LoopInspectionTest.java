package io.fgbg;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fgbg.inspect.LoopAccess;
import io.fgbg.inspect.LoopInspection;
import io.fgbg.inspect.OpenSocket;
import io.fgbg.inspect.PendingTask;
import io.fgbg.inspect.UnretrievedFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What {@link LoopInspection} shows of a loop, for the JUnit extension's check after each test:
 * pending tasks in the job table's words, failures nobody retrieved (taken off the books, so that
 * close() does not report them again), open sockets with their addresses, and whether work is
 * ready. One loop on the virtual clock, run by the test's thread; sockets on a real-clock loop.
 */
class LoopInspectionTest extends LoopTestSupport {
  private final List<ExceptionContext> handled = new ArrayList<>();

  @Test
  void pendingTasksAreListedInJobOrderWithWhatTheyAwait() throws Exception {
    Task<Void> ticker = scheduleCoroutine(sleep(ofSeconds(10)));
    ticker.setName("ticker");
    runInForeground(sleep(ZERO)); // Task-2: ticker is now in its sleep
    scheduleCoroutine(sleep(ofSeconds(1))); // starts its sleep in the next run
    Task<Void> done = scheduleCoroutine(() -> null);
    runInForeground(done);

    assertThat(LoopInspection.pendingTasks(loop))
        .containsExactly(
            new PendingTask(1, "ticker", "Waiting", "sleep of ticker", null),
            new PendingTask(3, "Task-3", "Waiting", "sleep of Task-3", null));
  }

  @Test
  void aNotStartedTaskIsPendingAndABackgroundCallNamesItsThread() throws Exception {
    Task<Void> later = scheduleCoroutine(() -> null);
    CountDownLatch release = new CountDownLatch(1);
    Task<Void> call =
        callInBackground(
            () -> {
              release.await();
              return null;
            });
    try {
      assertThat(LoopInspection.pendingTasks(loop))
          .containsExactly(
              new PendingTask(1, "Task-1", "Pending", "", null),
              new PendingTask(
                  2, "Task-2", "Running", "call running in fgbg-background-1", "fgbg-background-1"));
    } finally {
      release.countDown();
    }
    runInForeground(call);
    runInForeground(later);
    assertThat(LoopInspection.pendingTasks(loop)).isEmpty();
  }

  @Test
  void anUnretrievedFailureIsTakenOnceAndCloseDoesNotReportItAgain() throws Exception {
    loop.setExceptionHandler((l, context) -> handled.add(context));
    loop.setJobNotices(false);
    IOException lost = new IOException("connection reset");
    Task<Void> failed =
        scheduleCoroutine(
            () -> {
              throw lost;
            });
    Task<Void> seen =
        scheduleCoroutine(
            () -> {
              throw new IllegalStateException("seen");
            });
    runInForeground(sleep(ZERO));
    assertThat(seen.exception()).hasMessage("seen");

    assertThat(LoopInspection.takeUnretrievedFailures(loop))
        .containsExactly(new UnretrievedFailure(1, "Task-1", lost));
    assertThat(LoopInspection.takeUnretrievedFailures(loop)).isEmpty();
    loop.close();
    assertThat(handled).isEmpty();
    assertThat(failed.isDone()).isTrue();
  }

  @Test
  void readyWorkIsARunnableStepACallbackPostedOrADueTimer() throws Exception {
    assertThat(LoopInspection.hasReadyWork(loop)).isFalse();
    scheduleCoroutine(() -> null);
    assertThat(LoopInspection.hasReadyWork(loop)).isTrue();
    runInForeground(sleep(ZERO));
    assertThat(LoopInspection.hasReadyWork(loop)).isFalse();

    Thread poster = Thread.ofVirtual().start(() -> loop.callSoonThreadsafe(() -> {}));
    poster.join();
    assertThat(LoopInspection.hasReadyWork(loop)).isTrue();
    runInForeground(sleep(ZERO));
    assertThat(LoopInspection.hasReadyWork(loop)).isFalse();

    loop.callLater(ZERO, () -> {});
    assertThat(LoopInspection.hasReadyWork(loop)).isTrue();
    loop.callLater(ofSeconds(1), () -> {});
    runInForeground(sleep(ZERO));
    assertThat(LoopInspection.hasReadyWork(loop)).as("a timer not due yet").isFalse();
  }

  @Test
  void openSocketsAreTheServersThenTheConnectionsWithTheirAddresses() throws Exception {
    try (EventLoop real = EventLoop.create()) {
      assertThat(LoopInspection.openSockets(real)).isEmpty();
      AsyncEvent accepted = new AsyncEvent();
      ConnectionHandler untilEof =
          (reader, writer) -> {
            accepted.set();
            await(reader.read(-1));
          };
      Server server = runInForeground(startServer(untilEof, "127.0.0.1", 0), real);
      Connection client = runInForeground(openConnection("127.0.0.1", server.port()), real);
      runInForeground(accepted.waitSet(), real);
      InetSocketAddress listening = server.addresses().get(0);
      List<OpenSocket> sockets = LoopInspection.openSockets(real);

      assertThat(sockets).hasSize(3);
      assertThat(sockets.get(0)).isEqualTo(new OpenSocket(true, listening, null));
      OpenSocket fromClient = sockets.get(1).local().equals(listening) ? sockets.get(2) : sockets.get(1);
      assertThat(sockets.subList(1, 3))
          .containsExactlyInAnyOrder(
              fromClient, new OpenSocket(false, listening, fromClient.local()));
      assertThat(fromClient.remote()).isEqualTo(listening);

      client.writer().close();
      server.close();
      runInForeground(server.waitClosed(), real);
      runInForeground(client.writer().waitClosed(), real);
      assertThat(LoopInspection.openSockets(real)).isEmpty();
    }
  }

  @Test
  void aClosedLoopHasNothingLeft() throws Exception {
    scheduleCoroutine(sleep(ofSeconds(1)));
    loop.close();
    assertThat(LoopInspection.pendingTasks(loop)).isEmpty();
    assertThat(LoopInspection.takeUnretrievedFailures(loop)).isEmpty();
    assertThat(LoopInspection.openSockets(loop)).isEmpty();
    assertThat(LoopInspection.hasReadyWork(loop)).isFalse();
  }

  @Test
  void onlyFgbgInstallsTheImplementation() {
    LoopInspection.hasReadyWork(loop); // installed by now
    LoopAccess fake =
        new LoopAccess() {
          @Override
          public List<PendingTask> pendingTasks(EventLoop l) {
            return List.of();
          }

          @Override
          public List<UnretrievedFailure> takeUnretrievedFailures(EventLoop l) {
            return List.of();
          }

          @Override
          public List<OpenSocket> openSockets(EventLoop l) {
            return List.of();
          }

          @Override
          public boolean hasReadyWork(EventLoop l) {
            return false;
          }
        };
    assertThatThrownBy(() -> LoopInspection.install(fake))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the loop's inspection is installed by fgbg itself, once");
  }
}
