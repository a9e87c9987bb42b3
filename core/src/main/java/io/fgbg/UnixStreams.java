package io.fgbg;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Unix domain socket streams, behind {@link Fgbg#startUnixServer} and {@link
 * Fgbg#openUnixConnection}: asyncio's {@code start_unix_server} and {@code open_unix_connection}.
 * The sockets are {@link java.net.UnixDomainSocketAddress} channels on the loop's selector, served
 * by the same transport, reader and writer as TCP; their writers' {@code peerAddress()} is null.
 *
 * <p>The socket file, as asyncio 3.13 handles it: a socket file already at the path is taken as
 * stale and replaced; any other kind of file there is refused ({@link BindException}, an {@link
 * IOException}); and the file is removed when the server closes, if it is still the one the server
 * made.
 *
 * <p>Thread regime: static; the coroutines run in a task of the loop, holding its baton.
 */
final class UnixStreams {
  /** st_mode's file type bits, and a socket's type, as the "unix" attribute view reports them. */
  private static final int S_IFMT = 0170000;

  private static final int S_IFSOCK = 0140000;

  private UnixStreams() {}

  static Coroutine<Server> startServer(ConnectionHandler handler, Path path, int limit) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(path, "path");
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("startUnixServer");
      removeStaleSocket(path);
      ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      Object fileKey;
      try {
        channel.bind(UnixDomainSocketAddress.of(path), 1024);
        fileKey = fileKey(path);
      } catch (BindException e) {
        channel.close();
        BindException clear = new BindException("Address '" + path + "' is already in use");
        clear.initCause(e);
        throw clear;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      TcpServer server = new TcpServer(task.loop, handler, limit, null);
      server.listenUnix(channel, path, fileKey);
      return server;
    };
  }

  static Coroutine<Connection> openConnection(Path path, int limit) {
    Objects.requireNonNull(path, "path");
    return () -> {
      CoroutineTask<?> task = Fgbg.requireTask("openUnixConnection");
      StreamProtocol stream =
          Streams.connect(
              task,
              SocketChannel.open(StandardProtocolFamily.UNIX),
              UnixDomainSocketAddress.of(path),
              limit);
      return new Streams.StreamConnection(stream.reader, stream.writer);
    };
  }

  /** asyncio 3.13: a socket file at {@code path} is stale, and goes; anything else stays. */
  private static void removeStaleSocket(Path path) throws IOException {
    try {
      if (isSocket(path)) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException gone) {
      // nothing there: the bind makes the file
    }
  }

  /** True if {@code path} (followed, as os.stat follows it) is a socket file. */
  private static boolean isSocket(Path path) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    if (!attributes.isOther()) {
      return false; // a regular file, a directory
    }
    try {
      Object mode = Files.getAttribute(path, "unix:mode");
      return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return true; // neither file nor directory, nor a link: a socket, most likely
    }
  }

  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * At the server's close: removes its socket file, unless another file has taken the path since
   * (asyncio 3.13 compares the inode). A failure is reported, not thrown: the server is closed.
   */
  static void removeSocketFile(EventLoop loop, Path path, Object fileKey) {
    try {
      Object now = fileKey(path);
      if (now != null && (fileKey == null || fileKey.equals(now))) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      loop.reportException("Unable to clean up listening UNIX socket " + path, e);
    }
  }
}
