package io.fgbg;

import static io.fgbg.Fgbg.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The proposal's TCP echo session typed as a user would at the prompt, all in one thread; blocking
 * clients in background threads against servers that the calling thread's loop serves; and where
 * a server runs its handlers. What needs no thread of its own runs over every network ({@link
 * StreamsFactory}).
 */
class StreamsEchoSessionTest extends StreamsSuiteSupport {
  /** What the session printed, one entry per line (handlers and clients append). */
  private final List<String> printed = new CopyOnWriteArrayList<>();

  /** The proposal's {@code handle_tcp_echo}: one message back, then the end of the connection. */
  private final ConnectionHandler handleTcpEcho =
      (reader, writer) -> {
        String message = await(reader.readLine());
        InetSocketAddress addr = writer.peerAddress();
        printed.add("-> Server received " + message + " from port " + addr.getPort());
        printed.add("<- Server sending: " + message);
        writer.write(message + "\n");
        await(writer.drain());
        printed.add("-- Terminate connection");
        writer.close();
      };

  /** The proposal's {@code tcp_echo_client}. */
  private Coroutine<String> tcpEchoClient(String message, int port) {
    return () -> {
      Connection connection = await(openConnection(LOCALHOST, port));
      printed.add("-> Client sending: " + message);
      connection.writer().write(message + "\n");
      await(connection.writer().drain());
      String data = await(connection.reader().readLine());
      printed.add("<- Client received: " + data);
      printed.add("-- Terminate connection");
      connection.writer().close();
      return data;
    };
  }

  @OverEveryNetwork
  void theProposalsEchoSessionRunsTwoClientsAgainstTwoServersInOneThread() throws Exception {
    Server server1 = runInForeground(startServer(handleTcpEcho, "", 0));
    Server server2 = runInForeground(startServer(handleTcpEcho, "", 0));
    int port1 = server1.port();
    int port2 = server2.port();
    assertThat(port1).isPositive().isNotEqualTo(port2);
    assertThat(port2).isPositive();
    assertThat(server1.isServing()).isTrue();

    Task<String> echo1 = scheduleCoroutine(tcpEchoClient("Hello World!", port1));
    Task<String> echo2 = scheduleCoroutine(tcpEchoClient("Hello World!", port2));
    assertThat(printed).as("background tasks wait for the loop").isEmpty();

    WaitResult result = runInForeground(waitTasks(List.of(echo1, echo2), TIMEOUT));
    assertThat(result.pending()).as("both clients finish within %s", TIMEOUT).isEmpty();
    assertThat(echo1.result()).isEqualTo("Hello World!");
    assertThat(echo2.result()).isEqualTo("Hello World!");
    assertThat(printed)
        .contains("<- Server sending: Hello World!", "<- Client received: Hello World!")
        .filteredOn(line -> line.startsWith("-> Server received Hello World! from port "))
        .hasSize(2);

    server1.close();
    server2.close();
    foreground(server1.waitClosed());
    foreground(server2.waitClosed());
    assertThat(server1.isServing()).isFalse();
    assertThat(server1.port()).as("the port is still known after close").isEqualTo(port1);
  }

  @OverEveryNetwork
  void aServerOnAllInterfacesIsReachedByLocalhostByTheLoopbackAddressAndByTheEmptyHost()
      throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, "", 0));
    assertThat(server.addresses()).isNotEmpty();
    assertThat(server.addresses())
        .allSatisfy(a -> assertThat(a.getPort()).isEqualTo(server.port()));
    List<String> hosts = new ArrayList<>(List.of("localhost", LOCALHOST, ""));
    hosts.add(null);
    for (String host : hosts) {
      Coroutine<String> client =
          () -> {
            Connection c = await(openConnection(host, server.port()));
            c.writer().write("via " + host + "\n");
            String echoed = await(c.reader().readLine());
            c.writer().close();
            await(c.writer().waitClosed());
            return echoed;
          };
      assertThat(foreground(client)).as("host %s", host).isEqualTo("via " + host);
    }
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aServerOnTheLoopbackAddressListsExactlyThatAddress() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    assertThat(server.addresses())
        .containsExactly(new InetSocketAddress(LOCALHOST, server.port()));
    server.close();
    foreground(server.waitClosed());
  }

  /** A client that knows nothing of loops: a plain socket, one line there and back. */
  private static String blockingEchoClient(String message, int port) throws IOException {
    try (Socket socket = blockingSocket(port)) {
      OutputStream out = socket.getOutputStream();
      out.write((message + "\n").getBytes(UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
      return in.readLine();
    }
  }

  @Test
  void aBlockingClientInTheBackgroundTalksToAServerThatTheCallingThreadServes() throws Exception {
    Server server = runInForeground(startServer(ECHO_LINES, "", 0));
    int port = server.port();

    String echoed = runInForeground(callInBackground(() -> blockingEchoClient("blocking", port)));

    assertThat(echoed).isEqualTo("blocking");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void tenBlockingClientsAtOnceAreAllServedByTheOneLoopThread() throws Exception {
    Server server = runInForeground(startServer(handleTcpEcho, "", 0));
    int port = server.port();
    List<Task<String>> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String message = "client " + i + " é✓";
      clients.add(callInBackground(() -> blockingEchoClient(message, port)));
    }

    List<String> echoed = foreground(gather(clients));

    for (int i = 0; i < 10; i++) {
      assertThat(echoed.get(i)).isEqualTo("client " + i + " é✓");
    }
    assertThat(printed).filteredOn("-- Terminate connection"::equals).hasSize(10);
    server.close();
    foreground(server.waitClosed());
  }

  @OverEveryNetwork
  void aHandlerMayOpenConnectionsOfItsOwnOnTheSameLoop() throws Exception {
    Server echo = runInForeground(startServer(ECHO_LINES, LOCALHOST, 0));
    ConnectionHandler proxy =
        (reader, writer) -> {
          Connection upstream = await(openConnection(LOCALHOST, echo.port()));
          String line;
          while ((line = await(reader.readLine())) != null) {
            upstream.writer().write(line + " via proxy\n");
            writer.write(await(upstream.reader().readLine()) + "\n");
            await(writer.drain());
          }
          upstream.writer().close();
          await(upstream.writer().waitClosed());
        };
    Server front = runInForeground(startServer(proxy, LOCALHOST, 0));

    String echoed = foreground(tcpEchoClient("Hello World!", front.port()));

    assertThat(echoed).isEqualTo("Hello World! via proxy");
    front.close();
    foreground(front.waitClosed());
    echo.close();
    foreground(echo.waitClosed());
  }

  @Test
  void eachConnectionsHandlerRunsAsATaskOfItsOwnOnTheLoopThatStartedTheServer() throws Exception {
    List<Task<?>> handlerTasks = new CopyOnWriteArrayList<>();
    List<EventLoop> handlerLoops = new CopyOnWriteArrayList<>();
    List<Boolean> listedInAllTasks = new CopyOnWriteArrayList<>();
    ConnectionHandler recordingEcho =
        (reader, writer) -> {
          Task<?> me = currentTask();
          handlerTasks.add(me);
          handlerLoops.add(EventLoop.current());
          listedInAllTasks.add(allTasks().contains(me));
          ECHO_LINES.handle(reader, writer);
        };
    Server server = runInForeground(startServer(recordingEcho, "", 0));
    int port = server.port();

    runInForeground(callInBackground(() -> blockingEchoClient("one", port)));
    runInForeground(callInBackground(() -> blockingEchoClient("two", port)));
    server.close();
    foreground(server.waitClosed());

    assertThat(handlerTasks).hasSize(2).doesNotContainNull();
    assertThat(handlerTasks.get(0)).isNotSameAs(handlerTasks.get(1));
    assertThat(handlerLoops).containsExactly(loop, loop);
    assertThat(listedInAllTasks).containsExactly(true, true);
    assertThat(handlerTasks).allSatisfy(t -> assertThat(t.isDone()).isTrue());
  }
}
