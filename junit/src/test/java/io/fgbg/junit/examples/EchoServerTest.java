package io.fgbg.junit.examples;

import static io.fgbg.Fgbg.*;
import static org.assertj.core.api.Assertions.*;

import io.fgbg.*;
import io.fgbg.junit.FgbgTest;

class EchoServerTest {
  // docs:begin echo-clean
  @FgbgTest
  void aLineComesBackAndNothingIsLeftOpen() throws Exception {
    ConnectionHandler echoOneLine =
        (reader, writer) -> {
          writer.write(await(reader.readLine()) + "\n");
          await(writer.drain());
        };
    Server server = runInForeground(startServer(echoOneLine, "127.0.0.1", 0));
    Connection client = runInForeground(openConnection("127.0.0.1", server.port()));
    client.writer().write("hello\n");
    assertThat(runInForeground(client.reader().readLine())).isEqualTo("hello");

    client.writer().close(); // the client's side ...
    runInForeground(client.writer().waitClosed()); // ... is closed once this returns
    server.close(); // no new connections ...
    runInForeground(server.waitClosed()); // ... and every one it accepted has finished
  }
  // docs:end echo-clean
}
