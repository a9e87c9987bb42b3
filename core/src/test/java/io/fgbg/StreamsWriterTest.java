package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A {@link StreamWriter} behaves as asyncio's: UTF-8 text, close and write after close, isClosing,
 * waitClosed, peerAddress, drain's back-pressure; and a server closes each connection after its
 * handler, once what the handler wrote has been sent; over every network ({@link StreamsFactory}).
 */
class StreamsWriterTest extends StreamsSuiteSupport {
  private StreamsPeer peer;
  private Connection client;

  /** An fgbg client connected to a peer that the test thread reads from. */
  private void connectToAPlainPeer() throws Exception {
    StreamsNetwork.ClientAndPeer c = network.connectToAPeer(Streams.DEFAULT_LIMIT);
    client = c.client();
    peer = c.peer();
  }

  @OverEveryNetwork
  void writeOfAStringSendsItsUtf8Bytes() throws Exception {
    connectToAPlainPeer();
    String text = "héllo ✓ 𝄞 — ünïcødé\n";

    client.writer().write(text);
    client.writer().close();
    foreground(client.writer().waitClosed());

    assertThat(peer.readToEnd()).isEqualTo(utf8(text));
  }

  @OverEveryNetwork
  void writeBuffersWhatThePeerHasNotReadAndCloseSendsItAllBeforeTheEndOfStream()
      throws Exception {
    connectToAPlainPeer();
    int total = 4 << 20;
    StreamWriter writer = client.writer();
    for (int off = 0; off < total; off += 100_000) {
      writer.write(pattern(off, Math.min(100_000, total - off))); // never suspends
    }
    writer.close();
    assertThat(writer.isClosing()).isTrue();
    Task<byte[]> received = peer.readToEndInBackground();

    foreground(writer.waitClosed());

    byte[] all = foreground(received);
    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, total)).isEqualTo(-1);
  }

  @OverEveryNetwork
  void writingAfterCloseIsAnIllegalStateAndClosingAgainDoesNothing() throws Exception {
    connectToAPlainPeer();
    StreamWriter writer = client.writer();
    assertThat(writer.isClosing()).isFalse();

    writer.close();
    writer.close();

    assertThat(writer.isClosing()).isTrue();
    assertThatThrownBy(() -> writer.write(utf8("late")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> writer.write("late")).isInstanceOf(IllegalStateException.class);
    foreground(writer.waitClosed());
    assertThat(peer.readToEnd()).isEmpty();
  }

  @OverEveryNetwork
  void waitClosedSuspendsUntilTheConnectionIsClosed() throws Exception {
    connectToAPlainPeer();
    Task<Void> closed = scheduleCoroutine(client.writer().waitClosed());

    assertThat(pendingAfter(ofMillis(100), closed)).contains(closed);
    client.writer().close();

    assertThat(foreground(closed)).isNull();
    assertThat(closed.exception()).isNull();
  }

  @OverEveryNetwork
  void drainBelowTheHighWaterMarkReturnsWithoutYielding() throws Exception {
    connectToAPlainPeer();
    List<String> events = new ArrayList<>();
    Task<Object> other =
        scheduleCoroutine(
            () -> {
              events.add("another task ran");
              return null;
            });

    runInForeground(
        () -> {
          client.writer().write("a little\n");
          await(client.writer().drain());
          events.add("drained");
          return null;
        });

    foreground(other);
    assertThat(events)
        .as("had drain yielded, the other task would run first")
        .containsExactly("drained", "another task ran");
    client.writer().close();
    foreground(client.writer().waitClosed());
    assertThat(peer.readToEnd()).isEqualTo(utf8("a little\n"));
  }

  @OverEveryNetwork
  void writeOfAnEmptyArraySendsNothingAndIsNoError() throws Exception {
    connectToAPlainPeer();
    client.writer().write(new byte[0]);
    client.writer().write("");
    client.writer().write("x");
    client.writer().close();
    foreground(client.writer().waitClosed());
    assertThat(peer.readToEnd()).isEqualTo(utf8("x"));
  }

  @OverEveryNetwork
  void writeOfNullIsANullPointer() throws Exception {
    connectToAPlainPeer();
    assertThatThrownBy(() -> client.writer().write((byte[]) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> client.writer().write((String) null))
        .isInstanceOf(NullPointerException.class);
    client.writer().close();
  }

  @OverEveryNetwork
  void theWriterRefusesAnotherThreadWhileTheLoopRuns() throws Exception {
    connectToAPlainPeer();
    StreamWriter writer = client.writer();

    CountDownLatch loopRunning = new CountDownLatch(1);
    Task<Void> fromAnotherThread =
        callInBackground(
            () -> {
              loopRunning.await(); // write only while this thread's foreground run is going
              writer.write("from another thread\n");
              return null;
            });

    assertThatThrownBy(
            () ->
                runInForeground(
                    () -> {
                      loopRunning.countDown();
                      // no waitFor: a virtual clock would jump to its timeout at once, while the
                      // thread has yet to run (the test's @Timeout is the bound)
                      return await(fromAnotherThread);
                    }))
        .isInstanceOf(IllegalStateException.class);
    writer.close();
    foreground(writer.waitClosed());
    assertThat(peer.readToEnd()).as("nothing was sent").isEmpty();
  }

  @Test // TCP's addresses; MemoryNetworkTest has the memory network's
  void peerAddressIsTheOtherEndOnBothSides() throws Exception {
    try (ServerSocket listener = rawListener()) {
      Connection c = foreground(openConnection(LOCALHOST, listener.getLocalPort()));
      acceptMade(listener).close();
      assertThat(c.writer().peerAddress())
          .isEqualTo(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
      c.writer().close();
    }

    CompletableFuture<InetSocketAddress> seenByServer = new CompletableFuture<>();
    Server server =
        runInForeground(
            startServer((reader, writer) -> seenByServer.complete(writer.peerAddress()), "", 0));
    try (Socket s = blockingSocket(server.port())) {
      InetSocketAddress seen = foreground(() -> await(seenByServer));
      assertThat(seen.getPort()).isEqualTo(s.getLocalPort());
      assertThat(seen.getAddress().isLoopbackAddress()).isTrue();
    }
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void drainSuspendsAWriterWhosePeerDoesNotReadAndEverythingArrivesInOrderOnceItReads()
      throws Exception {
    int total = bulk(16 << 20); // far more than the buffers of a connection hold
    int chunk = 64 * 1024;
    CompletableFuture<Void> startReading = new CompletableFuture<>();
    CompletableFuture<Long> receivedInOrder = new CompletableFuture<>();
    ConnectionHandler slowReader =
        (reader, writer) -> {
          await(startReading);
          long received = 0;
          byte[] data;
          while ((data = await(reader.read(chunk))).length > 0) {
            int bad = firstMismatch(received, data, data.length);
            if (bad >= 0) {
              receivedInOrder.completeExceptionally(
                  new AssertionError("byte " + (received + bad) + " is out of order"));
              return;
            }
            received += data.length;
          }
          receivedInOrder.complete(received);
        };
    Server server = runInForeground(startServer(slowReader, LOCALHOST, 0));
    AtomicLong written = new AtomicLong();
    Task<Void> drainingWriter =
        scheduleCoroutine(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              for (long off = 0; off < total; off += chunk) {
                c.writer().write(pattern(off, chunk));
                written.addAndGet(chunk);
                await(c.writer().drain());
              }
              c.writer().close();
              await(c.writer().waitClosed());
              return null;
            });

    assertThat(pendingAfter(ofMillis(500), drainingWriter))
        .as("the writer is held in drain while the peer does not read")
        .contains(drainingWriter);
    long stalledAt = written.get();
    assertThat(pendingAfter(ofMillis(250), drainingWriter)).contains(drainingWriter);
    assertThat(written.get()).as("no write got through meanwhile").isEqualTo(stalledAt);
    assertThat(stalledAt)
        .as("it stopped well before the end, so the buffers did fill up")
        .isPositive()
        .isLessThan(total / 2);

    startReading.complete(null);
    foreground(drainingWriter);

    assertThat(written.get()).isEqualTo(total);
    assertThat(foreground(() -> await(receivedInOrder))).isEqualTo(total);
    server.close();
    foreground(server.waitClosed());
  }

  // ---------------------------------------------------------------- after the handler

  private static final int MEGABYTE = 1 << 20;

  /** Connects to {@code server} and reads until the end of the stream. */
  private byte[] everythingTheServerSends(Server server) throws Exception {
    return foreground(
        () -> {
          Connection c = await(openConnection(LOCALHOST, server.port()));
          byte[] all = await(c.reader().read(-1));
          c.writer().close();
          return all;
        });
  }

  @OverEveryNetwork
  void aHandlerThatWritesAMegabyteAndReturnsWithoutDrainStillDeliversAllOfItThenTheEnd()
      throws Exception {
    Server server =
        runInForeground(startServer((reader, writer) -> writer.write(pattern(0, MEGABYTE)), "", 0));

    byte[] all = everythingTheServerSends(server);

    assertThat(all.length).isEqualTo(MEGABYTE);
    assertThat(firstMismatch(0, all, MEGABYTE)).isEqualTo(-1);
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aHandlerThatThrowsAfterWritingStillDeliversWhatItWroteThenTheEnd() throws Exception {
    CompletableFuture<Task<?>> handlerTask = new CompletableFuture<>();
    IllegalStateException boom = new IllegalStateException("the handler fails on purpose");
    Server server =
        runInForeground(
            startServer(
                (reader, writer) -> {
                  handlerTask.complete(currentTask());
                  writer.write(pattern(0, MEGABYTE));
                  throw boom;
                },
                "",
                0));

    byte[] all = everythingTheServerSends(server);

    assertThat(all.length).isEqualTo(MEGABYTE);
    assertThat(firstMismatch(0, all, MEGABYTE)).isEqualTo(-1);
    server.close();
    foreground(server.waitClosed());
    assertThat(handlerTask.getNow(null).exception()).isSameAs(boom);
  }

  @OverEveryNetwork
  void aCancelledHandlerStillDeliversWhatItWroteThenTheEnd() throws Exception {
    CompletableFuture<Task<?>> handlerTask = new CompletableFuture<>();
    Server server =
        runInForeground(
            startServer(
                (reader, writer) -> {
                  writer.write(pattern(0, MEGABYTE));
                  handlerTask.complete(currentTask());
                  await(new CompletableFuture<Void>()); // forever, until cancelled
                },
                "",
                0));
    Task<byte[]> client =
        scheduleCoroutine(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              return await(c.reader().read(-1));
            });
    Task<?> handler = foreground(() -> await(handlerTask));

    assertThat(handler.cancel()).isTrue();
    byte[] all = foreground(client);

    assertThat(all.length).isEqualTo(MEGABYTE);
    assertThat(firstMismatch(0, all, MEGABYTE)).isEqualTo(-1);
    assertThat(handler.isCancelled()).isTrue();
    assertThatThrownBy(handler::result).isInstanceOf(CancellationException.class);
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aHandlerThatReturnsAtOnceClosesTheConnection() throws Exception {
    Server server = runInForeground(startServer((reader, writer) -> {}, "", 0));

    List<Object> seen =
        foreground(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              String line = await(c.reader().readLine());
              boolean eof = c.reader().atEof();
              c.writer().close();
              return List.of(String.valueOf(line), eof);
            });

    assertThat(seen).containsExactly("null", true);
    server.close();
    foreground(server.waitClosed());
  }
}
