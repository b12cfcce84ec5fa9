package io.zonewatch.ingest;

/**
 * One data row as read from a feed, before validation. {@code value} is the text of the cell or,
 * for JSON, the number or string given. Column names are the ones the submitter used, so that
 * errors name what they see in their file.
 */
record RawRow(long row, String platform, String indicator, String period, Object value, String unit,
              String unitMultiplier, String status, String note, String action, Columns columns) {

    /** The submitter's names for each logical column (they differ between CSV, JSON and SDMX-CSV). */
    record Columns(String platform, String indicator, String period, String value, String unit, String unitMultiplier,
                   String status, String note, String action) {
        static final Columns CSV = new Columns("platform_code", "indicator_code", "period", "value", "unit", null,
                "status", "note", null);
        static final Columns JSON = new Columns("platform", "indicator", "period", "value", "unit", null,
                "status", "note", null);
        static final Columns SDMX = new Columns("PLATFORM", "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE",
                "UNIT_MULT", "OBS_STATUS", "OBS_COMMENT", "ACTION");
    }
}
