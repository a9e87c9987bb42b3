package io.fgbg;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the default exception handler logs, caught on the {@code java.util.logging} logger {@code
 * io.fgbg} (the backend of {@link System.Logger} in a plain JDK) for as long as the capture is
 * open, and kept off the console meanwhile. Records may come from any thread.
 */
final class LogCapture extends Handler implements AutoCloseable {
  final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger("io.fgbg"); // strong: JUL keeps loggers weakly
  private final boolean usedParentHandlers;

  LogCapture() {
    usedParentHandlers = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false);
    logger.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setUseParentHandlers(usedParentHandlers);
  }
}
