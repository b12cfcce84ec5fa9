-- A run's components (one row per platform and indicator: 60,000-120,000 for a national run) are
-- written once, by the service, in the transaction that writes the run and its entries, and can
-- never change afterwards (triggers ranking_immutable and *_no_truncate, V2/V3). Their two foreign
-- keys (to the run, and to the entry) were per-row trigger checks that cost three to four times
-- the insert itself (60,000 components: 0.62-0.95 s with them, 0.14-0.21 s without), for a reference
-- that nothing can break once the transaction commits.
ALTER TABLE ranking_component DROP CONSTRAINT IF EXISTS ranking_component_run_id_fkey;
ALTER TABLE ranking_component DROP CONSTRAINT IF EXISTS ranking_component_run_id_platform_code_fkey;

COMMENT ON TABLE ranking_component IS
    'per run, platform and indicator: the score breakdown; written with its entry in one transaction, immutable (no row-level foreign keys, see V7)';
