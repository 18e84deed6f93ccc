-- Issue 8: the vocabulary of the knowledge base counts what the public can read, exactly. Each
-- published text keeps its distinct words (`words`), and knowledge_words.articles is the number of
-- published texts holding the word: recounted for the words of a text when it is published,
-- republished or retired (core/knowledge/publish-text.ts). Before, a republished article counted
-- its words again and a retired one kept them, so a word's weight in search drifted; words of two
-- letters ("id") were not counted at all, and weighed as the rarest.

ALTER TABLE knowledge_texts ADD COLUMN words text[] NOT NULL DEFAULT '{}';
CREATE INDEX knowledge_texts_words_idx ON knowledge_texts USING gin (words);

UPDATE knowledge_texts SET words = ARRAY(
  SELECT DISTINCT w
  FROM unnest(tsvector_to_array(to_tsvector('simple',
    headline || ' ' || summary || ' ' || regexp_replace(body, '\]\([^)]*\)', ']', 'g')))) AS w
  WHERE length(w) >= 2 AND w !~ '^[0-9]+$');

DELETE FROM knowledge_words;
INSERT INTO knowledge_words (word, articles)
SELECT w, count(*)
FROM knowledge_texts t
JOIN knowledge_articles a ON a.id = t.article_id AND a.status = 'published'
CROSS JOIN unnest(t.words) AS w
GROUP BY w;
