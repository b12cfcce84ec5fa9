-- reporting.held_values (V14) was built from ranking_component, which only ranked platforms have: a
-- platform whose held values cost it its coverage (and so its rank) was missing from the list. The
-- list now comes from the run's own data-quality section, one row per held scheme indicator, with
-- `ranked` appended (runs from before V14 have no section and list nothing).
CREATE OR REPLACE VIEW reporting.held_values AS
SELECT r.scheme_code, r.year, r.quarter, make_date(r.year, 3 * coalesce(r.quarter, 4) - 2, 1) AS period,
       r.id AS run_id, h ->> 'platform' AS platform_code, p.name AS platform_name, a.indicator_code,
       coalesce(i.name_zh, a.indicator_code) AS indicator_name, (h ->> 'alertId')::bigint AS alert_id,
       h ->> 'rule' AS rule, h ->> 'indicator' AS alert_indicator, al.period AS alert_period, al.state AS alert_state,
       coalesce((h ->> 'ranked')::boolean, true) AS ranked
FROM (SELECT DISTINCT ON (scheme_code, year, quarter) id, scheme_code, year, quarter, data_quality
      FROM ranking_run ORDER BY scheme_code, year, quarter, id DESC) r
CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.data_quality -> 'held', '[]'::jsonb)) AS h
CROSS JOIN LATERAL jsonb_array_elements_text(h -> 'affects') AS a(indicator_code)
JOIN platform p ON p.code = h ->> 'platform'
LEFT JOIN indicator i ON i.code = a.indicator_code
LEFT JOIN alert al ON al.id = (h ->> 'alertId')::bigint;
