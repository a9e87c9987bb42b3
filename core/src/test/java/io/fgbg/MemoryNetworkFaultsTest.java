package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The faults a {@link MemoryNetwork} gives on demand, each with the exact exception a user sees and
 * the exact virtual instant: a stalled network, refused connections, a reset now, and a reset after
 * a given number of bytes.
 */
class MemoryNetworkFaultsTest extends LoopTestSupport {
  private static final int CHUNK = 64 * 1024;

  private final MemoryNetwork net = new MemoryNetwork();

  private String now() {
    return loop.time().toMillis() + " ms";
  }

  private static String describe(Throwable t) {
    return t == null ? "none" : t.getClass().getName() + ": " + t.getMessage();
  }

  /** A server whose handler logs, with the time, every read and how its reading ended. */
  private Server loggingServer() throws Exception {
    return runInForeground(
        net.startServer(
            (reader, writer) -> {
              try {
                byte[] chunk;
                while ((chunk = await(reader.read(CHUNK))).length > 0) {
                  log(now() + ": server read " + chunk.length);
                }
                log(now() + ": server read the end");
              } catch (SocketException e) {
                log(now() + ": server read failed: " + describe(e));
              }
            },
            "",
            0));
  }

  /** Everything the server's handler reads, as text, until the end (or a failure, logged). */
  private Server textServer(StringBuilder received) throws Exception {
    return runInForeground(
        net.startServer(
            (reader, writer) -> {
              try {
                byte[] chunk;
                while ((chunk = await(reader.read(CHUNK))).length > 0) {
                  received.append(new String(chunk, UTF_8));
                }
                log(now() + ": server read the end");
              } catch (SocketException e) {
                log(now() + ": server read failed: " + describe(e));
              }
            },
            "",
            0));
  }

  // ---------------------------------------------------------------- stalled

  @Test
  void aStalledNetworkHoldsEveryByteSoDrainBlocksThenEverythingArrivesWhenItGoesAgain()
      throws Exception {
    Server server = loggingServer();
    Connection c = runInForeground(net.openConnection("", server.port()));
    net.setStalled(true);
    Task<Void> writer =
        scheduleCoroutine(
            () -> {
              for (int i = 0; i < 4; i++) {
                c.writer().write(new byte[CHUNK]);
                log(now() + ": wrote chunk " + i);
                await(c.writer().drain());
              }
              log(now() + ": drained");
              c.writer().close();
              return null;
            });

    runInForeground(waitTasks(List.of(writer), Duration.ofSeconds(30)));
    log(now() + ": unstalled");
    net.setStalled(false);
    runInForeground(writer);
    runInForeground(sleep(ofMillis(1)));

    // 64 KiB in flight, the writer's buffer over its 64 KiB high-water mark: the third chunk
    // waits in drain; nothing arrives while stalled, everything in order once it goes again, and
    // the writer goes on once its buffer is under 16 KiB (the fourth chunk fits under the mark)
    assertThat(events)
        .containsExactly(
            "0 ms: wrote chunk 0",
            "0 ms: wrote chunk 1",
            "0 ms: wrote chunk 2",
            "30000 ms: unstalled",
            "30000 ms: server read 65536",
            "30000 ms: server read 65536",
            "30000 ms: wrote chunk 3",
            "30000 ms: drained",
            "30000 ms: server read 65536",
            "30000 ms: server read 65536",
            "30000 ms: server read the end");
  }

  @Test
  void aStalledNetworkHoldsTheEndOfTheStreamBehindTheBytesAndWhatWaitedArrivesAtTheRelease()
      throws Exception {
    StringBuilder received = new StringBuilder();
    Server server = textServer(received);
    Connection c = runInForeground(net.openConnection("", server.port()));
    net.setLatency(ofMillis(5), ofMillis(5));
    net.setStalled(true);
    c.writer().write("held");
    c.writer().close();
    runInForeground(sleep(ofMillis(100)));
    log(now() + ": received " + received);

    net.setStalled(false);
    runInForeground(sleep(ofMillis(100)));

    assertThat(events).containsExactly("100 ms: received ", "100 ms: server read the end");
    assertThat(received).hasToString("held");
  }

  // ---------------------------------------------------------------- refused

  @Test
  void aRefusingNetworkRefusesEveryConnectAfterTheRoundTripWhileOpenConnectionsGoOn()
      throws Exception {
    Server server = runInForeground(net.startServer(StreamsLoopSupport.ECHO_LINES, "", 0));
    Connection open = runInForeground(net.openConnection("", server.port()));
    net.setLatency(ofMillis(4), ofMillis(6));

    net.setRefusing(true);
    Throwable refused =
        catchThrowable(() -> runInForeground(net.openConnection("", server.port())));
    log(now() + ": " + describe(refused));
    open.writer().write("still here\n");
    String line = runInForeground(open.reader().readLine());
    log(now() + ": " + line);
    net.setRefusing(false);
    Connection again = runInForeground(net.openConnection("", server.port()));
    log(now() + ": connected to " + again.writer().peerAddress());

    assertThat(refused).isInstanceOf(ConnectException.class);
    assertThat(events)
        .containsExactly(
            "10 ms: java.net.ConnectException: Connection refused",
            "20 ms: still here",
            "30 ms: connected to /127.0.0.1:" + server.port());
  }

  // ---------------------------------------------------------------- reset

  @Test
  void resetFailsBothEndsPendingReadAndDrainWithConnectionResetAtOnceAndDropsWhatIsInFlight()
      throws Exception {
    net.setLatency(ofMillis(50), ofMillis(50));
    Server server = loggingServer();
    Connection c = runInForeground(net.openConnection("", server.port()));
    runInForeground(sleep(ofMillis(10))); // connected at 100 ms; the handler reads since 50 ms
    net.setStalled(true); // so that the client's drain waits too
    Task<Void> drainer =
        scheduleCoroutine(
            () -> {
              c.writer().write(new byte[3 * CHUNK]);
              try {
                await(c.writer().drain());
                log(now() + ": drained");
              } catch (SocketException e) {
                log(now() + ": client drain failed: " + describe(e));
              }
              log(
                  now()
                      + ": client read: "
                      + describe(catchThrowable(() -> await(c.reader().read(1)))));
              log(
                  now()
                      + ": client waitClosed: "
                      + describe(catchThrowable(() -> await(c.writer().waitClosed()))));
              return null;
            });
    runInForeground(sleep(ofMillis(10)));

    log(now() + ": reset");
    net.reset(c.writer());
    net.setStalled(false);
    runInForeground(drainer);
    runInForeground(sleep(ofMillis(1)));

    assertThat(c.writer().isClosing()).isTrue();
    assertThat(events)
        .containsExactly(
            "120 ms: reset",
            "120 ms: client drain failed: java.net.SocketException: Connection reset",
            "120 ms: client read: java.net.SocketException: Connection reset",
            "120 ms: client waitClosed: java.net.SocketException: Connection reset",
            "120 ms: server read failed: java.net.SocketException: Connection reset");
  }

  @Test
  void aResetConnectionLeavesTheOtherConnectionsOfTheServerWorking() throws Exception {
    Server server = runInForeground(net.startServer(StreamsLoopSupport.ECHO_LINES, "", 0));
    Connection victim = runInForeground(net.openConnection("", server.port()));
    Connection other = runInForeground(net.openConnection("", server.port()));

    net.reset(victim.writer());
    other.writer().write("unharmed\n");

    assertThat(runInForeground(other.reader().readLine())).isEqualTo("unharmed");
    assertThat(catchThrowable(() -> runInForeground(victim.reader().readLine())))
        .isInstanceOf(SocketException.class)
        .hasMessage("Connection reset");
    assertThat(server.isServing()).isTrue();
    assertThat(server.toString()).endsWith(", serving, 1 connections]");
  }

  @Test
  void resetAfterLetsThePeerReadExactlyThatManyBytesThenBothEndsAreReset() throws Exception {
    StringBuilder received = new StringBuilder();
    Server server = textServer(received);
    net.setLatency(ofMillis(20), ofMillis(20));
    Connection c = runInForeground(net.openConnection("", server.port()));
    c.writer().write("0123456789");

    net.resetAfter(c.writer(), 25); // counted from here
    c.writer().write("abcdefghijklmnopqrstuvwxyz");
    log(
        now()
            + ": client drain: "
            + describe(catchThrowable(() -> runInForeground(c.writer().drain()))));
    log(
        now()
            + ": client read: "
            + describe(catchThrowable(() -> runInForeground(c.reader().read(1)))));
    runInForeground(sleep(ofMillis(100)));

    assertThat(received).hasToString("0123456789abcdefghijklmnopqrstuvwxy");
    // a drain that starts before the loss reaches the writer meets it as asyncio's does
    assertThat(events)
        .containsExactly(
            "40 ms: client drain: java.net.SocketException: Connection lost",
            "40 ms: client read: java.net.SocketException: Connection reset",
            "60 ms: server read failed: java.net.SocketException: Connection reset");
  }

  @Test
  void resetAfterCountsBytesAsTheyGoOutThroughTheWindowAtTheExactByteOfALargeWrite()
      throws Exception {
    List<Integer> sizes = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  try {
                    byte[] chunk;
                    while ((chunk = await(reader.read(CHUNK))).length > 0) {
                      sizes.add(chunk.length);
                      all.write(chunk);
                    }
                  } catch (SocketException e) {
                    log("server: " + describe(e) + " after " + all.size());
                  }
                },
                "",
                0));
    Connection c = runInForeground(net.openConnection("", server.port()));
    net.resetAfter(c.writer(), 200_000);

    c.writer().write(StreamsLoopSupport.pattern(0, 1 << 20));
    Throwable drain = catchThrowable(() -> runInForeground(c.writer().drain()));
    runInForeground(sleep(ofMillis(1)));

    assertThat(drain).isInstanceOf(SocketException.class).hasMessage("Connection reset");
    assertThat(events)
        .containsExactly("server: java.net.SocketException: Connection reset after 200000");
    assertThat(StreamsLoopSupport.firstMismatch(0, all.toByteArray(), all.size())).isEqualTo(-1);
    assertThat(sizes).containsExactly(65536, 65536, 65536, 3392);
  }

  @Test
  void resetAfterZeroSendsTheResetBehindWhatIsInFlight() throws Exception {
    StringBuilder received = new StringBuilder();
    Server server = textServer(received);
    Connection c = runInForeground(net.openConnection("", server.port()));
    net.setLatency(ofMillis(30), Duration.ZERO);
    c.writer().write("in flight");

    net.resetAfter(c.writer(), 0);
    c.writer().write("dropped");
    runInForeground(sleep(ofMillis(100)));

    assertThat(received).hasToString("in flight");
    assertThat(events)
        .containsExactly("30 ms: server read failed: java.net.SocketException: Connection reset");
  }
}
