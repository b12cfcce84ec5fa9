package io.zonewatch.ingest;

import java.math.BigDecimal;
import java.time.LocalDate;

/** A row that passed validation: canonical unit, quarter start date, status A/P/E/B. */
record ValidRow(long row, String platform, String indicator, LocalDate period, BigDecimal value, String status, String note) {

    String key() {
        return platform + '\u0000' + indicator + '\u0000' + period;
    }
}
