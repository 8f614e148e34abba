-- Timelines recorded before the consent view shrank them: an erasure request leaves only the marker "erased at T"
-- and what followed it (ConsentTimeline.append does the same for every new message). Repeatable and idempotent, so
-- it needs no place among the versioned migrations of the services that share this location.
UPDATE machine_consent m
SET timeline = (
    SELECT jsonb_agg(e.entry ORDER BY e.n)
    FROM jsonb_array_elements(m.timeline) WITH ORDINALITY AS e(entry, n)
    WHERE e.n >= (
        SELECT max(x.n) FROM jsonb_array_elements(m.timeline) WITH ORDINALITY AS x(entry, n)
        WHERE x.entry ->> 'kind' = 'ERASED'))
WHERE m.timeline @> '[{"kind": "ERASED"}]';
