package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.startServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream or a server belongs to the loop that made it: a task of another loop that calls it is
 * refused with an {@link IllegalStateException} that says so, before anything has moved (no byte
 * sent or taken, no flag set); and {@code isServing()} / {@code isClosing()} answer on any thread.
 *
 * <p>Thread regime: the test thread runs both loops, one at a time: its own ({@code loop}), with
 * the server and the connection's handler, and {@code other}, whose tasks make the refused calls
 * while {@code loop} is idle. One test adds a plain thread that reads the flags while {@code loop}
 * runs in the test thread. The peer is a blocking socket of the test thread.
 */
class StreamsBelongToTheLoopThatMadeThemTest extends StreamsLoopSupport {
  private EventLoop other;
  /** The tasks made on {@code other} so far: the last one is Task-N of it. */
  private int otherTasks;
  private final CompletableFuture<StreamReader> reader = new CompletableFuture<>();
  private final CompletableFuture<StreamWriter> writer = new CompletableFuture<>();
  private final CompletableFuture<Void> handlerMayEnd = new CompletableFuture<>();

  /** Hands its reader and writer to the test, then waits to be let go. */
  private final ConnectionHandler handOver =
      (r, w) -> {
        reader.complete(r);
        writer.complete(w);
        await(handlerMayEnd);
      };

  @BeforeEach
  void makeAnotherLoop() {
    other = EventLoop.create();
  }

  @AfterEach
  void closeTheOtherLoop() {
    other.close();
  }

  /** A call made inside a task. */
  @FunctionalInterface
  private interface Call {
    void call() throws Exception;
  }

  /** Runs {@code call} as the first task of {@code other}; what it throws comes out. */
  private void inATaskOfTheOtherLoop(Call call) throws Exception {
    otherTasks++;
    runInForeground(
        () -> {
          call.call();
          return null;
        },
        other);
  }

  /** The refusal of {@code call} on {@code subject} by the last task of the other loop. */
  private String refused(String call, String subject) {
    return call
        + "() of "
        + subject
        + " called from Task-"
        + otherTasks
        + " of another event loop: streams and servers are used by the tasks of the loop that made"
        + " them; from elsewhere, post the call with that loop's callSoonThreadsafe()";
  }

  @Test
  void aWriterRefusesATaskOfAnotherLoopAndSendsNothing() throws Exception {
    Server server = runInForeground(startServer(handOver, LOCALHOST, 0));
    try (Socket peer = blockingSocket(server.port())) {
      StreamWriter w = foreground(() -> await(writer));
      String stream = "the stream to /127.0.0.1:" + peer.getLocalPort();

      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> w.write("refused\n")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("write", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> w.write(utf8("refused\n"))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("write", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(w.drain())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("drain", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(w::close))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("close", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(w.waitClosed())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("waitClosed", stream));
      assertThat(w.isClosing()).as("the refused close() set nothing").isFalse();

      foreground(
          () -> {
            w.write("from its own loop\n");
            await(w.drain());
            w.close();
            handlerMayEnd.complete(null);
            return null;
          });
      assertThat(readToEnd(peer)).as("all the peer got").isEqualTo(utf8("from its own loop\n"));
    }
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void aReaderRefusesATaskOfAnotherLoopAndTakesNothing() throws Exception {
    Server server = runInForeground(startServer(handOver, LOCALHOST, 0));
    try (Socket peer = blockingSocket(server.port())) {
      send(peer, "first\nsecond\n");
      StreamReader r = foreground(() -> await(reader));
      assertThat(foreground(r.readLine())).isEqualTo("first"); // "second" is buffered now
      String stream = "the stream from /127.0.0.1:" + peer.getLocalPort();

      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(r.readLine())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("readLine", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(r.read(100))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("read", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(r.readExactly(3))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("readExactly", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(r.readUntil(utf8("\n")))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("readUntil", stream));
      assertThatThrownBy(() -> inATaskOfTheOtherLoop(r::atEof))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(refused("atEof", stream));

      assertThat(foreground(r.readLine())).as("what the refused reads left").isEqualTo("second");
      handlerMayEnd.complete(null);
      server.close();
      foreground(server.waitClosed()); // the handler has ended, its connection is closed
      assertThat(readToEnd(peer)).isEmpty();
    }
  }

  @Test
  void aServerRefusesATaskOfAnotherLoopAndGoesOnServing() throws Exception {
    handlerMayEnd.complete(null);
    Server server = runInForeground(startServer(handOver, LOCALHOST, 0));
    String named = "the server on /127.0.0.1:" + server.port();

    assertThatThrownBy(() -> inATaskOfTheOtherLoop(server::close))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(refused("close", named));
    assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(server.waitClosed())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(refused("waitClosed", named));
    assertThatThrownBy(() -> inATaskOfTheOtherLoop(() -> await(server.serveForever())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(refused("serveForever", named));
    assertThat(server.isServing()).as("the refused close() closed nothing").isTrue();

    try (Socket peer = blockingSocket(server.port())) {
      foreground(() -> await(writer));
      assertThat(readToEnd(peer)).as("served, and closed when its handler ended").isEmpty();
    }
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void isServingAndIsClosingAnswerOnAnyThreadWhileTheLoopRunsElsewhere() throws Exception {
    Server server = runInForeground(startServer(handOver, LOCALHOST, 0));
    try (Socket peer = blockingSocket(server.port())) {
      StreamWriter w = foreground(() -> await(writer));
      CountDownLatch closed = new CountDownLatch(1);
      CompletableFuture<String> seen = new CompletableFuture<>();
      Thread reader =
          Thread.ofPlatform()
              .name("flag reader")
              .start(
                  () -> {
                    try {
                      closed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                      seen.complete(
                          "serving " + server.isServing() + ", closing " + w.isClosing());
                    } catch (Throwable e) {
                      seen.completeExceptionally(e);
                    }
                  });
      String answer =
          foreground(
              () -> {
                w.close();
                server.close();
                closed.countDown();
                String flags = await(seen); // read while this loop runs, in the test thread
                handlerMayEnd.complete(null);
                return flags;
              });
      reader.join(TIMEOUT.toMillis());
      assertThat(answer).isEqualTo("serving false, closing true");
      assertThat(readToEnd(peer)).isEmpty();
    }
    foreground(server.waitClosed());
  }
}
