package io.fgbg;

import static io.fgbg.Fgbg.await;
import static io.fgbg.Fgbg.openConnection;
import static io.fgbg.Fgbg.runInForeground;
import static io.fgbg.Fgbg.startServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Where a server listens, and what {@link Server#addresses()} reports, follow asyncio's {@code
 * start_server}: "0.0.0.0" is IPv4 only and reported as such (CPython 3.11 reports {@code
 * ('0.0.0.0', port)}), an IPv4 address is reported as given, and "" or null is every interface,
 * IPv4 and IPv6 alike.
 *
 * <p>Thread regime: the test thread runs its own loop in the foreground, with the servers and the
 * clients (fgbg's own, through {@code openConnection}) on that one loop.
 */
class ServerListensOnTheAddressFamilyOfItsHostTest extends StreamsLoopSupport {
  private static final String IPV6_LOOPBACK = "::1";

  /** One line to the server and its echo back, over a new connection to {@code host}. */
  private static Coroutine<String> echoThrough(String host, int port, String line) {
    return () -> {
      Connection c = await(openConnection(host, port));
      c.writer().write(line + "\n");
      String reply = await(c.reader().readLine());
      c.writer().close();
      await(c.writer().waitClosed());
      return reply;
    };
  }

  @Test
  void aServerOnZeroZeroZeroZeroListensOnIPv4OnlyAndReportsZeroZeroZeroZero() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, "0.0.0.0", 0));
    int port = server.port();

    assertThat(server.addresses()).containsExactly(new InetSocketAddress("0.0.0.0", port));
    assertThat(server.addresses().get(0).getAddress()).isInstanceOf(Inet4Address.class);
    assertThat(server.addresses().get(0)).hasToString("/0.0.0.0:" + port);
    assertThat(foreground(echoThrough(LOCALHOST, port, "over IPv4"))).isEqualTo("over IPv4");
    assumeIPv6Loopback();
    assertThatThrownBy(() -> foreground(echoThrough(IPV6_LOOPBACK, port, "over IPv6")))
        .isInstanceOf(ConnectException.class);

    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void aServerOnAnIPv4AddressReportsThatAddress() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));

    assertThat(server.addresses())
        .containsExactly(new InetSocketAddress(LOCALHOST, server.port()));
    assertThat(foreground(echoThrough(LOCALHOST, server.port(), "hi"))).isEqualTo("hi");

    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void aServerOnAllInterfacesTakesIPv4AndIPv6Clients() throws Exception {
    for (String allInterfaces : new String[] {"", null}) {
      Server server = runInForeground(startServer(ECHO_LINES, allInterfaces, 0));
      int port = server.port();

      assertThat(server.addresses()).hasSize(1);
      assertThat(server.addresses().get(0).getAddress().isAnyLocalAddress()).isTrue();
      assertThat(foreground(echoThrough(LOCALHOST, port, "v4"))).isEqualTo("v4");
      if (hasIPv6Loopback()) {
        assertThat(foreground(echoThrough(IPV6_LOOPBACK, port, "v6"))).isEqualTo("v6");
      }

      server.close();
      foreground(server.waitClosed());
    }
  }

  private static void assumeIPv6Loopback() {
    assumeTrue(hasIPv6Loopback(), "this host has no IPv6 loopback");
  }

  private static boolean hasIPv6Loopback() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(IPV6_LOOPBACK))) {
      return probe.getLocalPort() > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
