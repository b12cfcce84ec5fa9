package io.zonewatch.db;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DbTargetTest {
    @Test
    void libpqUri() {
        DbTarget t = DbTarget.parse("postgresql://zw:p%40ss@db.example:6432/zonewatch?sslmode=require", Optional.empty(), Optional.empty());
        assertEquals("db.example", t.host());
        assertEquals(6432, t.port());
        assertEquals("zonewatch", t.database());
        assertEquals("zw", t.user());
        assertEquals("p@ss", t.password());
        assertEquals("require", t.sslMode());
        assertEquals("jdbc:postgresql://db.example:6432/zonewatch?sslmode=require&ApplicationName=zonewatch", t.jdbcUrl());
    }

    @Test
    void jdbcUrlWithCredentialsInTheQueryAndOverrides() {
        DbTarget t = DbTarget.parse("jdbc:postgresql://localhost/zw?user=a&password=b", Optional.of("c"), Optional.empty());
        assertEquals(5432, t.port());
        assertEquals("c", t.user());
        assertEquals("b", t.password());
        assertEquals("disable", t.sslMode());
    }

    @Test
    void otherSchemesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DbTarget.parse("mysql://x/y", Optional.empty(), Optional.empty()));
    }
}
