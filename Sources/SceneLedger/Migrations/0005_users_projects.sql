-- Identity (issue #18): people who sign in, the projects that own scenes, and each
-- person's role per project. A user's events name their pseudonymous actor id, whose
-- personal data stays in `actors`, so erasure keeps working.

CREATE TABLE projects (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Scenes made before this migration, the demo scene and scenes made without a project.
INSERT INTO projects (id, name) VALUES ('default', 'Default project');

ALTER TABLE scenes ADD COLUMN project_id text NOT NULL DEFAULT 'default' REFERENCES projects (id);

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    -- PasswordHash's stored form; never the password.
    password_hash  text NOT NULL CHECK (password_hash LIKE 'pbkdf2-sha256$%'),
    server_admin   boolean NOT NULL DEFAULT false,
    actor_id       uuid NOT NULL UNIQUE REFERENCES actors (id),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_roles (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('viewer', 'engineer', 'admin')),
    PRIMARY KEY (user_id, project_id)
);
