-- Nothing in this service records processed message ids: consent messages are applied by their per-machine
-- stream version (machine_consent.version).
DROP TABLE processed_message;
