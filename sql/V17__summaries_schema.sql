-- The per-quarter summary tables the dashboards' views read (V8) move out of public into a schema of
-- their own, and lose their reporting_ prefix: summaries.indicator_quarter, summaries.completeness,
-- summaries.indicator_yoy_fall, summaries.refreshed_feed. io.zonewatch.reporting.ReportingWorker keeps
-- them; Grafana's role reads them only through the reporting views (R__reporting_views.sql), which
-- from this version on hold every view's current definition.
CREATE SCHEMA IF NOT EXISTS summaries;

ALTER TABLE reporting_indicator_quarter SET SCHEMA summaries;
ALTER TABLE reporting_completeness SET SCHEMA summaries;
ALTER TABLE reporting_indicator_yoy_fall SET SCHEMA summaries;
ALTER TABLE reporting_refreshed_feed SET SCHEMA summaries;

ALTER TABLE summaries.reporting_indicator_quarter RENAME TO indicator_quarter;
ALTER TABLE summaries.reporting_completeness RENAME TO completeness;
ALTER TABLE summaries.reporting_indicator_yoy_fall RENAME TO indicator_yoy_fall;
ALTER TABLE summaries.reporting_refreshed_feed RENAME TO refreshed_feed;
