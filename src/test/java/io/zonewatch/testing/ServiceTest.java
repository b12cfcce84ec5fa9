package io.zonewatch.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The usual fixture of an API test class: one service on a fresh database of its own, started before
 * the class's tests and closed after them, with its HTTP client. A class that needs other settings
 * starts its own {@link TestService} instead. A subclass's own {@code @BeforeAll} (named otherwise)
 * runs after this one, with {@link #service} running.
 */
public abstract class ServiceTest {
    protected static TestService service;
    protected static Api api;

    @BeforeAll
    static void startService() {
        service = TestService.start();
        api = service.api;
    }

    @AfterAll
    static void stopService() {
        if (service != null) service.close();
        service = null;
        api = null;
    }
}
