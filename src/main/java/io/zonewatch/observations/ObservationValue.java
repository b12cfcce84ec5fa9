package io.zonewatch.observations;

import java.math.BigDecimal;

/** A stored (or derived) value of one indicator in one period, with its provenance. */
public record ObservationValue(BigDecimal value, String status, Integer revision, Long feedId) {
}
