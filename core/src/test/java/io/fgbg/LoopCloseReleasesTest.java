package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.scheduleCoroutine;
import static io.fgbg.Fgbg.sleep;
import static io.fgbg.Fgbg.startServer;
import static java.time.Duration.ZERO;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * close() releases what the loop holds (the listening socket, its connections, the selector) on
 * every way out: when it ends normally, and when the closing thread leaves on a second interrupt
 * while a task swallows every cancellation. And a thread whose current loop was closed gets a new
 * one from {@code EventLoop.current()}. Real sockets on the loopback address, real clock.
 */
class LoopCloseReleasesTest {
  private static final String LOCALHOST = "127.0.0.1";

  /** Waits until {@code t} is parked or blocked with its interrupt status consumed. */
  private static void awaitParked(Thread t) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Thread.State s = t.getState();
      if (!t.isInterrupted() && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("thread did not park: " + t.getState());
  }

  /** A step that swallows every cancellation, awaiting all the while: it never finishes. */
  private static Void swallowCancellationForever() throws Exception {
    while (true) {
      try {
        await(sleep(ofMillis(10)));
      } catch (CancellationException swallowed) {
        // and on
      }
    }
  }

  /** Polls (10 s at most) until connecting to {@code port} is refused; true if it was. */
  private static boolean refusesConnectionsSoon(int port) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(LOCALHOST, port), 2_000);
      } catch (ConnectException refused) {
        return true;
      } catch (java.net.SocketException resetWhileListening) {
        // accepted into the backlog just as the listening socket closed: look again
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** Reads from {@code socket} until its peer has closed it (EOF or reset); false on timeout. */
  private static boolean peerClosesSoon(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // whatever was sent before the close
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void closeLeftOnASecondInterruptStillReleasesTheServerAndTheConnections() throws Exception {
    EventLoop loop = EventLoop.create();
    CompletableFuture<Void> handlerStarted = new CompletableFuture<>();
    Server server =
        runInForeground(
            startServer(
                (reader, writer) -> {
                  handlerStarted.complete(null);
                  swallowCancellationForever(); // holds the accepted connection
                },
                LOCALHOST,
                0),
            loop);
    int port = server.port();
    try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getByName(LOCALHOST));
        Socket plainClient = new Socket(LOCALHOST, port)) {
      peer.setSoTimeout(10_000);
      Connection loopClient = runInForeground(openConnection(LOCALHOST, peer.getLocalPort()), loop);
      assertThat(loopClient).isNotNull();
      try (Socket peerSide = peer.accept()) {
        runInForeground(() -> await(handlerStarted), loop);
        scheduleCoroutine(LoopCloseReleasesTest::swallowCancellationForever, loop);

        AtomicReference<Throwable> closeFailed = new AtomicReference<>();
        Thread closer =
            Thread.ofPlatform()
                .name("closer")
                .start(
                    () -> {
                      try {
                        loop.close();
                      } catch (Throwable e) {
                        closeFailed.set(e);
                      }
                    });
        try {
          awaitParked(closer);
          closer.interrupt(); // close() goes on: it waits for the cleanup
          awaitParked(closer);
          closer.interrupt(); // leave at once
          closer.join(10_000);
          assertThat(closer.isAlive()).as("the closing thread has left").isFalse();
        } finally {
          closer.interrupt();
          closer.join(10_000);
        }
        assertThat(closeFailed.get()).isNull();
        assertThat(loop.isClosed()).isTrue();

        assertThat(refusesConnectionsSoon(port)).as("the listening socket is closed").isTrue();
        assertThat(peerClosesSoon(plainClient)).as("the accepted connection is closed").isTrue();
        assertThat(peerClosesSoon(peerSide)).as("the loop's client connection is closed").isTrue();
      }
    }
  }

  @Test
  void closeReleasesTheServerAndTheConnectionsWhenItEndsNormally() throws Exception {
    EventLoop loop = EventLoop.create();
    CompletableFuture<Void> handlerStarted = new CompletableFuture<>();
    Server server =
        runInForeground(
            startServer(
                (reader, writer) -> {
                  handlerStarted.complete(null);
                  await(reader.readLine());
                },
                LOCALHOST,
                0),
            loop);
    int port = server.port();
    try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getByName(LOCALHOST));
        Socket plainClient = new Socket(LOCALHOST, port)) {
      peer.setSoTimeout(10_000);
      runInForeground(openConnection(LOCALHOST, peer.getLocalPort()), loop);
      try (Socket peerSide = peer.accept()) {
        runInForeground(() -> await(handlerStarted), loop);

        loop.close();

        assertThat(loop.isClosed()).isTrue();
        assertThat(refusesConnectionsSoon(port)).as("the listening socket is closed").isTrue();
        assertThat(peerClosesSoon(plainClient)).as("the accepted connection is closed").isTrue();
        assertThat(peerClosesSoon(peerSide)).as("the loop's client connection is closed").isTrue();
      }
    }
  }

  @Test
  void afterCloseOnItsThreadTheCurrentLoopIsANewOneThatWorks() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    EventLoop first = EventLoop.current();
                    assertThat(runInForeground(sleep(ZERO, "first"))).isEqualTo("first");
                    first.close();

                    EventLoop next = EventLoop.current();
                    assertThat(next).isNotSameAs(first);
                    assertThat(next.isClosed()).isFalse();
                    Task<String> job = scheduleCoroutine(() -> "on the new loop");
                    assertThat(runInForeground(job)).isEqualTo("on the new loop");
                    assertThat(EventLoop.current()).isSameAs(next);
                    next.close();
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    thread.join(10_000);
    assertThat(thread.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
  }

  @Test
  void afterCloseOfALoopBoundWithSetCurrentTheCurrentLoopIsANewOne() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    EventLoop bound = EventLoop.create();
                    EventLoop.setCurrent(bound);
                    assertThat(EventLoop.current()).isSameAs(bound);
                    bound.close();

                    EventLoop next = EventLoop.current();
                    assertThat(next).isNotSameAs(bound);
                    assertThat(next.isClosed()).isFalse();
                    next.close();
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    thread.join(10_000);
    assertThat(thread.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
  }
}
