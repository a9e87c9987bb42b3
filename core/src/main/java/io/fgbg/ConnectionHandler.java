package io.fgbg;

/**
 * What a server does with each connection it accepts: asyncio's {@code client_connected_cb}.
 *
 * <pre>{@code
 * ConnectionHandler echo = (reader, writer) -> {
 *   String line;
 *   while ((line = await(reader.readLine())) != null) {
 *     writer.write(line + "\n");
 *     await(writer.drain());
 *   }
 * };
 * Server server = runInForeground(startServer(echo, "", 0));
 * }</pre>
 *
 * <p>The handler runs as a new task on the loop that started the server, so it may {@code await}.
 * When it returns, throws or is cancelled, the connection is closed once what it wrote has been
 * sent. An exception it throws fails its task and is reported at once through the loop's {@link
 * ExceptionHandler} ("Unhandled exception in connection handler", with the task); other
 * connections and the loop go on.
 */
@FunctionalInterface
public interface ConnectionHandler {
  /**
   * Serves one connection; runs inside a task, so it may suspend at {@code await}.
   *
   * @param reader the bytes the peer sends
   * @param writer the way back to the peer
   * @throws Exception anything: it fails the handler's task and closes the connection
   */
  void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
