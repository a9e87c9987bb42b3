package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What a {@link MemoryNetwork} gives beyond the stream suite that runs over it (see {@link
 * StreamsFactory}): its ports and addresses, latency measured as exact virtual time, reads cut to a
 * size, its backpressure to the byte, the ends of a connection as Linux's TCP gives them, the loop
 * it belongs to, and runs that repeat to the event.
 */
class MemoryNetworkTest extends LoopTestSupport {
  private final MemoryNetwork net = new MemoryNetwork();

  private String now() {
    return loop.time().toMillis() + " ms";
  }

  private static final ConnectionHandler ECHO = StreamsLoopSupport.ECHO_LINES;

  // ---------------------------------------------------------------- ports and addresses

  @Test
  void portZeroTakesTheFreePortsFrom49152UpAndAClientAppearsAtTheNextOneOnItsHost()
      throws Exception {
    CompletableFuture<InetSocketAddress> seen = new CompletableFuture<>();
    Server first = runInForeground(net.startServer(ECHO, "127.0.0.1", 0));
    Server second =
        runInForeground(
            net.startServer((reader, writer) -> seen.complete(writer.peerAddress()), "", 0));

    Connection c = runInForeground(net.openConnection("127.0.0.1", second.port()));

    assertThat(first.port()).isEqualTo(49152);
    assertThat(second.port()).isEqualTo(49153);
    assertThat(c.writer().peerAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 49153));
    assertThat(seen.getNow(null)).isEqualTo(new InetSocketAddress("127.0.0.1", 49154));
    assertThat(first.addresses()).containsExactly(new InetSocketAddress("127.0.0.1", 49152));
  }

  @Test
  void aServerListsTheAddressesOfItsHostAsTcpWould() throws Exception {
    Server all = runInForeground(net.startServer(ECHO, "", 7000));
    Server ipv4 = runInForeground(net.startServer(ECHO, "0.0.0.0", 7001));
    Server local = runInForeground(net.startServer(ECHO, "localhost", 7002));
    Server named = runInForeground(net.startServer(ECHO, "DB.example", 7003));

    assertThat(all.addresses())
        .containsExactly(new InetSocketAddress(InetAddress.getByName("::"), 7000));
    assertThat(ipv4.addresses()).containsExactly(new InetSocketAddress("0.0.0.0", 7001));
    assertThat(local.addresses())
        .containsExactly(
            new InetSocketAddress("127.0.0.1", 7002), new InetSocketAddress("::1", 7002));
    assertThat(named.addresses())
        .containsExactly(InetSocketAddress.createUnresolved("db.example", 7003));
    assertThat(named.toString())
        .isEqualTo("Server[[db.example/<unresolved>:7003], serving, 0 connections]");
  }

  /** What a client of {@code host} gets from a server on {@code port}: the echo, or the failure. */
  private String reach(String host, int port) throws Exception {
    try {
      Connection c = runInForeground(net.openConnection(host, port));
      c.writer().write("hi\n");
      String echoed = runInForeground(c.reader().readLine());
      c.writer().close();
      return echoed + " via " + c.writer().peerAddress();
    } catch (ConnectException e) {
      return e.getMessage();
    }
  }

  @Test
  void hostsAreNamesThatLocalhostTheEmptyHostAndTheWildcardsTieTogetherAsInTcp() throws Exception {
    runInForeground(net.startServer(ECHO, "127.0.0.1", 8001));
    runInForeground(net.startServer(ECHO, "::1", 8002));
    runInForeground(net.startServer(ECHO, "db.example", 8003));
    runInForeground(net.startServer(ECHO, null, 8004));

    List<String> seen = new ArrayList<>();
    for (String host : new String[] {"localhost", "", null, "127.0.0.1", "::1"}) {
      seen.add(host + " -> 8001: " + reach(host, 8001) + ", 8002: " + reach(host, 8002));
    }
    seen.add("DB.Example -> 8003: " + reach("DB.Example", 8003));
    seen.add("127.0.0.1 -> 8003: " + reach("127.0.0.1", 8003));
    seen.add("db.example -> 8004: " + reach("db.example", 8004));

    assertThat(seen)
        .containsExactly(
            "localhost -> 8001: hi via /127.0.0.1:8001, 8002: hi via /[0:0:0:0:0:0:0:1]:8002",
            " -> 8001: hi via /127.0.0.1:8001, 8002: hi via /[0:0:0:0:0:0:0:1]:8002",
            "null -> 8001: hi via /127.0.0.1:8001, 8002: hi via /[0:0:0:0:0:0:0:1]:8002",
            "127.0.0.1 -> 8001: hi via /127.0.0.1:8001, 8002: Connection refused",
            "::1 -> 8001: Connection refused, 8002: hi via /[0:0:0:0:0:0:0:1]:8002",
            "DB.Example -> 8003: hi via db.example/<unresolved>:8003",
            "127.0.0.1 -> 8003: Connection refused",
            "db.example -> 8004: hi via db.example/<unresolved>:8004");
  }

  @Test
  void aPortInUseIsABindExceptionAsTheJdkGivesItAndIsFreeAgainOnceTheServerCloses()
      throws Exception {
    Server wildcard = runInForeground(net.startServer(ECHO, "", 9000));
    Server other = runInForeground(net.startServer(ECHO, "127.0.0.1", 9001));

    Throwable overWildcard =
        catchThrowable(() -> runInForeground(net.startServer(ECHO, "127.0.0.1", 9000)));
    Throwable sameHost =
        catchThrowable(() -> runInForeground(net.startServer(ECHO, "localhost", 9001)));
    Server otherHost = runInForeground(net.startServer(ECHO, "::1", 9001));
    wildcard.close();
    Server again = runInForeground(net.startServer(ECHO, "127.0.0.1", 9000));

    assertThat(overWildcard).isInstanceOf(BindException.class).hasMessage("Address already in use");
    assertThat(sameHost).isInstanceOf(BindException.class).hasMessage("Address already in use");
    assertThat(List.of(other.port(), otherHost.port(), again.port()))
        .containsExactly(9001, 9001, 9000);
  }

  @Test
  void aPortNobodyListensOnIsRefusedWithTheJdksConnectException() throws Exception {
    Throwable refused = catchThrowable(() -> runInForeground(net.openConnection("127.0.0.1", 80)));

    assertThat(refused).isInstanceOf(ConnectException.class).hasMessage("Connection refused");
  }

  @Test
  void badArgumentsAreRefusedWithTheParameterNamed() {
    assertThatThrownBy(() -> net.startServer(null, "", 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("handler");
    assertThatThrownBy(() -> net.startServer(ECHO, "", 65_536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port out of range 0..65535: 65536");
    assertThatThrownBy(() -> net.openConnection("", 80, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive: 0");
    assertThatThrownBy(() -> net.setLatency(ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("toServer cannot be negative: PT-0.001S");
    assertThatThrownBy(() -> net.setLatency(Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("toClient");
    assertThatThrownBy(() -> net.setMaxBytesPerRead(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytesPerRead must be positive: 0");
    assertThatThrownBy(() -> net.reset(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> net.resetAfter(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aWriterOfAnotherNetworkIsNotResetAndOneWhoseConnectionHasEndedIsLeftAsItIs()
      throws Exception {
    MemoryNetwork other = new MemoryNetwork();
    Server server = runInForeground(other.startServer(ECHO, "", 0));
    Connection stranger = runInForeground(other.openConnection("", server.port()));

    assertThatThrownBy(() -> net.reset(stranger.writer()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a connection of this MemoryNetwork: StreamWriter[");
    assertThatThrownBy(() -> net.resetAfter(stranger.writer(), 10))
        .isInstanceOf(IllegalArgumentException.class);
    stranger.writer().close();
    runInForeground(stranger.writer().waitClosed());
    runInForeground(sleep(ofMillis(1))); // the server's end closes too
    other.reset(stranger.writer()); // nothing left to reset
    assertThat(runInForeground(stranger.reader().read(10))).isEmpty();
  }

  // ---------------------------------------------------------------- latency, in virtual time

  @Test
  void latencyIsExactVirtualTimeEachWayForTheHandshakeAndForEachByte() throws Exception {
    net.setLatency(ofMillis(10), ofMillis(25));
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  log(now() + ": handler starts");
                  String line = await(reader.readLine());
                  log(now() + ": server reads " + line);
                  writer.write(line.toUpperCase() + "\n");
                },
                "127.0.0.1",
                0));

    Connection c = runInForeground(net.openConnection("127.0.0.1", server.port()));
    log(now() + ": connected");
    c.writer().write("ping\n");
    String reply = runInForeground(c.reader().readLine());
    log(now() + ": client reads " + reply);
    String end = runInForeground(c.reader().readLine());
    log(now() + ": then " + end);

    assertThat(events)
        .containsExactly(
            "10 ms: handler starts",
            "35 ms: connected",
            "45 ms: server reads ping",
            "70 ms: client reads PING",
            "70 ms: then null");
  }

  @Test
  void aShorterLatencyNeverOvertakesWhatWasSentBefore() throws Exception {
    List<String> arrivals = new ArrayList<>();
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  String line;
                  while ((line = await(reader.readLine())) != null) {
                    arrivals.add(now() + ": " + line);
                  }
                },
                "",
                0));
    Connection c = runInForeground(net.openConnection("", server.port()));

    net.setLatency(ofMillis(100), Duration.ZERO);
    c.writer().write("slow\n");
    net.setLatency(ofMillis(30), Duration.ZERO);
    c.writer().write("fast\n");
    runInForeground(sleep(ofMillis(40)));
    c.writer().write("after\n");
    c.writer().close();
    runInForeground(sleep(ofMillis(200)));

    assertThat(arrivals).containsExactly("100 ms: slow", "100 ms: fast", "100 ms: after");
  }

  // ---------------------------------------------------------------- reads, backpressure

  @Test
  void maxBytesPerReadCutsWhatArrivesIntoReadsOfThatSizeOnePerIteration() throws Exception {
    net.setMaxBytesPerRead(3);
    List<String> reads = new ArrayList<>();
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  byte[] chunk;
                  while ((chunk = await(reader.read(100))).length > 0) {
                    reads.add(new String(chunk, UTF_8));
                  }
                },
                "",
                0));
    Connection c = runInForeground(net.openConnection("", server.port()));

    c.writer().write("0123456789");
    c.writer().write("ab");
    c.writer().close();
    runInForeground(c.writer().waitClosed());
    runInForeground(sleep(ofMillis(1)));

    assertThat(reads).containsExactly("012", "345", "678", "9ab");
  }

  @Test
  void aPeerThatNeverReadsHoldsTheWriterAtTheSameByteEveryRunThenTakesEverythingInOrder()
      throws Exception {
    int chunk = 64 * 1024;
    AsyncEvent startReading = new AsyncEvent();
    List<Long> received = new ArrayList<>();
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  await(startReading.waitSet());
                  long n = 0;
                  byte[] data;
                  while ((data = await(reader.read(chunk))).length > 0) {
                    assertThat(StreamsLoopSupport.firstMismatch(n, data, data.length))
                        .isEqualTo(-1);
                    n += data.length;
                  }
                  received.add(n);
                },
                "",
                0));
    long[] written = {0};
    Task<Void> writer =
        scheduleCoroutine(
            () -> {
              Connection c = await(net.openConnection("", server.port()));
              for (int i = 0; i < 64; i++) {
                c.writer().write(StreamsLoopSupport.pattern(written[0], chunk));
                written[0] += chunk;
                await(c.writer().drain());
              }
              c.writer().close();
              return null;
            });

    runInForeground(sleep(Duration.ofHours(1)));
    long heldAt = written[0];
    startReading.set();
    runInForeground(writer);
    runInForeground(sleep(ofMillis(1)));

    // the reader's 128 KiB and the read that took it over, 64 KiB in flight, and the writer's
    // buffer over its 64 KiB high-water mark: the sixth chunk is the one that waits
    assertThat(heldAt).isEqualTo(6L * chunk);
    assertThat(received).containsExactly(64L * chunk);
  }

  // ---------------------------------------------------------------- the ends of a connection

  @Test
  void aWriteToAPeerThatHasClosedGetsThroughOnceThenTheResetItEarnedIsABrokenPipeAsOnLinux()
      throws Exception {
    // TCP gives the same, with SocketTransport (see StreamsFaultsTest): the first write after
    // the peer's end goes out, the peer's kernel answers it with a reset, and the next write
    // fails with EPIPE; a drain in the same step sees the connection lost
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  log(
                      "server reads "
                          + await(reader.readLine())
                          + ", then "
                          + await(reader.readLine()));
                  writer.write("late\n");
                  await(writer.drain());
                  log("first write after the end: drained");
                  await(sleep(ofMillis(1))); // the reset for it comes back
                  writer.write("later\n");
                  log("second write: " + describe(catchThrowable(() -> await(writer.drain()))));
                  log("a read then: " + describe(catchThrowable(() -> await(reader.readLine()))));
                  log("waitClosed: " + describe(catchThrowable(() -> await(writer.waitClosed()))));
                },
                "",
                0));
    Connection c = runInForeground(net.openConnection("", server.port()));

    c.writer().write("bye\n");
    c.writer().close();
    runInForeground(sleep(ofMillis(10)));

    assertThat(events)
        .containsExactly(
            "server reads bye, then null",
            "first write after the end: drained",
            "second write: java.net.SocketException: Connection lost",
            "a read then: java.io.IOException: Broken pipe",
            "waitClosed: java.io.IOException: Broken pipe");
  }

  private static String describe(Throwable t) {
    return t == null ? "none" : t.getClass().getName() + ": " + t.getMessage();
  }

  @Test
  void anEndpointThatClosesWithDataItNeverReadSendsAResetInsteadOfTheEndOfTheStream()
      throws Exception {
    AsyncEvent stop = new AsyncEvent();
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> await(stop.waitSet()), // reads nothing
                "",
                0,
                16));
    Connection c = runInForeground(net.openConnection("", server.port()));
    c.writer().write("x".repeat(100)); // over twice the limit: the server's reader is full
    runInForeground(sleep(ofMillis(1)));
    c.writer().write("unread\n"); // stays in the network
    runInForeground(sleep(ofMillis(1)));

    stop.set();
    Throwable thrown = catchThrowable(() -> runInForeground(c.reader().read(10)));

    assertThat(thrown).isInstanceOf(SocketException.class).hasMessage("Connection reset");
  }

  @Test
  void closingAWriterClosesItsWholeEndAsASocketDoesSoItsReaderSeesTheEndOfWhatArrived()
      throws Exception {
    Server server =
        runInForeground(
            net.startServer(
                (reader, writer) -> {
                  writer.write("before\n");
                  await(reader.readLine()); // until the client ends
                  writer.write("after the client's end\n");
                },
                "",
                0));
    Connection c = runInForeground(net.openConnection("", server.port()));
    runInForeground(sleep(ofMillis(1)));

    c.writer().close();
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = runInForeground(c.reader().readLine())) != null) {
      lines.add(line);
    }

    assertThat(lines).containsExactly("before");
    assertThat(c.reader().atEof()).isTrue();
  }

  // ---------------------------------------------------------------- the loop it belongs to

  @Test
  void aNetworkBelongsToTheLoopOfItsFirstTaskAndRefusesTheTasksOfAnother() throws Exception {
    Server server = runInForeground(net.startServer(ECHO, "", 0));

    try (EventLoop other = EventLoop.createWithVirtualClock()) {
      Throwable thrown =
          catchThrowable(() -> runInForeground(net.openConnection("", server.port()), other));
      assertThat(thrown)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("openConnection() of a MemoryNetwork called from Task-")
          .hasMessageEndingWith(
              " of another event loop: a network belongs to the loop of the first task that"
                  + " used it");
    }
    assertThat(net.toString()).isEqualTo("MemoryNetwork[1 servers, 0 connections]");
  }

  // ---------------------------------------------------------------- determinism

  /** Clients, a proxy, latency, small reads and a stall: everything that happens, with its time. */
  private static List<String> aBusyScenario() throws Exception {
    List<String> log = new ArrayList<>();
    try (EventLoop l = EventLoop.createWithVirtualClock()) {
      MemoryNetwork net = new MemoryNetwork();
      ConnectionHandler echo =
          (reader, writer) -> {
            String line;
            while ((line = await(reader.readLine())) != null) {
              log.add(l.time().toMillis() + " echo " + line + " from " + writer.peerAddress());
              writer.write(line + "!\n");
              await(writer.drain());
            }
          };
      Server server = runInForeground(net.startServer(echo, "10.0.0.1", 0), l);
      net.setLatency(ofMillis(3), ofMillis(7));
      net.setMaxBytesPerRead(5);
      List<Task<Void>> clients = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int id = i;
        clients.add(
            scheduleCoroutine(
                () -> {
                  Connection c = await(net.openConnection("10.0.0.1", server.port()));
                  for (int k = 0; k < 3; k++) {
                    c.writer().write("c" + id + "-" + k + " ".repeat(id * 7) + "\n");
                    await(c.writer().drain());
                    log.add(
                        l.time().toMillis()
                            + " c"
                            + id
                            + " got "
                            + await(c.reader().readLine()).strip());
                    await(sleep(ofMillis(id + 1)));
                  }
                  c.writer().close();
                  await(c.writer().waitClosed());
                  return null;
                },
                l));
      }
      runInForeground(sleep(ofMillis(12)), l);
      net.setStalled(true);
      runInForeground(sleep(ofMillis(50)), l);
      log.add(l.time().toMillis() + " unstalled");
      net.setStalled(false);
      runInForeground(gather(clients), l);
      server.close();
      runInForeground(server.waitClosed(), l);
      log.add(l.time().toMillis() + " closed");
    }
    return log;
  }

  @Test
  void theSameScenarioTwiceGivesTheSameEventsAtTheSameInstants() throws Exception {
    List<String> first = aBusyScenario();
    List<String> second = aBusyScenario();

    assertThat(second).isEqualTo(first);
    assertThat(first)
        .hasSize(4 * 3 * 2 + 2)
        .contains("62 unstalled")
        .last()
        .asString()
        .endsWith(" closed");
    assertThat(first).filteredOn(e -> e.contains(" got ")).hasSize(12);
  }
}
