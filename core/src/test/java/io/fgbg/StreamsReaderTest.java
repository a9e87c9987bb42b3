package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link StreamReader} behaves as asyncio's: read, readLine, readExactly, readUntil, atEof, the
 * limit, and one reader at a time. The reader is an fgbg client's; the peer is a plain socket that
 * the test thread writes to, so every byte and every end of stream is placed by hand.
 */
class StreamsReaderTest extends StreamsLoopSupport {
  private ServerSocket listener;
  private Socket peer;
  private StreamReader reader;
  private StreamWriter writer;
  private final List<String> events = new ArrayList<>();

  private void connect() throws Exception {
    connect(-1);
  }

  /** An fgbg client connected to a plain peer; limit -1 for the default. */
  private void connect(int limit) throws Exception {
    listener = rawListener();
    int port = listener.getLocalPort();
    Connection c =
        foreground(
            limit < 0 ? openConnection(LOCALHOST, port) : openConnection(LOCALHOST, port, limit));
    peer = acceptMade(listener);
    reader = c.reader();
    writer = c.writer();
  }

  @AfterEach
  void closeBothEnds() throws Exception {
    if (writer != null && !loop.isClosed()) {
      writer.close();
    }
    if (peer != null) {
      peer.close();
    }
    if (listener != null) {
      listener.close();
    }
  }

  private void peerEndsTheStream() throws IOException {
    peer.shutdownOutput();
  }

  // ---------------------------------------------------------------- read

  @Test
  void readReturnsAtMostMaxBytesAndOtherwiseWhatHasArrivedWithoutWaitingForMore()
      throws Exception {
    connect();
    send(peer, "hello world");

    assertThat(foreground(reader.read(5))).isEqualTo(utf8("hello"));
    assertThat(foreground(reader.read(100))).isEqualTo(utf8(" world"));
  }

  @Test
  void readSuspendsUntilSomeBytesArrive() throws Exception {
    connect();
    Task<byte[]> read = scheduleCoroutine(reader.read(10));

    assertThat(pendingAfter(ofMillis(100), read)).as("nothing has arrived").contains(read);
    send(peer, "x");

    assertThat(foreground(read)).isEqualTo(utf8("x"));
  }

  @Test
  void readReturnsAnEmptyArrayAtTheEndOfTheStreamAndAtEofTellsWhenEverythingWasRead()
      throws Exception {
    connect();
    assertThat(reader.atEof()).isFalse();
    send(peer, "abc");
    peerEndsTheStream();

    assertThat(foreground(reader.read(2))).isEqualTo(utf8("ab"));
    assertThat(reader.atEof()).as("a byte is still buffered").isFalse();
    assertThat(foreground(reader.read(10))).isEqualTo(utf8("c"));
    assertThat(foreground(reader.read(10))).isEmpty();
    assertThat(reader.atEof()).isTrue();
    assertThat(foreground(reader.read(10))).as("and again").isEmpty();
    assertThat(foreground(reader.readLine())).isNull();
  }

  @Test
  void readMinusOneReadsEverythingUntilTheEndOfTheStreamPastTheLimit() throws Exception {
    connect(1024);
    int total = 1 << 20;
    Task<Void> sender =
        callInBackground(
            () -> {
              OutputStream out = peer.getOutputStream();
              for (int off = 0; off < total; off += 10_000) {
                out.write(pattern(off, Math.min(10_000, total - off)));
              }
              peer.shutdownOutput();
              return null;
            });

    byte[] all = foreground(reader.read(-1));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, all.length)).as("first byte out of order").isEqualTo(-1);
    assertThat(reader.atEof()).isTrue();
    foreground(sender);
  }

  @Test
  void readMinusOneOfManyMegabytesWithASmallLimitTakesTimeInProportionToTheirSize()
      throws Exception {
    // 16 MiB with a limit of 1 KiB is 16,384 blocks: joined once at the end, that is a few
    // milliseconds of copying; grown block by block, it is some hundred gigabytes (minutes)
    connect(1024);
    int total = 16 << 20;
    Task<Void> sender =
        callInBackground(
            () -> {
              OutputStream out = peer.getOutputStream();
              for (int off = 0; off < total; off += 1 << 20) {
                out.write(pattern(off, 1 << 20));
              }
              peer.shutdownOutput();
              return null;
            });

    byte[] all = foreground(reader.read(-1));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, total)).isEqualTo(-1);
    foreground(sender);
  }

  @Test
  void readZeroAndReadExactlyZeroReturnAnEmptyArrayAtOnceWithoutYielding() throws Exception {
    connect();
    Task<Object> other =
        scheduleCoroutine(
            () -> {
              events.add("another task ran");
              return null;
            });

    runInForeground(
        () -> {
          events.add("read(0) gave " + await(reader.read(0)).length + " bytes");
          events.add("readExactly(0) gave " + await(reader.readExactly(0)).length + " bytes");
          return null;
        });

    // the foreground coroutine starts ahead of the ready task: had a read yielded, the other
    // task would have run first
    foreground(other);
    assertThat(events)
        .containsExactly("read(0) gave 0 bytes", "readExactly(0) gave 0 bytes", "another task ran");
  }

  @Test
  void aReadThatFindsItsDataBufferedDoesNotYield() throws Exception {
    connect();
    send(peer, "a\nb\n");
    assertThat(foreground(reader.readLine())).isEqualTo("a");
    // "b\n" arrived in the same segment as "a\n": it is buffered now
    Task<Object> other =
        scheduleCoroutine(
            () -> {
              events.add("another task ran");
              return null;
            });

    runInForeground(
        () -> {
          events.add("read " + await(reader.readLine()));
          return null;
        });

    foreground(other);
    assertThat(events)
        .as("had readLine yielded, the other task would run first")
        .containsExactly("read b", "another task ran");
  }

  // ---------------------------------------------------------------- readLine

  @Test
  void readLineStripsNewlineAndCrlfKeepsEmptyLinesReturnsTheLastUnterminatedLineThenNull()
      throws Exception {
    connect();
    send(peer, "one\ntwo\r\n\nlone\rcarriage\nthree");
    peerEndsTheStream();

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add(foreground(reader.readLine()));
    }

    assertThat(lines).containsExactly("one", "two", "", "lone\rcarriage", "three", null);
    assertThat(reader.atEof()).isTrue();
  }

  @Test
  void readLineSuspendsUntilTheNewlineArrives() throws Exception {
    connect();
    Task<String> line = scheduleCoroutine(reader.readLine());
    send(peer, "partial");

    assertThat(pendingAfter(ofMillis(100), line)).as("no newline yet").contains(line);
    send(peer, " line\nnext");

    assertThat(foreground(line)).isEqualTo("partial line");
  }

  @Test
  void readLineDecodesUtf8WhoseCharactersAreSplitBetweenSegments() throws Exception {
    connect();
    byte[] bytes = utf8("héllo ✓ 𝄞 end\n");
    int cut = "héllo ✓ ".getBytes(UTF_8).length + 2; // inside the four bytes of 𝄞
    Task<String> line = scheduleCoroutine(reader.readLine());
    send(peer, Arrays.copyOfRange(bytes, 0, cut));
    assertThat(pendingAfter(ofMillis(100), line)).contains(line);
    send(peer, Arrays.copyOfRange(bytes, cut, bytes.length));

    assertThat(foreground(line)).isEqualTo("héllo ✓ 𝄞 end");
  }

  @Test
  void aLineAsLongAsTheLimitIsReadAndOneByteLongerIsALimitOverrun() throws Exception {
    connect(16);
    send(peer, "x".repeat(16) + "\n");
    assertThat(foreground(reader.readLine())).isEqualTo("x".repeat(16));

    send(peer, "y".repeat(17) + "\n" + "after\n");
    assertThatThrownBy(() -> foreground(reader.readLine()))
        .isInstanceOf(LimitOverrunException.class)
        .isInstanceOf(IOException.class);
    // the whole line had arrived: asyncio's readline drops it, up to and including its newline
    assertThat(foreground(reader.readLine())).isEqualTo("after");
  }

  // ---------------------------------------------------------------- readExactly

  @Test
  void readExactlyReturnsExactlyNBytesFromWhatIsBuffered() throws Exception {
    connect();
    send(peer, "0123456789");

    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("0123"));
    assertThat(foreground(reader.readExactly(6))).isEqualTo(utf8("456789"));
  }

  @Test
  void readExactlyWaitsForBytesThatComeInManySegments() throws Exception {
    connect(1024);
    int total = 100_000;
    Task<Void> sender =
        callInBackground(
            () -> {
              for (int off = 0; off < total; off += 7_000) {
                send(peer, pattern(off, Math.min(7_000, total - off)));
              }
              return null;
            });

    byte[] all = foreground(reader.readExactly(total));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, total)).isEqualTo(-1);
    foreground(sender);
  }

  @Test
  void readExactlyThrowsIncompleteReadExceptionWithThePartialBytesIfTheStreamEndsFirst()
      throws Exception {
    connect();
    send(peer, "abc");
    peerEndsTheStream();

    Throwable thrown = catchThrowable(() -> foreground(reader.readExactly(5)));

    assertThat(thrown).isInstanceOf(IncompleteReadException.class).isInstanceOf(EOFException.class);
    assertThat(((IncompleteReadException) thrown).partial()).isEqualTo(utf8("abc"));
    assertThat(reader.atEof()).as("the partial bytes were taken").isTrue();
  }

  @Test
  void readExactlyOfANegativeCountIsAnIllegalArgument() throws Exception {
    connect();
    assertThatThrownBy(() -> foreground(reader.readExactly(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- readUntil

  @Test
  void readUntilReturnsTheChunkIncludingTheSeparatorAndLeavesTheRestBuffered() throws Exception {
    connect();
    send(peer, "GET / HTTP/1.1\r\nHost: x\r\n\r\nbody");

    byte[] head = foreground(reader.readUntil(utf8("\r\n\r\n")));

    assertThat(new String(head, UTF_8)).isEqualTo("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("body"));
  }

  @Test
  void readUntilFindsASeparatorSplitBetweenSegments() throws Exception {
    connect();
    Task<byte[]> chunk = scheduleCoroutine(reader.readUntil(utf8("\r\n\r\n")));
    send(peer, "abc\r\n\r");
    assertThat(pendingAfter(ofMillis(100), chunk)).contains(chunk);
    send(peer, "\nrest");

    assertThat(foreground(chunk)).isEqualTo(utf8("abc\r\n\r\n"));
    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("rest"));
  }

  @Test
  void readUntilThrowsIncompleteReadExceptionWithWhatArrivedIfTheStreamEndsFirst()
      throws Exception {
    connect();
    send(peer, "no separator here");
    peerEndsTheStream();

    Throwable thrown = catchThrowable(() -> foreground(reader.readUntil(utf8("\n\n"))));

    assertThat(thrown).isInstanceOf(IncompleteReadException.class);
    assertThat(((IncompleteReadException) thrown).partial()).isEqualTo(utf8("no separator here"));
  }

  @Test
  void readUntilPastTheLimitThrowsLimitOverrunAndLeavesTheBytesToReadAgain() throws Exception {
    connect(16);
    String tooLong = "0123456789".repeat(4); // 40 bytes, no separator
    send(peer, tooLong);

    assertThatThrownBy(() -> foreground(reader.readUntil(utf8(";"))))
        .isInstanceOf(LimitOverrunException.class);
    assertThat(foreground(reader.readExactly(40))).isEqualTo(utf8(tooLong));

    String separatorPastLimit = "abcdefghijklmnopqrstuvwxyz;"; // found at 26 > 16
    send(peer, separatorPastLimit);
    assertThatThrownBy(() -> foreground(reader.readUntil(utf8(";"))))
        .isInstanceOf(LimitOverrunException.class);
    assertThat(foreground(reader.readExactly(27))).isEqualTo(utf8(separatorPastLimit));
  }

  @Test
  void readUntilOfAnEmptySeparatorIsAnIllegalArgumentAndOfNullANullPointer() throws Exception {
    connect();
    assertThatThrownBy(() -> foreground(reader.readUntil(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(reader.readUntil(null)))
        .isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------- cancelled and closed reads

  @Test
  void aReadCancelledByWaitForsTimeoutLeavesTheReaderUsable() throws Exception {
    connect();

    assertThatThrownBy(() -> runInForeground(waitFor(reader.readLine(), ofMillis(50))))
        .isInstanceOf(TimeoutException.class);
    send(peer, "late line\n");

    assertThat(foreground(reader.readLine())).as("no second-reader error").isEqualTo("late line");
  }

  @Test
  void afterTheWritersCloseTheReaderGivesWhatWasBufferedThenTheEnd() throws Exception {
    connect();
    send(peer, "first\nbuffered\n");
    assertThat(foreground(reader.readLine())).isEqualTo("first"); // one segment: both are in

    writer.close();

    assertThat(foreground(reader.readLine())).isEqualTo("buffered");
    assertThat(foreground(reader.readLine())).isNull();
    assertThat(reader.atEof()).isTrue();
  }

  @Test
  void closingTheWriterEndsAReadThatWaitsWithTheEndOfTheStream() throws Exception {
    connect();
    Task<String> line = scheduleCoroutine(reader.readLine());
    assertThat(pendingAfter(ofMillis(50), line)).contains(line);

    writer.close();

    assertThat(foreground(line)).isNull();
  }

  // ---------------------------------------------------------------- one reader at a time

  @Test
  void aSecondTaskReadingWhileAnotherWaitsOnTheSameReaderGetsIllegalStateException()
      throws Exception {
    connect();
    Task<byte[]> first = scheduleCoroutine(reader.read(100));
    Task<String> second = scheduleCoroutine(reader.readLine());

    WaitResult r =
        runInForeground(waitTasks(List.of(first, second), TIMEOUT, ReturnWhen.FIRST_COMPLETED));

    assertThat(r.done()).containsExactly(second);
    assertThat(second.exception()).isInstanceOf(IllegalStateException.class);
    assertThat(first.isDone()).as("the first reader goes on waiting").isFalse();
    send(peer, "for the first\n");
    assertThat(foreground(first)).isEqualTo(utf8("for the first\n"));
  }

  @Test
  void eachKindOfReadIsRefusedWhileAnotherTaskWaits() throws Exception {
    connect();
    Task<byte[]> first = scheduleCoroutine(reader.readExactly(3));
    List<Coroutine<?>> others =
        List.of(
            reader.read(1), reader.read(-1), reader.readLine(), reader.readExactly(1),
            reader.readUntil(utf8("\n")));
    List<Task<?>> refused = new ArrayList<>();
    for (Coroutine<?> other : others) {
      refused.add(scheduleCoroutine(other));
    }

    runInForeground(waitTasks(refused, TIMEOUT));

    for (Task<?> t : refused) {
      assertThat(t.exception()).isInstanceOf(IllegalStateException.class);
    }
    send(peer, "abc");
    assertThat(foreground(first)).isEqualTo(utf8("abc"));
  }
}
