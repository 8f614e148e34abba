-- NOTIFY at commit takes a database-wide lock until the commit is flushed, so every consent write queued behind
-- the previous one's fsync. The ledger now wakes its own replica's relay after commit, and the relay polls for
-- the writes of other replicas.
DROP TRIGGER outbox_inserted ON outbox;
DROP FUNCTION notify_outbox();
