-- Scenecast ledger schema, version 1.
-- Migrations are append-only: never edit this file once released; add 0002_*.sql instead.

CREATE TABLE scenes (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The global position counter. Every append transaction takes this row's lock first,
-- so positions are gapless and commit in position order: a subscriber that has read up
-- to position P never later sees a smaller position appear.
CREATE TABLE ledger_head (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position    bigint NOT NULL
);
INSERT INTO ledger_head VALUES (true, 0);

-- The append-only, hash-chained event log.
-- hash = SHA-256(prev_hash || canonical envelope bytes); see docs/ledger.md.
-- payload is `json`, not `jsonb`: the hash covers its exact bytes, which jsonb would rewrite.
CREATE TABLE events (
    position        bigint PRIMARY KEY,
    scene_id        uuid NOT NULL,
    version         bigint NOT NULL CHECK (version >= 1),
    session_id      uuid NOT NULL,
    actor_id        uuid NOT NULL,
    command_id      uuid NOT NULL,
    command_seq     smallint NOT NULL CHECK (command_seq >= 0),
    type            text NOT NULL,
    schema_version  smallint NOT NULL,
    payload         json NOT NULL,
    client_time_ms  bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL,
    CONSTRAINT events_scene_version UNIQUE (scene_id, version),
    CONSTRAINT events_command UNIQUE (command_id, command_seq)
);

-- Immutability: the database itself refuses UPDATE, DELETE and TRUNCATE on events.
CREATE FUNCTION scenecast_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the events table is append-only: % is refused', TG_OP
        USING ERRCODE = 'SC403', HINT = 'Events are immutable; append a compensating event instead.';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION scenecast_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION scenecast_refuse_change();

-- One writer per scene: the process hosting a scene holds its lease. Every takeover
-- increments epoch; appends carry the epoch they hold and are refused when it is stale.
CREATE TABLE scene_leases (
    scene_id      uuid PRIMARY KEY REFERENCES scenes (id),
    holder        text NOT NULL,
    epoch         bigint NOT NULL,
    expires_at    timestamptz NOT NULL,
    head_version  bigint NOT NULL DEFAULT 0
);

-- Called at the start of every append transaction, after idempotency filtering.
-- Claims p_count global positions and, for each scene in the batch (sorted by id),
-- checks the writer's lease epoch (fencing) and head version, then advances the head.
-- Wakes subscribers with a payload-free NOTIFY, delivered at commit.
CREATE FUNCTION scenecast_claim_batch(
    p_scenes uuid[], p_epochs bigint[], p_from bigint[], p_to bigint[], p_count bigint
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    base   bigint;
    held   bigint;
    head   bigint;
BEGIN
    UPDATE ledger_head SET position = position + p_count RETURNING position - p_count INTO base;
    FOR i IN 1 .. coalesce(array_length(p_scenes, 1), 0) LOOP
        SELECT epoch, head_version INTO held, head FROM scene_leases WHERE scene_id = p_scenes[i] FOR UPDATE;
        IF NOT FOUND OR held <> p_epochs[i] THEN
            RAISE EXCEPTION 'scene % is fenced: this writer holds lease epoch %, the current epoch is %',
                p_scenes[i], p_epochs[i], coalesce(held::text, 'none') USING ERRCODE = 'SC409';
        END IF;
        IF head <> p_from[i] THEN
            RAISE EXCEPTION 'scene % head is version %, the writer expected %', p_scenes[i], head, p_from[i]
                USING ERRCODE = 'SC412';
        END IF;
        UPDATE scene_leases SET head_version = p_to[i] WHERE scene_id = p_scenes[i];
    END LOOP;
    PERFORM pg_notify('scenecast_events', '');
    RETURN base;
END
$$;

-- Snapshots of the projected state, zstd-compressed canonical JSON.
CREATE TABLE snapshots (
    scene_id     uuid NOT NULL,
    version      bigint NOT NULL,
    recorded_at  timestamptz NOT NULL,
    state_hash   bytea NOT NULL,
    codec        text NOT NULL,
    state        bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scene_id, version)
);
CREATE INDEX snapshots_scene_time ON snapshots (scene_id, recorded_at);

-- People behind pseudonymous actor ids. Personal data lives here, never in events,
-- so it can be erased without touching the chain.
CREATE TABLE actors (
    id            uuid PRIMARY KEY,
    display_name  text,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per joined connection (a participant).
CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    scene_id    uuid NOT NULL REFERENCES scenes (id),
    actor_id    uuid NOT NULL REFERENCES actors (id),
    role        text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz
);
CREATE INDEX sessions_scene ON sessions (scene_id, started_at);
