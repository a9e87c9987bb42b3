package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Many connections on one loop, and no file descriptor left behind once everything is closed.
 */
class StreamsScaleTest extends StreamsLoopSupport {

  private static Coroutine<String> echoOnce(int port, String line) {
    return () -> {
      Connection c = await(openConnection(LOCALHOST, port));
      c.writer().write(line + "\n");
      await(c.writer().drain());
      String echoed = await(c.reader().readLine());
      c.writer().close();
      await(c.writer().waitClosed());
      return echoed;
    };
  }

  @Test
  void aThousandConcurrentConnectionsOnOneLoopAllEchoCorrectly() throws Exception {
    int clients = 1_000;
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    List<Task<String>> tasks = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      tasks.add(scheduleCoroutine(echoOnce(server.port(), "client " + i)));
    }

    long start = System.nanoTime();
    List<String> echoed = runInForeground(waitFor(gather(tasks), Duration.ofSeconds(60)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("1000 concurrent echo connections took " + took.toMillis() + " ms");

    for (int i = 0; i < clients; i++) {
      assertThat(echoed.get(i)).isEqualTo("client " + i);
    }
    server.close();
    foreground(server.waitClosed());
    assertThat(took)
        .as(
            "a thousand loopback echoes take well under a second here; seconds mean that connects"
                + " waited for the kernel's SYN retransmission (a listen backlog below the number"
                + " of connections made at once)")
        .isLessThan(Duration.ofSeconds(3));
  }

  /**
   * One round of everything that opens descriptors, on a loop of its own that is closed at the
   * end: a server, fgbg and blocking clients, a reset, a failing handler, a cancelled handler, a
   * refused connection, a second server cancelled through serveForever.
   */
  private static void everythingOnAFreshLoop(EventLoop testLoop) throws Exception {
    EventLoop fresh = EventLoop.create();
    EventLoop.setCurrent(fresh);
    try {
      CompletableFuture<Task<?>> stuckHandler = new CompletableFuture<>();
      ConnectionHandler handler =
          (reader, writer) -> {
            String first = await(reader.readLine());
            if (first == null) {
              return;
            }
            switch (first) {
              case "fail" -> throw new IOException("fails on purpose");
              case "stuck" -> {
                stuckHandler.complete(currentTask());
                await(new CompletableFuture<Void>());
              }
              default -> {
                writer.write(first + "\n");
                ECHO_LINES.handle(reader, writer);
              }
            }
          };
      Server server = runInForeground(startServer(handler, LOCALHOST, 0));
      int port = server.port();

      List<Task<String>> clients = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        clients.add(scheduleCoroutine(echoOnce(port, "client " + i)));
      }
      for (int i = 0; i < 5; i++) {
        clients.add(
            callInBackground(
                () -> {
                  try (Socket s = blockingSocket(port)) {
                    send(s, "blocking\n");
                    return new String(readBlocking(s, 9)).strip();
                  }
                }));
      }
      clients.add(scheduleCoroutine(echoOnce(port, "fail")));
      assertThat(foreground(gather(clients))).hasSize(106);

      Socket resetter = blockingSocket(port);
      send(resetter, "partial");
      foreground(echoOnce(port, "between")); // the loop has taken the resetter in meanwhile
      reset(resetter);

      Connection stuck = foreground(openConnection(LOCALHOST, port));
      stuck.writer().write("stuck\n");
      Task<?> stuckTask = foreground(() -> await(stuckHandler));
      stuckTask.cancel();

      try {
        foreground(openConnection(LOCALHOST, closedPort()));
      } catch (ConnectException expected) {
        // refused, as it should be
      }

      Server second = runInForeground(startServer(ECHO_LINES, "", 0));
      Task<Void> forever = scheduleCoroutine(second.serveForever());
      foreground(echoOnce(second.port(), "second"));
      forever.cancel();
      try {
        runInForeground(forever);
      } catch (CancellationException expected) {
        // it was cancelled
      }

      assertThat(foreground(stuck.reader().read(-1))).isEmpty();
      stuck.writer().close();
      foreground(stuck.writer().waitClosed());
      server.close();
      foreground(server.waitClosed());
      foreground(second.waitClosed());
    } finally {
      fresh.close();
      EventLoop.setCurrent(testLoop);
    }
  }

  @Test
  void closingTheLoopReleasesTheServersAndConnectionsLeftOpen() throws Exception {
    everythingOnAFreshLoop(loop); // warm-up, as in the test below
    long before = openFileDescriptors();
    List<String> targetsBefore = openFileDescriptorTargets();
    EventLoop fresh = EventLoop.create();
    EventLoop.setCurrent(fresh);
    int port;
    try {
      Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
      port = server.port();
      List<Connection> open = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Connection c = foreground(openConnection(LOCALHOST, port));
        c.writer().write("hello\n");
        assertThat(foreground(c.reader().readLine())).isEqualTo("hello");
        open.add(c);
      }
    } finally {
      fresh.close(); // no server.close(), no writer.close()
      EventLoop.setCurrent(loop);
    }

    assertThat(openFileDescriptors() - before)
        .as(
            "descriptors left by a closed loop; before:%n%s%nafter:%n%s",
            String.join("\n", targetsBefore), String.join("\n", openFileDescriptorTargets()))
        .isLessThanOrEqualTo(2);
    int closedPort = port;
    assertThat(catchThrowable(() -> new Socket(LOCALHOST, closedPort).close()))
        .as("the listening port is released")
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void noFileDescriptorIsLeftOpenOnceEverythingIsClosed() throws Exception {
    // the first round may open things the JDK keeps for the rest of the process (a class's jar,
    // the resolver's files): they are not the loop's
    everythingOnAFreshLoop(loop);
    long before = openFileDescriptors();
    List<String> targetsBefore = openFileDescriptorTargets();

    for (int round = 0; round < 3; round++) {
      everythingOnAFreshLoop(loop);
    }

    long after = openFileDescriptors();
    // each round opens more than 200 sockets, a selector and its wake-up pipe: a leak of any of
    // them shows as several descriptors per round. Two allow for something the JDK opens lazily
    // once, not per round
    assertThat(after - before)
        .as(
            "descriptors opened and not closed by three rounds; before:%n%s%nafter:%n%s",
            String.join("\n", targetsBefore), String.join("\n", openFileDescriptorTargets()))
        .isLessThanOrEqualTo(2);
  }
}
