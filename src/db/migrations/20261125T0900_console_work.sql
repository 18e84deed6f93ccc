-- Issue 6: response templates for the console, and an index for duplicate suggestions by place.

-- Bilingual answers an agency's staff start from; placeholders such as {{reference}} are filled
-- in for the case (core/console/response-templates.ts). A template without an agency is national.
CREATE TABLE response_templates (
  id uuid PRIMARY KEY,
  agency_id text REFERENCES agencies (id),
  name text NOT NULL,
  body_en text NOT NULL,
  body_sw text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES staff_users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX response_templates_agency_idx ON response_templates (agency_id, name);

-- The case page asks for likely duplicates from the same county and agency in a 30-day window;
-- without the county in the index that read every case of a large agency in the window.
CREATE INDEX cases_agency_county_created_idx ON cases (agency_id, county_code, created_at DESC, id DESC)
  WHERE county_code IS NOT NULL;

-- The supervisor's workload page compares each person's open cases with what the agency deems a
-- full load; the agency administrator sets it on the agency's profile.
ALTER TABLE agencies ADD COLUMN cases_per_officer integer NOT NULL DEFAULT 25
  CHECK (cases_per_officer BETWEEN 1 AND 1000);

-- Search in the console and the staff API finds cases by the words of their title and description,
-- in any order, each typed word as the start of a word (core/cases/list-queue.ts). 'simple': no
-- stemming, which suits English, Kiswahili and Sheng alike.
CREATE INDEX cases_text_search_idx ON cases
  USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || description));

-- A person's saved queue views: a name and the queue's filters as its address query.
CREATE TABLE saved_views (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES staff_users (id),
  name text NOT NULL,
  query text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX saved_views_user_idx ON saved_views (user_id, name);
