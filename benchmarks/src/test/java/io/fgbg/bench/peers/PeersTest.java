package io.fgbg.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM peers speak the runner's language: each prints its figure under its system's name, as
 * the fgbg program of its workload does under "fgbg", and the Netty HTTP server answers the bytes
 * that {@code HttpHelloServer} answers. Tiny sizes: this is about what they print, not how fast.
 */
class PeersTest {
  /** HttpHelloServer's answer to a request without {@code Connection: close}. */
  private static final String KEEP_ALIVE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
          + "Hello, World!";

  private interface Main {
    void run(String[] args) throws Exception;
  }

  /** What {@code main} prints to standard output with {@code args}, line by line. */
  private static List<String> output(Main main, String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream before = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(before);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void theSwitchPeerPrintsNanosecondsPerSwitchAndItsRounds() throws Exception {
    List<String> lines = output(VthreadsSwitchBenchmark::main, "1000", "1", "3");

    assertThat(lines.get(0)).matches("vthreads \\d+\\.\\d");
    assertThat(lines).contains("# n 1000, warm-up rounds 1, measured rounds 3");
    assertThat(lines.get(2)).matches("# vthreads rounds \\d+\\.\\d \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theManyThreadsPeerPrintsItsMillisecondsAndItsPeakRss() throws Exception {
    List<String> lines = output(VthreadsManyTasksBenchmark::main, "100", "1");

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("vthreads \\d+\\.\\d");
    assertThat(lines.get(1)).matches("rss_kib [1-9]\\d*");
  }

  @Test
  void theThreadPerCallPeerPrintsMicrosecondsPerRoundTrip() throws Exception {
    List<String> lines = output(VthreadsBackgroundCallBenchmark::main, "50", "1", "2");

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("vthreads \\d+\\.\\d");
    assertThat(lines.get(1)).matches("# vthreads rounds \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theKotlinSwitchPeerPrintsNanosecondsPerSwitchAndItsRounds() throws Exception {
    List<String> lines = output(KotlinSwitchBenchmark::main, "1000", "1", "3");

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("kotlin \\d+\\.\\d");
    assertThat(lines.get(1)).isEqualTo("# n 1000, warm-up rounds 1, measured rounds 3");
    assertThat(lines.get(2)).matches("# kotlin rounds \\d+\\.\\d \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theKotlinManyCoroutinesPeerPrintsItsMillisecondsAndItsPeakRss() throws Exception {
    List<String> lines = output(KotlinManyTasksBenchmark::main, "100", "1");

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("kotlin \\d+\\.\\d");
    assertThat(lines.get(1)).matches("rss_kib [1-9]\\d*");
  }

  @Test
  void theKotlinWithContextPeerPrintsMicrosecondsPerRoundTrip() throws Exception {
    List<String> lines = output(KotlinBackgroundCallBenchmark::main, "50", "1", "2");

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("kotlin \\d+\\.\\d");
    assertThat(lines.get(1)).matches("# kotlin rounds \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theBlockingEchoPeerPrintsRoundTripsPerSecond() throws Exception {
    List<String> lines = output(VthreadsEchoBenchmark::main, "3", "20", "1", "2");

    assertThat(lines.get(0)).matches("vthreads \\d+\\.\\d");
    assertThat(lines).contains("# clients 3, round trips each 20, warm-up rounds 1, measured rounds 2");
    assertThat(lines.get(2)).matches("# vthreads rounds \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theNettyEchoPeerPrintsRoundTripsPerSecond() throws Exception {
    List<String> lines = output(NettyEchoBenchmark::main, "3", "20", "1", "2");

    assertThat(lines.get(0)).matches("netty \\d+\\.\\d");
    assertThat(lines).contains("# clients 3, round trips each 20, warm-up rounds 1, measured rounds 2");
    assertThat(lines.get(2)).matches("# netty rounds \\d+\\.\\d \\d+\\.\\d");
  }

  @Test
  void theNettyHelloServerAnswersHttpHelloServersBytesAndKeepsTheConnection() {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), NettyHttpHelloServer.Hello.HANDLER);

    channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    String first = drain(channel);
    channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    String second = drain(channel);

    assertThat(first).isEqualTo(KEEP_ALIVE);
    assertThat(second).isEqualTo(KEEP_ALIVE);
    assertThat(channel.isOpen()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void theNettyHelloServerAnswersConnectionCloseWithCloseAndEndsTheConnection() {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), NettyHttpHelloServer.Hello.HANDLER);

    channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));

    assertThat(drain(channel)).isEqualTo(KEEP_ALIVE.replace("keep-alive", "close"));
    assertThat(channel.isOpen()).isFalse();
    channel.finishAndReleaseAll();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  /** Everything the channel has written so far, as ASCII. */
  private static String drain(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return out.toString();
  }
}
