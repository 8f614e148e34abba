-- Usage events already counted, so a redelivered or resent event never counts twice. Rows of a quarter are
-- deleted when it is published (later events for it are not counted anyway).
CREATE TABLE counted_event (
    pseudonym text NOT NULL,
    event_id  uuid NOT NULL,
    quarter   text NOT NULL,
    PRIMARY KEY (pseudonym, event_id)
);
CREATE INDEX counted_event_quarter ON counted_event (quarter);

-- One machine's contribution to one cell of an unpublished quarter: what exact distinct counts and exact
-- erasure need. Deleted when the quarter is published.
CREATE TABLE contribution (
    quarter   text   NOT NULL,
    dimension text   NOT NULL,
    key       text   NOT NULL,
    pseudonym text   NOT NULL,
    events    bigint NOT NULL,
    PRIMARY KEY (quarter, dimension, key, pseudonym)
);
CREATE INDEX contribution_machine ON contribution (pseudonym);

-- The rollups reports are made from, updated with every counted event (never computed on a request).
CREATE TABLE rollup (
    quarter   text   NOT NULL,
    dimension text   NOT NULL,
    key       text   NOT NULL,
    events    bigint NOT NULL,
    machines  bigint NOT NULL,
    PRIMARY KEY (quarter, dimension, key)
);

-- Published reports: the exact bytes served forever.
CREATE TABLE published_report (
    quarter      text        PRIMARY KEY,
    published_at timestamptz NOT NULL,
    json         text        NOT NULL,
    csv          text        NOT NULL,
    html         text        NOT NULL
);

-- The report service's own events (report.published), append-only.
CREATE TABLE report_event (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type     text        NOT NULL,
    schema_version int         NOT NULL,
    quarter        text        NOT NULL,
    payload        text        NOT NULL,
    recorded_at    timestamptz NOT NULL
);
