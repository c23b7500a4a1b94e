CREATE TABLE entity_rows (
    entity     TEXT  NOT NULL,
    entity_id  TEXT  NOT NULL,
    data       JSONB NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX entity_rows_grant_user ON entity_rows ((data ->> 'user_id')) WHERE entity = 'role_grants';
