-- Who is expected to report for a quarter: one definition, used by the missing-submission warning,
-- the completeness of a ranking run (and the schedule's) and the dashboards' submission completeness.
--
-- A platform is expected to report for a quarter when it is active on the quarter's last day:
-- active_from (when known) on or before that day, and active_to unknown or on or after it. A
-- platform that closes during a quarter is not expected for it (and is not ranked for it: it no
-- longer exists at the end of the period); one that opens during a quarter is.
--
-- Before, the three places differed: the warning also required a report in the four quarters
-- before, the dashboards counted a platform closing mid-quarter as expected and required a report in
-- the year before, the ranking used the last day.
--
-- q: any day of the quarter (observations use its first day). A plain SQL function, STABLE, so the
-- planner inlines it into the statements that call it.
CREATE FUNCTION expected_reporters(q date) RETURNS TABLE (platform_code text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.code
    FROM platform p
    WHERE (p.active_from IS NULL OR p.active_from <= (date_trunc('quarter', q) + INTERVAL '3 months - 1 day')::date)
      AND (p.active_to IS NULL OR p.active_to >= (date_trunc('quarter', q) + INTERVAL '3 months - 1 day')::date)
$$;

COMMENT ON FUNCTION expected_reporters(date) IS
    'Platforms expected to report for the quarter of q: active on the quarter''s last day (V16)';
