package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/**
 * A {@link StreamReader} behaves as asyncio's: read, readLine, readExactly, readUntil, atEof, the
 * limit, and one reader at a time, over every network ({@link StreamsFactory}). The reader is an
 * fgbg client's; the peer is one the test thread writes to (a plain socket over TCP), so every
 * byte and every end of stream is placed by hand.
 */
class StreamsReaderTest extends StreamsSuiteSupport {
  private StreamsPeer peer;
  private StreamReader reader;
  private StreamWriter writer;
  private final List<String> events = new ArrayList<>();

  private void connect() throws Exception {
    connect(Streams.DEFAULT_LIMIT);
  }

  /** An fgbg client connected to a peer that the test drives. */
  private void connect(int limit) throws Exception {
    StreamsNetwork.ClientAndPeer c = network.connectToAPeer(limit);
    peer = c.peer();
    reader = c.client().reader();
    writer = c.client().writer();
  }

  @AfterEach
  void closeTheClient() {
    if (writer != null && !loop.isClosed()) {
      writer.close();
    }
  }

  private void peerEndsTheStream() throws Exception {
    peer.endStream();
  }

  // ---------------------------------------------------------------- read

  @OverEveryNetwork
  void readReturnsAtMostMaxBytesAndOtherwiseWhatHasArrivedWithoutWaitingForMore()
      throws Exception {
    connect();
    peer.send("hello world");
    network.letArrive();

    assertThat(foreground(reader.read(5))).isEqualTo(utf8("hello"));
    assertThat(foreground(reader.read(100))).isEqualTo(utf8(" world"));
  }

  @OverEveryNetwork
  void readSuspendsUntilSomeBytesArrive() throws Exception {
    connect();
    Task<byte[]> read = scheduleCoroutine(reader.read(10));

    assertThat(pendingAfter(ofMillis(100), read)).as("nothing has arrived").contains(read);
    peer.send("x");

    assertThat(foreground(read)).isEqualTo(utf8("x"));
  }

  @OverEveryNetwork
  void readReturnsAnEmptyArrayAtTheEndOfTheStreamAndAtEofTellsWhenEverythingWasRead()
      throws Exception {
    connect();
    assertThat(reader.atEof()).isFalse();
    peer.send("abc");
    peerEndsTheStream();
    network.letArrive();

    assertThat(foreground(reader.read(2))).isEqualTo(utf8("ab"));
    assertThat(reader.atEof()).as("a byte is still buffered").isFalse();
    assertThat(foreground(reader.read(10))).isEqualTo(utf8("c"));
    assertThat(foreground(reader.read(10))).isEmpty();
    assertThat(reader.atEof()).isTrue();
    assertThat(foreground(reader.read(10))).as("and again").isEmpty();
    assertThat(foreground(reader.readLine())).isNull();
  }

  @OverEveryNetwork
  void readMinusOneReadsEverythingUntilTheEndOfTheStreamPastTheLimit() throws Exception {
    connect(1024);
    int total = bulk(1 << 20);
    Task<Void> sender = peer.sendPatternThenEnd(total, 10_000);

    byte[] all = foreground(reader.read(-1));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, all.length)).as("first byte out of order").isEqualTo(-1);
    assertThat(reader.atEof()).isTrue();
    foreground(sender);
  }

  @OverEveryNetwork
  void readMinusOneOfManyMegabytesWithASmallLimitTakesTimeInProportionToTheirSize()
      throws Exception {
    // 16 MiB with a limit of 1 KiB is 16,384 blocks: joined once at the end, that is a few
    // milliseconds of copying; grown block by block, it is some hundred gigabytes (minutes)
    connect(1024);
    int total = bulk(16 << 20);
    Task<Void> sender = peer.sendPatternThenEnd(total, 1 << 20);

    byte[] all = foreground(reader.read(-1));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, total)).isEqualTo(-1);
    foreground(sender);
  }

  @OverEveryNetwork
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

  @OverEveryNetwork
  void aReadThatFindsItsDataBufferedDoesNotYield() throws Exception {
    connect();
    peer.send("a\nb\n");
    network.letArrive();
    assertThat(foreground(reader.readLine())).isEqualTo("a");
    // "b\n" arrived with "a\n": it is buffered now
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

  @OverEveryNetwork
  void readLineStripsNewlineAndCrlfKeepsEmptyLinesReturnsTheLastUnterminatedLineThenNull()
      throws Exception {
    connect();
    peer.send("one\ntwo\r\n\nlone\rcarriage\nthree");
    peerEndsTheStream();

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add(foreground(reader.readLine()));
    }

    assertThat(lines).containsExactly("one", "two", "", "lone\rcarriage", "three", null);
    assertThat(reader.atEof()).isTrue();
  }

  @OverEveryNetwork
  void readLineSuspendsUntilTheNewlineArrives() throws Exception {
    connect();
    Task<String> line = scheduleCoroutine(reader.readLine());
    peer.send("partial");

    assertThat(pendingAfter(ofMillis(100), line)).as("no newline yet").contains(line);
    peer.send(" line\nnext");

    assertThat(foreground(line)).isEqualTo("partial line");
  }

  @OverEveryNetwork
  void readLineDecodesUtf8WhoseCharactersAreSplitBetweenSegments() throws Exception {
    connect();
    byte[] bytes = utf8("héllo ✓ 𝄞 end\n");
    int cut = "héllo ✓ ".getBytes(UTF_8).length + 2; // inside the four bytes of 𝄞
    Task<String> line = scheduleCoroutine(reader.readLine());
    peer.send(Arrays.copyOfRange(bytes, 0, cut));
    assertThat(pendingAfter(ofMillis(100), line)).contains(line);
    peer.send(Arrays.copyOfRange(bytes, cut, bytes.length));

    assertThat(foreground(line)).isEqualTo("héllo ✓ 𝄞 end");
  }

  @OverEveryNetwork
  void aLineAsLongAsTheLimitIsReadAndOneByteLongerIsALimitOverrun() throws Exception {
    connect(16);
    peer.send("x".repeat(16) + "\n");
    assertThat(foreground(reader.readLine())).isEqualTo("x".repeat(16));

    peer.send("y".repeat(17) + "\n" + "after\n");
    network.letArrive();
    assertThatThrownBy(() -> foreground(reader.readLine()))
        .isInstanceOf(LimitOverrunException.class)
        .isInstanceOf(IOException.class);
    // the whole line had arrived: asyncio's readline drops it, up to and including its newline
    assertThat(foreground(reader.readLine())).isEqualTo("after");
  }

  // ---------------------------------------------------------------- readExactly

  @OverEveryNetwork
  void readExactlyReturnsExactlyNBytesFromWhatIsBuffered() throws Exception {
    connect();
    peer.send("0123456789");

    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("0123"));
    assertThat(foreground(reader.readExactly(6))).isEqualTo(utf8("456789"));
  }

  @OverEveryNetwork
  void readExactlyWaitsForBytesThatComeInManySegments() throws Exception {
    connect(1024);
    int total = 100_000;
    Task<Void> sender = peer.sendPatternThenEnd(total, 7_000);

    byte[] all = foreground(reader.readExactly(total));

    assertThat(all.length).isEqualTo(total);
    assertThat(firstMismatch(0, all, total)).isEqualTo(-1);
    foreground(sender);
  }

  @OverEveryNetwork
  void readExactlyThrowsIncompleteReadExceptionWithThePartialBytesIfTheStreamEndsFirst()
      throws Exception {
    connect();
    peer.send("abc");
    peerEndsTheStream();

    Throwable thrown = catchThrowable(() -> foreground(reader.readExactly(5)));

    assertThat(thrown).isInstanceOf(IncompleteReadException.class).isInstanceOf(EOFException.class);
    assertThat(((IncompleteReadException) thrown).partial()).isEqualTo(utf8("abc"));
    assertThat(reader.atEof()).as("the partial bytes were taken").isTrue();
  }

  @OverEveryNetwork
  void readExactlyOfANegativeCountIsAnIllegalArgument() throws Exception {
    connect();
    assertThatThrownBy(() -> foreground(reader.readExactly(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- readUntil

  @OverEveryNetwork
  void readUntilReturnsTheChunkIncludingTheSeparatorAndLeavesTheRestBuffered() throws Exception {
    connect();
    peer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody");

    byte[] head = foreground(reader.readUntil(utf8("\r\n\r\n")));

    assertThat(new String(head, UTF_8)).isEqualTo("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("body"));
  }

  @OverEveryNetwork
  void readUntilFindsASeparatorSplitBetweenSegments() throws Exception {
    connect();
    Task<byte[]> chunk = scheduleCoroutine(reader.readUntil(utf8("\r\n\r\n")));
    peer.send("abc\r\n\r");
    assertThat(pendingAfter(ofMillis(100), chunk)).contains(chunk);
    peer.send("\nrest");

    assertThat(foreground(chunk)).isEqualTo(utf8("abc\r\n\r\n"));
    assertThat(foreground(reader.readExactly(4))).isEqualTo(utf8("rest"));
  }

  @OverEveryNetwork
  void readUntilThrowsIncompleteReadExceptionWithWhatArrivedIfTheStreamEndsFirst()
      throws Exception {
    connect();
    peer.send("no separator here");
    peerEndsTheStream();

    Throwable thrown = catchThrowable(() -> foreground(reader.readUntil(utf8("\n\n"))));

    assertThat(thrown).isInstanceOf(IncompleteReadException.class);
    assertThat(((IncompleteReadException) thrown).partial()).isEqualTo(utf8("no separator here"));
  }

  @OverEveryNetwork
  void readUntilPastTheLimitThrowsLimitOverrunAndLeavesTheBytesToReadAgain() throws Exception {
    connect(16);
    String tooLong = "0123456789".repeat(4); // 40 bytes, no separator
    peer.send(tooLong);

    assertThatThrownBy(() -> foreground(reader.readUntil(utf8(";"))))
        .isInstanceOf(LimitOverrunException.class);
    assertThat(foreground(reader.readExactly(40))).isEqualTo(utf8(tooLong));

    String separatorPastLimit = "abcdefghijklmnopqrstuvwxyz;"; // found at 26 > 16
    peer.send(separatorPastLimit);
    assertThatThrownBy(() -> foreground(reader.readUntil(utf8(";"))))
        .isInstanceOf(LimitOverrunException.class);
    assertThat(foreground(reader.readExactly(27))).isEqualTo(utf8(separatorPastLimit));
  }

  @OverEveryNetwork
  void readUntilLooksForTheSeparatorAsItWasAtTheCallThoughTheCallerChangesItsArrayLater()
      throws Exception {
    connect();
    byte[] newline = utf8("\n");
    byte[] blankLine = utf8("\n\n");
    Coroutine<byte[]> line = reader.readUntil(newline);
    Coroutine<byte[]> paragraph = reader.readUntil(blankLine);
    newline[0] = ';'; // neither read has run yet
    blankLine[0] = ';';
    peer.send("a;b\nc;\nd\n\n");

    assertThat(foreground(line)).isEqualTo(utf8("a;b\n"));
    assertThat(foreground(paragraph)).isEqualTo(utf8("c;\nd\n\n"));
  }

  @OverEveryNetwork
  void readUntilOfAnEmptySeparatorIsAnIllegalArgumentAndOfNullANullPointer() throws Exception {
    connect();
    assertThatThrownBy(() -> foreground(reader.readUntil(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> foreground(reader.readUntil(null)))
        .isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------- cancelled and closed reads

  @OverEveryNetwork
  void aReadCancelledByWaitForsTimeoutLeavesTheReaderUsable() throws Exception {
    connect();

    assertThatThrownBy(() -> runInForeground(waitFor(reader.readLine(), ofMillis(50))))
        .isInstanceOf(TimeoutException.class);
    peer.send("late line\n");

    assertThat(foreground(reader.readLine())).as("no second-reader error").isEqualTo("late line");
  }

  @OverEveryNetwork
  void afterTheWritersCloseTheReaderGivesWhatWasBufferedThenTheEnd() throws Exception {
    connect();
    peer.send("first\nbuffered\n");
    network.letArrive(); // both lines are in the reader's buffer
    assertThat(foreground(reader.readLine())).isEqualTo("first");

    writer.close();

    assertThat(foreground(reader.readLine())).isEqualTo("buffered");
    assertThat(foreground(reader.readLine())).isNull();
    assertThat(reader.atEof()).isTrue();
  }

  @OverEveryNetwork
  void closingTheWriterEndsAReadThatWaitsWithTheEndOfTheStream() throws Exception {
    connect();
    Task<String> line = scheduleCoroutine(reader.readLine());
    assertThat(pendingAfter(ofMillis(50), line)).contains(line);

    writer.close();

    assertThat(foreground(line)).isNull();
  }

  // ---------------------------------------------------------------- one reader at a time

  @OverEveryNetwork
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
    peer.send("!");
    assertThat(foreground(first)).isEqualTo(utf8("!"));
  }

  @OverEveryNetwork
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
    peer.send("abc");
    assertThat(foreground(first)).isEqualTo(utf8("abc"));
  }
}
