package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * UDP endpoints on the loop: against CPython's {@code create_datagram_endpoint} both ways ({@code
 * streams/udp_peer.py}), the bounded receive queue under a flood, ICMP errors of a connected
 * endpoint, and the errors of misuse.
 */
class DatagramEndpointTest extends StreamsLoopSupport {
  static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(LOCALHOST, 0);

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(LOCALHOST, port);
  }

  /** A UDP port nobody listens on: bound once, then released. */
  private static int closedUdpPort() throws Exception {
    try (DatagramChannel c = DatagramChannel.open()) {
      c.bind(ANY_LOOPBACK_PORT);
      return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }
  }

  @Test
  void aCPythonAsyncioClientTalksToAnFgbgEndpoint() throws Exception {
    DatagramEndpoint echo = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));
    Task<Integer> serving =
        scheduleCoroutine(
            () -> {
              int echoed = 0;
              for (; ; ) {
                Datagram d = await(echo.receive());
                echo.send(d.data(), d.from());
                if (new String(d.data(), UTF_8).equals("bye")) {
                  return echoed;
                }
                echoed++;
              }
            });

    try (StreamsPythonSupport client =
        StreamsPythonSupport.start(
            "udp_peer.py", "client", String.valueOf(echo.localAddress().getPort()))) {
      int exit = foreground(callInBackground(client::waitForExit));
      assertThat(exit).as("python3 exit status%s", client.describe()).isZero();
      assertThat(client.stdout()).containsExactly("ok 100");
    }
    assertThat(foreground(serving)).isGreaterThanOrEqualTo(100);
    echo.close();
  }

  @Test
  void anFgbgEndpointTalksToACPythonAsyncioEndpoint() throws Exception {
    try (StreamsPythonSupport server = StreamsPythonSupport.start("udp_peer.py", "echo")) {
      String announced = server.nextLine();
      assertThat(announced).startsWith("PORT ");
      int port = Integer.parseInt(announced.substring(5));

      List<String> got =
          foreground(
              () -> {
                DatagramEndpoint client = await(openDatagramEndpoint(null, loopback(port)));
                List<String> replies = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                  byte[] message = ("datagram " + i + " ✓").getBytes(UTF_8);
                  for (int attempt = 0; ; attempt++) { // UDP may lose one: ask again
                    client.send(message);
                    try {
                      Datagram reply = await(waitFor(client.receive(), Duration.ofMillis(500)));
                      replies.add(new String(reply.data(), UTF_8) + " from " + reply.from().getPort());
                      break;
                    } catch (TimeoutException lost) {
                      assertThat(attempt).as("tries of datagram %d", i).isLessThan(5);
                    }
                  }
                }
                client.send("bye".getBytes(UTF_8));
                replies.add(new String(await(client.receive()).data(), UTF_8));
                client.close();
                return replies;
              });

      assertThat(got).hasSize(101);
      assertThat(got.get(0)).isEqualTo("datagram 0 ✓ from " + port);
      assertThat(got.get(99)).isEqualTo("datagram 99 ✓ from " + port);
      assertThat(got.get(100)).isEqualTo("bye");
      int exit = foreground(callInBackground(server::waitForExit));
      assertThat(exit).as("python3 exit status%s", server.describe()).isZero();
      assertThat(server.stdout().getLast()).startsWith("echoed ");
    }
  }

  @Test
  void aSlowReaderKeepsTheNewest1024DatagramsAndDroppedCountsTheRest() throws Exception {
    int sent = 100_000;
    LoopDatagramEndpoint receiver =
        (LoopDatagramEndpoint) runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));
    DatagramEndpoint sender = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));

    int[] mostQueued = {0};
    foreground(
        () -> { // bursts the kernel's buffer holds, each read by the loop before the next
          for (int i = 0; i < sent; i++) {
            sender.send(ByteBuffer.allocate(4).putInt(i).array(), receiver.localAddress());
            if (i % 64 == 63 || i == sent - 1) {
              for (int yields = 0; yields < 100 && receiver.readFromSocket() < i + 1; yields++) {
                await(sleep(Duration.ZERO));
              }
              mostQueued[0] = Math.max(mostQueued[0], receiver.queued());
            }
          }
          return null;
        });

    long read = receiver.readFromSocket();
    long lostByTheKernel = sent - read; // loopback UDP may drop under load: not ours to count
    assertThat(mostQueued[0]).as("datagrams waiting at most").isEqualTo(LoopDatagramEndpoint.QUEUE);
    assertThat(receiver.queued()).isEqualTo(1024);
    assertThat(receiver.dropped()).as("dropped: all read but the newest 1024").isEqualTo(read - 1024);
    List<Integer> kept =
        foreground(
            () -> {
              List<Integer> numbers = new ArrayList<>();
              for (int i = 0; i < 1024; i++) {
                numbers.add(ByteBuffer.wrap(await(receiver.receive()).data()).getInt());
              }
              return numbers;
            });
    assertThat(kept).isSorted().doesNotHaveDuplicates();
    if (lostByTheKernel == 0) { // the usual case: then the count is exact
      assertThat(receiver.dropped() + kept.size()).isEqualTo(sent);
      assertThat(kept.get(0)).isEqualTo(sent - 1024);
      assertThat(kept.getLast()).isEqualTo(sent - 1);
    } else {
      assertThat(receiver.dropped() + kept.size() + lostByTheKernel).isEqualTo(sent);
      assertThat(kept.getLast()).isLessThanOrEqualTo(sent - 1);
    }
    receiver.close();
    sender.close();
  }

  @Test
  void anIcmpPortUnreachableFailsTheNextReceiveOfAConnectedEndpointOnce() throws Exception {
    int nobody = closedUdpPort();
    DatagramEndpoint endpoint = runInForeground(openDatagramEndpoint(null, loopback(nobody)));

    List<String> got =
        foreground(
            () -> {
              List<String> seen = new ArrayList<>();
              endpoint.send("anyone?".getBytes(UTF_8));
              try {
                await(endpoint.receive());
              } catch (PortUnreachableException e) {
                seen.add("PortUnreachableException");
              }
              try {
                await(waitFor(endpoint.receive(), Duration.ofMillis(200)));
              } catch (TimeoutException e) {
                seen.add("then nothing");
              }
              return seen;
            });

    assertThat(got).containsExactly("PortUnreachableException", "then nothing");
    endpoint.close();
  }

  @Test
  void sendAndReceiveAfterCloseAreRefusedAndAWaitingReceiverIsWoken() throws Exception {
    DatagramEndpoint endpoint = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));
    String where = "the datagram endpoint on " + endpoint.localAddress();
    Task<Datagram> waiting = scheduleCoroutine(endpoint.receive());
    assertThat(pendingAfter(Duration.ofMillis(50), waiting)).containsExactly(waiting);

    endpoint.close();
    endpoint.close(); // again: nothing

    assertThatThrownBy(() -> foreground(waiting))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(where + " is closed");
    assertThatThrownBy(() -> foreground(endpoint.receive()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(where + " is closed");
    assertThatThrownBy(() -> endpoint.send(new byte[1], loopback(9)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("send() after close() of " + where);
  }

  @Test
  void sendingWithoutOrAgainstTheRemoteAddressIsRefused() throws Exception {
    DatagramEndpoint unconnected = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));
    DatagramEndpoint connected =
        runInForeground(openDatagramEndpoint(null, unconnected.localAddress()));

    assertThatThrownBy(() -> unconnected.send(new byte[1]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "send() without an address on the datagram endpoint on " + unconnected.localAddress()
                + ", which has no remote address: use send(data, to)");
    assertThatThrownBy(() -> connected.send(new byte[1], loopback(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid address: must be null or " + unconnected.localAddress());
    assertThatThrownBy(() -> connected.send(null)).isInstanceOf(NullPointerException.class);

    connected.send("to the remote".getBytes(UTF_8), unconnected.localAddress());
    Datagram d = foreground(unconnected.receive());
    assertThat(new String(d.data(), UTF_8)).isEqualTo("to the remote");
    assertThat(d.from()).isEqualTo(connected.localAddress());
    assertThat(d.toString()).isEqualTo("Datagram[13 bytes from " + connected.localAddress() + "]");
    assertThat(unconnected.localAddress().getPort()).isPositive();
    assertThat(connected.dropped()).isZero();
    unconnected.close();
    connected.close();
  }

  @Test
  void waitingReceiversAreServedInTheOrderTheyCame() throws Exception {
    DatagramEndpoint endpoint = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));
    DatagramEndpoint peer = runInForeground(openDatagramEndpoint(null, endpoint.localAddress()));
    List<String> order = new ArrayList<>();
    List<Task<Void>> receivers = new ArrayList<>();
    for (String name : List.of("first", "second", "third")) {
      receivers.add(
          scheduleCoroutine(
              () -> {
                order.add(name + " got " + new String(await(endpoint.receive()).data(), UTF_8));
                return null;
              }));
    }
    runInForeground(sleep(Duration.ZERO)); // all three wait now

    for (String message : List.of("a", "b", "c")) {
      peer.send(message.getBytes(UTF_8));
    }
    foreground(gather(receivers));

    assertThat(order).containsExactly("first got a", "second got b", "third got c");
    endpoint.close();
    peer.close();
  }

  // ---- cases of CPython's test_events.py / test_base_events.py (docs/ported/tls-unix-datagrams.md)

  @Test
  void anIpv6EndpointEchoes() throws Exception { // test_create_datagram_endpoint_ipv6
    InetSocketAddress any6 = new InetSocketAddress("::1", 0);
    DatagramEndpoint a;
    try {
      a = runInForeground(openDatagramEndpoint(any6, null));
    } catch (java.net.SocketException noIpv6) {
      org.junit.jupiter.api.Assumptions.abort("skipped: no IPv6 loopback here (" + noIpv6 + ")");
      return;
    }
    DatagramEndpoint b = runInForeground(openDatagramEndpoint(any6, a.localAddress()));
    b.send("over IPv6".getBytes(UTF_8));
    Datagram d = foreground(a.receive());

    assertThat(new String(d.data(), UTF_8)).isEqualTo("over IPv6");
    assertThat(d.from()).isEqualTo(b.localAddress());
    assertThat(a.localAddress().getAddress()).isInstanceOf(java.net.Inet6Address.class);
    a.close();
    b.close();
  }

  @Test
  void aPortInUseOrAnUnresolvedAddressFailsTheOpen() throws Exception { // ..._cant_bind, _addr_error
    DatagramEndpoint taken = runInForeground(openDatagramEndpoint(ANY_LOOPBACK_PORT, null));

    assertThatThrownBy(() -> runInForeground(openDatagramEndpoint(taken.localAddress(), null)))
        .isInstanceOf(java.net.BindException.class);
    assertThatThrownBy(
            () ->
                runInForeground(
                    openDatagramEndpoint(InetSocketAddress.createUnresolved("nowhere.invalid", 9), null)))
        .isInstanceOf(java.nio.channels.UnresolvedAddressException.class);
    taken.close();
  }
}
