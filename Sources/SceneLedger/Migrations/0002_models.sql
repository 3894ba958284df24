-- Uploaded CAD models, content-addressed by the SHA-256 of their bytes, stored in
-- PostgreSQL so that every node can load them. Bytes are kept in 1 MiB chunks so a
-- 200 MB model never travels as one value.

CREATE TABLE models (
    sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    format      text NOT NULL,
    name        text NOT NULL,
    size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
    triangles   bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_chunks (
    sha256  text NOT NULL REFERENCES models (sha256),
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea NOT NULL,
    PRIMARY KEY (sha256, seq)
);
