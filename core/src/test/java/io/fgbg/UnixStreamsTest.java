package io.fgbg;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams over Unix domain sockets: the same reader and writer as TCP against CPython's {@code
 * open_unix_connection} and {@code start_unix_server} ({@code streams/unix_peer.py}), and the socket
 * file handled as asyncio 3.13 handles it.
 */
class UnixStreamsTest extends StreamsLoopSupport {
  @TempDir Path dir;

  /** Echoes lines until the end of the stream: a round trip in the foreground. */
  private static String roundTrip(Path path, String line) throws Exception {
    return foreground(
        () -> {
          Connection c = await(openUnixConnection(path));
          c.writer().write(line + "\n");
          String echoed = await(c.reader().readLine());
          c.writer().close();
          await(c.writer().waitClosed());
          return echoed + " (peer " + c.writer().peerAddress() + ")";
        });
  }

  @Test
  void aCPythonAsyncioClientTalksToAnFgbgUnixServer() throws Exception {
    Path path = dir.resolve("echo.sock");
    List<String> peers = Collections.synchronizedList(new ArrayList<>());
    ConnectionHandler echo =
        (reader, writer) -> {
          peers.add(String.valueOf(writer.peerAddress()));
          ECHO_BYTES.handle(reader, writer);
        };
    Server server = runInForeground(startUnixServer(echo, path));

    try (StreamsPythonSupport client = StreamsPythonSupport.start("unix_peer.py", "client", path.toString())) {
      int exit = foreground(callInBackground(client::waitForExit));
      assertThat(exit).as("python3 exit status%s", client.describe()).isZero();
      assertThat(client.stdout()).containsExactly("ok lines=100 bytes=1048576");
    }
    server.close();
    foreground(server.waitClosed());
    assertThat(peers).containsExactly("null");
  }

  @Test
  void anFgbgClientTalksToACPythonAsyncioUnixServer() throws Exception {
    Path path = dir.resolve("py.sock");
    try (StreamsPythonSupport server = StreamsPythonSupport.start("unix_peer.py", "server", path.toString())) {
      assertThat(server.nextLine()).isEqualTo("READY");
      List<String> got =
          foreground(
              () -> {
                Connection c = await(openUnixConnection(path));
                List<String> lines = new ArrayList<>();
                for (String s : List.of("one", "twö", "three ✓")) {
                  c.writer().write(s + "\n");
                  lines.add(await(c.reader().readLine()));
                }
                lines.add("peer " + c.writer().peerAddress());
                c.writer().close();
                await(c.writer().waitClosed());
                return lines;
              });
      assertThat(got).containsExactly("echo: one", "echo: twö", "echo: three ✓", "peer null");
      int exit = foreground(callInBackground(server::waitForExit));
      assertThat(exit).as("python3 exit status%s", server.describe()).isZero();
      assertThat(server.stdout()).endsWith("served 3");
    }
  }

  @Test
  void aStaleSocketFileIsReplaced() throws Exception {
    Path path = dir.resolve("stale.sock");
    try (ServerSocketChannel earlier = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      earlier.bind(UnixDomainSocketAddress.of(path));
    } // closed: its file stays behind, as a crashed server's does
    assertThat(path).exists();

    Server server = runInForeground(startUnixServer(ECHO_LINES, path));

    assertThat(roundTrip(path, "fresh")).isEqualTo("fresh (peer null)");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void aPathThatIsAnotherKindOfFileIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "keep me");
    Path directory = Files.createDirectory(dir.resolve("a-directory"));

    assertThatThrownBy(() -> runInForeground(startUnixServer(ECHO_LINES, file)))
        .isInstanceOf(BindException.class)
        .hasMessage("Address '" + file + "' is already in use");
    assertThatThrownBy(() -> runInForeground(startUnixServer(ECHO_LINES, directory)))
        .isInstanceOf(BindException.class)
        .hasMessage("Address '" + directory + "' is already in use");
    assertThat(Files.readString(file)).isEqualTo("keep me");
    assertThat(directory).isDirectory();
  }

  @Test
  void theSocketFileIsRemovedWhenTheServerCloses() throws Exception {
    Path path = dir.resolve("removed.sock");
    Server server = runInForeground(startUnixServer(ECHO_LINES, path));
    assertThat(path).exists();

    server.close();

    assertThat(path).doesNotExist();
    foreground(server.waitClosed());
  }

  @Test
  void aFileThatTookThePathSinceIsNotRemovedAtClose() throws Exception {
    Path path = dir.resolve("taken.sock");
    Server server = runInForeground(startUnixServer(ECHO_LINES, path));
    Files.delete(path);
    Files.writeString(path, "someone else's");

    server.close();

    assertThat(Files.readString(path)).isEqualTo("someone else's");
    foreground(server.waitClosed());
  }

  @Test
  void aUnixServerHasNoPortAndNoInternetAddresses() throws Exception {
    Path path = dir.resolve("noport.sock");
    Server server = runInForeground(startUnixServer(ECHO_LINES, path));

    assertThat(server.addresses()).isEmpty();
    assertThatThrownBy(server::port)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the server on unix:" + path + " has no port: it is a Unix socket server");
    assertThat(server.toString()).isEqualTo("Server[unix:" + path + ", serving, 0 connections]");
    server.close();
    foreground(server.waitClosed());
  }

  @Test
  void connectingWhereNobodyListensFails() throws Exception {
    Path missing = dir.resolve("missing.sock");
    Path stale = dir.resolve("nobody.sock");
    try (ServerSocketChannel earlier = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      earlier.bind(UnixDomainSocketAddress.of(stale));
    }

    assertThatThrownBy(() -> foreground(openUnixConnection(missing)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No such file or directory");
    assertThatThrownBy(() -> foreground(openUnixConnection(stale)))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("Connection refused");
  }

  @Test
  void aNullPathOrHandlerIsRefused() { // test_create_unix_server_nopath_nosock, ..._connection_nopath_nosock
    assertThatThrownBy(() -> startUnixServer(ECHO_LINES, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path");
    assertThatThrownBy(() -> startUnixServer(null, dir.resolve("x.sock")))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("handler");
    assertThatThrownBy(() -> openUnixConnection(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path");
  }
}
