-- Audit exports, replay by session and erasure (issue #5).
-- Identity stays apart from events: actors gains the rest of a person's personal data and
-- the time it was erased. Events keep only the pseudonymous actor id, so erasing a person
-- never touches the hash chain.

ALTER TABLE actors
    ADD COLUMN email      text,
    ADD COLUMN ip         text,
    ADD COLUMN erased_at  timestamptz;

-- Filtered audit exports and replay look events up by session and by actor.
CREATE INDEX events_session ON events (session_id, position);
CREATE INDEX events_actor ON events (actor_id, position);
