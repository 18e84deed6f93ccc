-- Issue 8: the knowledge base (core/knowledge). An article belongs to an agency (and may be about
-- one of its services); what the public reads is its published text, one row per language in
-- knowledge_texts, searched by full text (English stemming for English, plain words for
-- Kiswahili, for which PostgreSQL has no dictionary) and by trigram similarity for typos. Every
-- edit is a version in knowledge_versions, which is the history and the draft/review workflow;
-- publishing a version copies its text into knowledge_texts.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE knowledge_articles (
  id uuid PRIMARY KEY,
  -- Stable, for links and for the shipped articles (reference/knowledge); never reused.
  slug text NOT NULL UNIQUE,
  agency_id text NOT NULL REFERENCES agencies (id),
  service_id text REFERENCES services (id),
  -- What the public sees: nothing until the first version is published, nothing once retired.
  status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  -- The agency's order of its top questions (USSD "Information", the portal): lower first.
  position integer NOT NULL DEFAULT 1000,
  published_version integer,
  published_at timestamptz,
  -- When someone must check it is still right; the owner is reminded before and after.
  review_by date NOT NULL,
  review_reminded_for date,
  owner_id uuid REFERENCES staff_users (id),
  -- 'reference/knowledge/KRA.json' for shipped articles, 'ecitizen-faq:<id>' for eCitizen's FAQs.
  source text,
  -- Changed in Baraza since it was shipped: a newer shipped text no longer replaces it.
  customised boolean NOT NULL DEFAULT false,
  -- Self-service: readers who said it answered their question, and who said it did not.
  helpful integer NOT NULL DEFAULT 0,
  not_helpful integer NOT NULL DEFAULT 0,
  views integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX knowledge_articles_agency_idx ON knowledge_articles (agency_id, status, position);
CREATE INDEX knowledge_articles_review_idx ON knowledge_articles (review_by) WHERE status = 'published';

CREATE TABLE knowledge_versions (
  article_id uuid NOT NULL REFERENCES knowledge_articles (id),
  version integer NOT NULL,
  -- draft -> in_review -> published; a published version is superseded by the next; a version
  -- sent back from review is returned (and the author makes a new draft).
  state text NOT NULL CHECK (state IN ('draft', 'in_review', 'published', 'superseded', 'returned')),
  -- {"en": {title, summary, body, sms, ussd: [], keywords: []}, "sw": {...}}
  content jsonb NOT NULL,
  written_by uuid REFERENCES staff_users (id),
  written_at timestamptz NOT NULL,
  reviewed_by uuid REFERENCES staff_users (id),
  reviewed_at timestamptz,
  note text,
  PRIMARY KEY (article_id, version)
);

CREATE TABLE knowledge_texts (
  article_id uuid NOT NULL REFERENCES knowledge_articles (id),
  language text NOT NULL CHECK (language IN ('en', 'sw')),
  title text NOT NULL,
  summary text NOT NULL,
  body text NOT NULL,
  sms text NOT NULL,
  ussd text[] NOT NULL,
  keywords text[] NOT NULL,
  -- Title and keywords weigh most, then the summary, then the body; both dictionaries for both
  -- languages, so an English word in a Kiswahili question (and the reverse) still matches.
  search tsvector NOT NULL,
  -- Title and keywords, for typo-tolerant matching of short queries.
  headline text NOT NULL,
  PRIMARY KEY (article_id, language)
);
CREATE INDEX knowledge_texts_search_idx ON knowledge_texts USING gin (search);
CREATE INDEX knowledge_texts_headline_trgm_idx ON knowledge_texts USING gin (headline gin_trgm_ops);

-- Every word of the published texts, for correcting a misspelt word of a question to the nearest
-- word that is there ("pasport" -> "passport") before searching.
CREATE TABLE knowledge_words (
  word text PRIMARY KEY,
  articles integer NOT NULL
);
CREATE INDEX knowledge_words_trgm_idx ON knowledge_words USING gin (word gin_trgm_ops);

-- Questions answered without a case: a citizen who read an article (suggested while describing a
-- problem, or found by searching) and said it answered them, and the automatic answers.
CREATE TABLE self_service_answers (
  id uuid PRIMARY KEY,
  article_id uuid NOT NULL REFERENCES knowledge_articles (id),
  channel text NOT NULL CHECK (channel IN ('web', 'ussd', 'sms', 'console')),
  language text NOT NULL CHECK (language IN ('en', 'sw')),
  -- 'stopped_report': they stopped describing a problem; 'helpful': said it helped on the article;
  -- 'info': read it on USSD or by SMS.
  kind text NOT NULL CHECK (kind IN ('stopped_report', 'helpful', 'not_helpful', 'info')),
  query text,
  created_at timestamptz NOT NULL
);
CREATE INDEX self_service_answers_article_idx ON self_service_answers (article_id, created_at);

-- An inquiry answered by an article at once: which article, and whether the citizen said it did
-- not help (then a person takes the case, its deadline still from the original submission).
ALTER TABLE cases ADD COLUMN auto_answer_article_id uuid REFERENCES knowledge_articles (id);
