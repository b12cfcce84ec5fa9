-- A feed sent again is answered as a replay of the earlier one (200, duplicateOf) unless a later feed
-- has revised one of its values since (then sending it again restores them and is stored). That was
-- decided by joining the feed's versions with the whole version history: 2.27 s on hypertables (0.17 s
-- on plain tables) at 1.9 million versions, growing with the history. Now the revising feed marks the
-- feeds it supersedes, and the replay check is a lookup (issue 12 item 14).
ALTER TABLE feed ADD COLUMN superseded_at timestamptz;

-- The feeds superseded so far: a value they wrote has a later revision.
UPDATE feed f SET superseded_at = now()
WHERE f.status <> 'rejected'
  AND f.id IN (SELECT DISTINCT v.feed_id
               FROM observation_version v
               JOIN observation_current c USING (platform_code, indicator_code, period)
               WHERE c.revision > v.revision);

COMMENT ON COLUMN feed.superseded_at IS
    'when a later feed first revised a value this feed wrote; a feed so superseded is stored again when re-sent, not answered as a replay';
