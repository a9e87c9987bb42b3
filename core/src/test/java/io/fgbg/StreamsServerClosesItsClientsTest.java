package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Server#closeClients()} and {@link Server#abortClients()}: a server whose handlers sit
 * idle on open connections can still be closed, at once, with what it wrote sent or dropped; over
 * every network ({@link StreamsFactory}).
 */
class StreamsServerClosesItsClientsTest extends StreamsSuiteSupport {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** An echo handler that serves lines until the end of the stream: idle between lines. */
  private final ConnectionHandler echoUntilEof =
      (reader, writer) -> {
        String line;
        while ((line = await(reader.readLine())) != null) {
          writer.write(line + "\n");
          await(writer.drain());
        }
        events.add("handler saw EOF");
      };

  private Coroutine<Connection> connectAndEcho(int port, String line) {
    return () -> {
      Connection c = await(openConnection(LOCALHOST, port));
      c.writer().write(line + "\n");
      assertThat(await(c.reader().readLine())).isEqualTo(line);
      return c;
    };
  }

  @OverEveryNetwork
  void waitClosedOfAServerWithIdleHandlersFinishesOnceItsClientsAreClosed() throws Exception {
    Server server = foreground(startServer(echoUntilEof, LOCALHOST, 0));
    List<Connection> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(foreground(connectAndEcho(server.port(), "hello " + i)));
    }
    server.close();
    // Without closeClients the idle handlers keep their connections, and waitClosed waits.
    assertThat(pendingAfter(Duration.ofMillis(50), scheduleCoroutine(server.waitClosed())))
        .hasSize(1);

    server.closeClients();
    foreground(server.waitClosed());

    assertThat(events).containsExactlyElementsOf(Collections.nCopies(10, "handler saw EOF"));
    for (Connection c : clients) {
      assertThat(foreground(c.reader().readLine())).as("the client sees the end").isNull();
      c.writer().close();
    }
    assertThat(server.toString()).endsWith(", closed, 0 connections]");
  }

  @OverEveryNetwork
  void closeClientsSendsWhatWasWrittenFirst() throws Exception {
    byte[] big = new byte[1 << 20]; // far over the writer's high-water mark: buffered in the loop
    Arrays.fill(big, (byte) 'x');
    Server server =
        foreground(
            startServer(
                (reader, writer) -> {
                  writer.write(big);
                  await(reader.readLine()); // idle, with a megabyte still to send
                },
                LOCALHOST,
                0));
    Connection c = foreground(openConnection(LOCALHOST, server.port()));
    runInForeground(sleep(Duration.ZERO)); // the handler runs and buffers its megabyte

    server.closeClients();
    server.close();
    byte[] received = foreground(c.reader().read(-1));
    foreground(server.waitClosed());

    assertThat(received).isEqualTo(big);
    c.writer().close();
  }

  @OverEveryNetwork
  void abortClientsDropsWhatWasNotSentAndTheHandlersNextDrainThrows() throws Exception {
    byte[] big = new byte[8 << 20];
    Server server =
        foreground(
            startServer(
                (reader, writer) -> {
                  writer.write(big);
                  await(writer.drain()); // as asyncio's: an abort ends a waiting drain normally
                  events.add("drained");
                  try {
                    await(writer.drain());
                  } catch (SocketException e) {
                    events.add("drain: " + e.getMessage());
                  }
                },
                LOCALHOST,
                0));
    Connection c = foreground(openConnection(LOCALHOST, server.port()));
    runInForeground(sleep(Duration.ZERO)); // the handler buffers 8 MiB, the client reads none

    server.abortClients();
    server.close();
    foreground(server.waitClosed());
    byte[] received = readUntilEndOrReset(c.reader());

    assertThat(events).containsExactly("drained", "drain: Connection lost");
    assertThat(received.length).as("bytes that reached the client").isLessThan(big.length);
    c.writer().close();
  }

  @OverEveryNetwork
  void connectionsAcceptedAfterCloseClientsStayOpen() throws Exception {
    Server server = foreground(startServer(echoUntilEof, LOCALHOST, 0));
    Connection first = foreground(connectAndEcho(server.port(), "first"));
    server.closeClients();
    assertThat(foreground(first.reader().readLine())).isNull();

    Connection second = foreground(connectAndEcho(server.port(), "second"));
    assertThat(server.isServing()).isTrue();
    assertThat(server.toString()).endsWith(", serving, 1 connections]");

    second.writer().close(); // the handler sees EOF and its connection closes
    first.writer().close();
    server.close();
    foreground(server.waitClosed());
    assertThat(events).containsExactly("handler saw EOF", "handler saw EOF");
  }

  /** Reads to the end; a reset (the abort may reach the client as one) ends it too. */
  private static byte[] readUntilEndOrReset(StreamReader reader) throws Exception {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    try {
      byte[] chunk;
      while ((chunk = foreground(reader.read(1 << 16))).length > 0) {
        all.write(chunk);
      }
    } catch (SocketException e) {
      // reset by the aborted peer
    }
    return all.toByteArray();
  }
}
