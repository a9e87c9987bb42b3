package io.fgbg;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test of a {@link StreamsLoopSupport} class that runs once over each {@link
 * StreamsFactory} (TCP, an in-memory network, and one that delivers a byte at a time), in place of
 * {@code @Test}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(StreamsFactory.Each.class)
@interface OverEveryNetwork {}
