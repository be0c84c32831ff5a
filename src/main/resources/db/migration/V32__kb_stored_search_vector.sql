-- The search vector as an index expression made every search re-derive it from the term text for the
-- recheck and for ts_rank, for every candidate (1.7 s for 10,000 candidates, docs/benchmarks.md).
-- It is now stored, in a side table kept by a trigger in the article's own transaction, so article
-- reads (SELECT *) stay lean and searches read the stored vector.
DROP INDEX kb_article_search;
CREATE TABLE kb_article_search (
    article_id uuid PRIMARY KEY REFERENCES kb_article (id) ON DELETE CASCADE,
    tenant_id  text     NOT NULL,
    vector     tsvector NOT NULL
);
CREATE INDEX kb_article_search_vector ON kb_article_search USING gin (vector);

CREATE FUNCTION kb_article_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kb_article_search (article_id, tenant_id, vector)
    VALUES (NEW.id, NEW.tenant_id, kb_search_vector(NEW.title_terms, NEW.body_terms))
    ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END
$$;
CREATE TRIGGER kb_article_search_sync AFTER INSERT OR UPDATE OF title_terms, body_terms ON kb_article
    FOR EACH ROW EXECUTE FUNCTION kb_article_search_sync();

INSERT INTO kb_article_search (article_id, tenant_id, vector)
SELECT id, tenant_id, kb_search_vector(title_terms, body_terms) FROM kb_article;
