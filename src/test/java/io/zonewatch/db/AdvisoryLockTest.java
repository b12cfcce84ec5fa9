package io.zonewatch.db;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The advisory locks never collide: one (class, object) per lock, a family's class id its own. */
class AdvisoryLockTest {
    @Test
    void everyLockIsDistinctAndFamiliesOwnTheirClass() {
        Set<String> pairs = new HashSet<>();
        for (AdvisoryLock l : AdvisoryLock.values()) {
            assertTrue(pairs.add(l.classId() + ":" + l.object()), l + " collides");
            if (l.object() == null) {
                for (AdvisoryLock other : AdvisoryLock.values()) {
                    assertTrue(other == l || other.classId() != l.classId(), l + " shares its class with " + other);
                }
                assertThrows(IllegalStateException.class, l::xact);
            }
            assertTrue(l.classId() >= 23127 && l.classId() <= 23135, l + " outside ZoneWatch's class ids");
        }
        assertEquals("SELECT pg_advisory_xact_lock(23133, 1)", AdvisoryLock.ALERT_EVALUATION.xact());
        assertEquals("SELECT pg_try_advisory_xact_lock(23132, 1) AS locked", AdvisoryLock.RANKING_SCHEDULE.tryXact());
    }
}
