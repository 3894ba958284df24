-- Server-side recordings of views' encoded streams: one row per segment file that
-- splitmuxsink closed (status 'complete', with its size and SHA-256), or per recording
-- that a write error stopped (status 'failed', with the error).

CREATE TABLE recordings (
    id          bigserial PRIMARY KEY,
    session     uuid NOT NULL,
    view        text NOT NULL,
    scene       uuid NOT NULL,
    status      text NOT NULL CHECK (status IN ('complete', 'failed')),
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz NOT NULL,
    path        text NOT NULL,
    bytes       bigint NOT NULL CHECK (bytes >= 0),
    sha256      text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'complete') = (sha256 IS NOT NULL))
);

CREATE INDEX recordings_view ON recordings (view, started_at);
