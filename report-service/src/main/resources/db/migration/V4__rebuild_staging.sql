-- A rebuild recounts the log into these tables, in bounded batches beside live counting, and then swaps them into
-- counted_event, contribution and rollup in one short transaction. Unlogged: after a crash they are empty, and a
-- rebuild that did not finish is started again anyway.
CREATE UNLOGGED TABLE rebuild_counted_event (LIKE counted_event INCLUDING ALL);
CREATE UNLOGGED TABLE rebuild_contribution (LIKE contribution INCLUDING ALL);
CREATE UNLOGGED TABLE rebuild_rollup (LIKE rollup INCLUDING ALL);
