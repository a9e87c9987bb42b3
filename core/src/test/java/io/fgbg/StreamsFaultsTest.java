package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Bad peers and faults: overlong lines, a peer that floods a reader that does not read, resets in
 * the middle of a read and of a write, refused connections, and a server's close, waitClosed and
 * serveForever, over every network ({@link StreamsFactory}) but for DNS. None of them may hang
 * the loop or harm the other connections.
 */
class StreamsFaultsTest extends StreamsSuiteSupport {

  /** A client's echo exchange on {@code port}: each line there and back, then close. */
  private Coroutine<List<String>> echoExchange(int port, String... lines) {
    return () -> {
      Connection c = await(openConnection(LOCALHOST, port));
      List<String> echoed = new ArrayList<>();
      for (String line : lines) {
        c.writer().write(line + "\n");
        await(c.writer().drain());
        echoed.add(await(c.reader().readLine()));
      }
      c.writer().close();
      await(c.writer().waitClosed());
      return echoed;
    };
  }

  // ---------------------------------------------------------------- bounded memory

  @OverEveryNetwork
  void aLineLongerThanTheLimitIsALimitOverrunAndTheLinesAfterItCanStillBeRead() throws Exception {
    int limit = 1024;
    int overlong = bulk(8 << 20);
    CompletableFuture<Integer> overruns = new CompletableFuture<>();
    List<String> lines = new ArrayList<>();
    ConnectionHandler lineReader =
        (reader, writer) -> {
          int n = 0;
          while (true) {
            try {
              String line = await(reader.readLine());
              if (line == null) {
                break;
              }
              lines.add(line);
            } catch (LimitOverrunException e) {
              n++;
            }
          }
          overruns.complete(n);
        };
    Server server = runInForeground(startServer(lineReader, LOCALHOST, 0, limit));
    Task<Void> badPeer =
        scheduleCoroutine(
            () -> {
              Connection c = await(openConnection(LOCALHOST, server.port()));
              byte[] xs = utf8("x".repeat(64 * 1024));
              for (int sent = 0; sent < overlong; sent += xs.length) {
                c.writer().write(xs);
                await(c.writer().drain());
              }
              c.writer().write(utf8("\nnext\nlast\n"));
              c.writer().close();
              await(c.writer().waitClosed());
              return null;
            });

    foreground(badPeer);
    int n = foreground(() -> await(overruns));

    assertThat(n).as("LimitOverrunExceptions").isPositive();
    // asyncio's readline drops what it has buffered at each overrun; what is left of the
    // overlong line when its newline comes (less than the limit) may come back as a line
    assertThat(lines).endsWith("next", "last").hasSizeBetween(2, 3);
    if (lines.size() == 3) {
      assertThat(lines.get(0)).matches("x*").hasSizeLessThanOrEqualTo(limit);
    }
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aReaderThatDoesNotReadStopsTakingBytesFromTheSocketSoAFloodingPeerIsHeldBack()
      throws Exception {
    // a loopback socket's kernel buffers hold megabytes; a memory network's, 64 KiB
    long total = overTcp() ? 64L << 20 : bulk(16 << 20);
    int chunk = 64 * 1024;
    CompletableFuture<Void> startReading = new CompletableFuture<>();
    CompletableFuture<Long> received = new CompletableFuture<>();
    ConnectionHandler lazyReader =
        (reader, writer) -> {
          await(startReading);
          long n = 0;
          byte[] data;
          while ((data = await(reader.read(chunk))).length > 0) {
            int bad = firstMismatch(n, data, data.length);
            if (bad >= 0) {
              throw new AssertionError("byte " + (n + bad) + " is out of order");
            }
            n += data.length;
          }
          received.complete(n);
        };
    Server server = runInForeground(startServer(lazyReader, LOCALHOST, 0));
    AtomicLong written = new AtomicLong();
    Task<Void> floodingPeer =
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

    assertThat(pendingAfter(ofMillis(500), floodingPeer))
        .as("the peer is held back while the handler does not read")
        .contains(floodingPeer);
    long heldAt = written.get();
    // memory: the reader's twice 64 KiB and the read that crossed it, 64 KiB in flight, and the
    // peer's buffer: its 64 KiB high-water mark and the chunk that went over it
    assertThat(heldAt)
        .as("bytes the peer got out: the buffers on the way plus the reader's bounded buffer")
        .isLessThanOrEqualTo(overTcp() ? total / 4 : 6 * chunk);

    startReading.complete(null);
    foreground(floodingPeer);
    assertThat(foreground(() -> await(received))).isEqualTo(total);
    server.close();
    foreground(server.waitClosed());
  }

  // ---------------------------------------------------------------- resets

  /** What a handler saw after its peer reset the connection. */
  private record AfterReset(
      Throwable readFailure,
      Throwable secondRead,
      boolean closing,
      Throwable write,
      Throwable drain,
      Throwable waitClosed) {}

  private static Throwable thrownBy(Coroutine<?> c) {
    try {
      await(c);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @OverEveryNetwork
  void aPeerThatResetsMidReadGivesItsHandlerAnIOExceptionAndLeavesOtherConnectionsWorking()
      throws Exception {
    CompletableFuture<Void> victimReading = new CompletableFuture<>();
    CompletableFuture<AfterReset> victim = new CompletableFuture<>();
    ConnectionHandler handler =
        (reader, writer) -> {
          String first = await(reader.readLine());
          if (!"victim".equals(first)) {
            writer.write(first + "\n");
            ECHO_LINES.handle(reader, writer);
            return;
          }
          victimReading.complete(null);
          Throwable failure = thrownBy(reader.readLine());
          Throwable again = thrownBy(reader.readLine());
          boolean closing = writer.isClosing();
          Throwable write = null;
          try {
            writer.write("dropped\n");
          } catch (Throwable t) {
            write = t;
          }
          victim.complete(
              new AfterReset(
                  failure, again, closing, write, thrownBy(writer.drain()),
                  thrownBy(writer.waitClosed())));
        };
    Server server = runInForeground(startServer(handler, LOCALHOST, 0));
    Connection other = foreground(openConnection(LOCALHOST, server.port()));
    other.writer().write("before\n");
    assertThat(foreground(other.reader().readLine())).isEqualTo("before");

    StreamsPeer resetter = network.peerConnectedTo(server.port());
    resetter.send("victim\npartial line, no newline");
    foreground(() -> await(victimReading));
    resetter.reset();
    AfterReset seen = foreground(() -> await(victim));

    assertThat(seen.readFailure()).isInstanceOf(IOException.class);
    assertThat(seen.secondRead()).as("a read after the failure").isInstanceOf(IOException.class);
    assertThat(seen.closing()).as("isClosing after the loss").isTrue();
    assertThat(seen.write()).as("a write after the loss is dropped, not thrown").isNull();
    assertThat(seen.drain()).as("drain after the loss").isInstanceOf(IOException.class);
    assertThat(seen.waitClosed()).as("waitClosed after the loss").isInstanceOf(IOException.class);

    other.writer().write("after\n");
    assertThat(foreground(other.reader().readLine())).isEqualTo("after");
    other.writer().close();
    assertThat(foreground(echoExchange(server.port(), "new", "connection")))
        .containsExactly("new", "connection");
    assertThat(server.isServing()).isTrue();
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aPeerThatResetsWhileTheServerWritesGivesTheWritersDrainAnIOExceptionWithoutAHang()
      throws Exception {
    CompletableFuture<Void> writing = new CompletableFuture<>();
    CompletableFuture<Throwable> writerOutcome = new CompletableFuture<>();
    CompletableFuture<Task<?>> writerTask = new CompletableFuture<>();
    ConnectionHandler handler =
        (reader, writer) -> {
          String first = await(reader.readLine());
          if (!"flood".equals(first)) {
            writer.write(first + "\n");
            ECHO_LINES.handle(reader, writer);
            return;
          }
          writerTask.complete(currentTask());
          try {
            for (long off = 0; off < (1L << 30); off += 65_536) {
              writer.write(pattern(off, 65_536));
              writing.complete(null);
              await(writer.drain());
            }
            writerOutcome.complete(null); // a gigabyte went through: the reset was missed
          } catch (Throwable t) {
            writerOutcome.complete(t);
          }
        };
    Server server = runInForeground(startServer(handler, LOCALHOST, 0));
    StreamsPeer resetter = network.peerConnectedTo(server.port());
    resetter.send("flood\n");
    foreground(() -> await(writing));
    assertThat(resetter.readExactly(1000)).isEqualTo(pattern(0, 1000));
    Task<?> flooding = foreground(() -> await(writerTask));
    assertThat(pendingAfter(ofMillis(300), flooding))
        .as("the handler is held in drain: the peer does not read")
        .contains(flooding);

    resetter.reset();
    Throwable outcome = foreground(() -> await(writerOutcome));

    assertThat(outcome).isInstanceOf(IOException.class);
    assertThat(foreground(echoExchange(server.port(), "still", "here")))
        .containsExactly("still", "here");
    server.close();
    foreground(server.waitClosed());
  }

  // ---------------------------------------------------------------- connecting and binding

  @OverEveryNetwork
  void connectingToAPortNobodyListensOnFailsWithConnectException() throws Exception {
    int port = network.closedPort();

    assertThatThrownBy(() -> foreground(openConnection(LOCALHOST, port)))
        .isInstanceOf(ConnectException.class);

    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    assertThat(foreground(echoExchange(server.port(), "the loop goes on")))
        .containsExactly("the loop goes on");
    server.close();
    foreground(server.waitClosed());
  }

  @Test // TCP's: a memory network looks nothing up
  void connectingToANameThatDoesNotResolveFailsWithUnknownHostException() throws Exception {
    assertThatThrownBy(() -> foreground(openConnection("no-such-host.invalid", 80)))
        .isInstanceOf(UnknownHostException.class);
  }

  @OverEveryNetwork
  void badArgumentsAreRefusedWithTheParameterNamed() {
    assertThatThrownBy(() -> startServer(null, "", 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler");
    assertThatThrownBy(() -> foreground(startServer(ECHO_LINES, "", -1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(startServer(ECHO_LINES, "", 65_536)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(startServer(ECHO_LINES, "", 0, 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(openConnection(LOCALHOST, 65_536)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(openConnection(LOCALHOST, 80, 0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @OverEveryNetwork
  void startingAServerOnAPortInUseFailsWithBindException() throws Exception {
    Server first = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));

    Throwable thrown =
        catchThrowable(() -> runInForeground(startServer(ECHO_LINES, LOCALHOST, first.port())));

    assertThat(thrown).isInstanceOf(BindException.class);
    assertThat(first.isServing()).isTrue();
    first.close();
    foreground(first.waitClosed());
  }

  @Test // a port that a socket of no loop holds
  void startingAServerOnAPortThatAPlainSocketHoldsFailsWithBindException() throws Exception {
    try (ServerSocket taken = rawListener()) {
      Throwable thrown =
          catchThrowable(
              () -> runInForeground(startServer(ECHO_LINES, LOCALHOST, taken.getLocalPort())));
      assertThat(thrown).isInstanceOf(BindException.class);
    }
  }

  @OverEveryNetwork
  void aHandlerThatThrowsLeavesTheServerAndTheOtherConnectionsWorking() throws Exception {
    List<ExceptionContext> reported = new ArrayList<>();
    loop.setExceptionHandler((l, context) -> reported.add(context));
    IOException onPurpose = new IOException("the handler fails on purpose");
    CompletableFuture<Task<?>> failingTask = new CompletableFuture<>();
    ConnectionHandler handler =
        (reader, writer) -> {
          String first = await(reader.readLine());
          if ("fail".equals(first)) {
            failingTask.complete(currentTask());
            throw onPurpose;
          }
          writer.write(first + "\n");
          ECHO_LINES.handle(reader, writer);
        };
    Server server = runInForeground(startServer(handler, LOCALHOST, 0));
    Connection other = foreground(openConnection(LOCALHOST, server.port()));
    other.writer().write("one\n");
    assertThat(foreground(other.reader().readLine())).isEqualTo("one");

    List<String> failed = foreground(echoExchange(server.port(), "fail"));

    assertThat(failed)
        .as("the failing handler's connection is closed")
        .containsExactly((String) null);
    assertThat(reported)
        .as("reported at once, before its connection is closed")
        .containsExactly(
            ExceptionContext.of(
                "Unhandled exception in connection handler", onPurpose, failingTask.getNow(null)));
    other.writer().write("two\n");
    assertThat(foreground(other.reader().readLine())).isEqualTo("two");
    other.writer().close();
    assertThat(foreground(echoExchange(server.port(), "three"))).containsExactly("three");
    server.close();
    foreground(server.waitClosed());
  }

  // ---------------------------------------------------------------- a server's end

  @OverEveryNetwork
  void closingAServerStopsAcceptingAtOnceWhileOpenConnectionsGoOn() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    int port = server.port();
    Connection open = foreground(openConnection(LOCALHOST, port));
    open.writer().write("before close\n");
    assertThat(foreground(open.reader().readLine())).isEqualTo("before close");

    server.close();

    assertThat(server.isServing()).isFalse();
    if (overTcp()) {
      assertThatThrownBy(() -> new Socket(LOCALHOST, port).close())
          .as("a new connection of a plain socket right after close()")
          .isInstanceOf(ConnectException.class);
    }
    assertThatThrownBy(() -> foreground(openConnection(LOCALHOST, port)))
        .isInstanceOf(ConnectException.class);
    open.writer().write("after close\n");
    assertThat(foreground(open.reader().readLine())).isEqualTo("after close");
    server.close(); // again: nothing happens
    open.writer().close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void waitClosedOfAServerReturnsOnlyAfterEveryConnectionHasFinished() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    Connection first = foreground(openConnection(LOCALHOST, server.port()));
    Connection second = foreground(openConnection(LOCALHOST, server.port()));
    first.writer().write("1\n");
    second.writer().write("2\n");
    assertThat(foreground(first.reader().readLine())).isEqualTo("1");
    assertThat(foreground(second.reader().readLine())).isEqualTo("2");
    server.close();
    Task<Void> closed = scheduleCoroutine(server.waitClosed());

    assertThat(pendingAfter(ofMillis(150), closed)).as("two connections open").contains(closed);
    first.writer().close();
    foreground(first.writer().waitClosed());
    assertThat(pendingAfter(ofMillis(150), closed)).as("one connection open").contains(closed);
    second.writer().close();

    assertThat(foreground(closed)).isNull();
  }

  @OverEveryNetwork
  void waitClosedOfAServingServerWaitsForItsClose() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    Task<Void> closed = scheduleCoroutine(server.waitClosed());

    assertThat(pendingAfter(ofMillis(100), closed)).as("still serving").contains(closed);
    server.close();

    assertThat(foreground(closed)).isNull();
  }

  @OverEveryNetwork
  void serveForeverReturnsOnceTheServerIsClosedAndServesMeanwhile() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    Task<Void> forever = scheduleCoroutine(server.serveForever());

    assertThat(foreground(echoExchange(server.port(), "while serving forever")))
        .containsExactly("while serving forever");
    assertThat(pendingAfter(ofMillis(100), forever)).contains(forever);
    server.close();

    assertThat(foreground(forever)).isNull();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void cancellingServeForeverClosesTheServer() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    int port = server.port();
    Task<Void> forever = scheduleCoroutine(server.serveForever());
    assertThat(pendingAfter(ofMillis(50), forever)).contains(forever);

    assertThat(forever.cancel()).isTrue();

    assertThatThrownBy(() -> runInForeground(forever)).isInstanceOf(CancellationException.class);
    assertThat(server.isServing()).isFalse();
    assertThatThrownBy(() -> foreground(openConnection(LOCALHOST, port)))
        .isInstanceOf(ConnectException.class);
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void serveForeverOfAClosedServerOrOfOneServedForeverAlreadyIsAnIllegalState() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    Task<Void> forever = scheduleCoroutine(server.serveForever());
    assertThat(pendingAfter(ofMillis(50), forever)).contains(forever);

    assertThatThrownBy(() -> foreground(server.serveForever()))
        .isInstanceOf(IllegalStateException.class);
    server.close();
    foreground(forever);
    assertThatThrownBy(() -> foreground(server.serveForever()))
        .isInstanceOf(IllegalStateException.class);
    foreground(server.waitClosed());
  }
}
