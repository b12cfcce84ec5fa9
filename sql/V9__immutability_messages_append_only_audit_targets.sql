-- ranking_immutable() (V3) read NEW.published_at in one IF whose first test was the table's name;
-- PL/pgSQL does not stop at that test, so an UPDATE of an entry, component or not-ranked row failed
-- with 'record "new" has no field "published_at"' instead of the trigger's own message. The test for
-- the run's publication now runs only for ranking_run.
CREATE OR REPLACE FUNCTION ranking_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ranking_run' AND TG_OP = 'UPDATE' THEN
        -- Publication happens once and is never undone or re-dated; the evaluation marker may be set.
        IF (to_jsonb(NEW) - 'published_at' - 'published_by' - 'alerts_evaluated_at')
             = (to_jsonb(OLD) - 'published_at' - 'published_by' - 'alerts_evaluated_at')
           AND (NEW.published_at IS NOT DISTINCT FROM OLD.published_at
                OR (OLD.published_at IS NULL AND NEW.published_at IS NOT NULL))
           AND (NEW.published_by IS NOT DISTINCT FROM OLD.published_by OR OLD.published_at IS NULL) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'ranking runs are immutable (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;

-- The audit trail and the target history get the protection of the observation history (V6):
-- rows are added, never changed or removed.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION zonewatch_append_only();
CREATE TRIGGER target_version_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON target_version
    FOR EACH STATEMENT EXECUTE FUNCTION zonewatch_append_only();
