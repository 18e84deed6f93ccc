import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { consoleClient } from './helpers/console.ts';
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { submitCase } from './helpers/factories.ts';

/*
 * The knowledge base in the console over HTTP (issue 8): writing both languages of an article,
 * review by someone else, the four-eyes refusal, returning with a note, retiring, who may see and
 * change what, and inserting a published article into a response from a case.
 */
describe('the knowledge base in the console', () => {
  let ctx: TestContext;
  let officer: SignedInStaff;
  let supervisor: SignedInStaff;
  before(async () => {
    ctx = await createTestContext();
    officer = await signedInStaff(ctx, 'officer', 'DIS');
    supervisor = await signedInStaff(ctx, 'supervisor', 'DIS');
  });
  after(() => ctx.close());

  const { page, post } = consoleClient(() => ctx);
  let counter = 0;

  /** The form's fields for an article about `topic` (a word no shipped article uses). */
  const articleForm = (topic: string): Record<string, string> => ({
    'en-title': `Get a ${topic} permit`,
    'en-summary': `How to apply for a ${topic} permit at the Immigration office.`,
    'en-body': `## Steps\n\n1. Fill in the ${topic} form.\n2. Bring **two photos** to the office.\n\nSee [eCitizen](https://www.ecitizen.go.ke).`,
    'en-sms': `Apply for a ${topic} permit at the Immigration office with two photos.`,
    'en-ussd-1': `Apply for a ${topic} permit at the Immigration office.`,
    'en-ussd-2': 'Bring two photos.',
    'en-keywords': `${topic}, permit`,
    'sw-title': `Pata kibali cha ${topic}`,
    'sw-summary': `Jinsi ya kuomba kibali cha ${topic} katika ofisi ya Uhamiaji.`,
    'sw-body': `## Hatua\n\n1. Jaza fomu ya ${topic}.\n2. Leta **picha mbili** ofisini.`,
    'sw-sms': `Omba kibali cha ${topic} katika ofisi ya Uhamiaji ukiwa na picha mbili.`,
    'sw-ussd-1': `Omba kibali cha ${topic} katika ofisi ya Uhamiaji.`,
    'sw-keywords': topic,
  });
  /**
   * A made-up word per article, each with its own first letter and letters unlike the others', so
   * search's typo correction never takes one for another.
   */
  const TOPICS = [
    'quokkaherding',
    'yakshearing',
    'narwhalwatching',
    'ibisbanding',
    'vicunaspinning',
    'okapitracking',
    'jerboacounting',
    'zebumilking',
    'wombatfencing',
    'hoopoenesting',
    'umbrellabirding',
    'xerusburrowing',
  ];
  const topicWord = () => {
    const topic = TOPICS[counter % TOPICS.length] ?? 'quokkaherding';
    counter += 1;
    return topic;
  };
  const idIn = (location: unknown) =>
    /\/console\/knowledge\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';
  const slugOf = async (id: string) =>
    (
      await ctx.database.db
        .selectFrom('knowledgeArticles')
        .select('slug')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).slug;
  const reviewBy = () => new Date(ctx.clock.now.getTime() + 400 * 86_400_000).toISOString().slice(0, 10);

  /** A draft written by `author`; sent for review when asked. */
  const writeArticle = async (author: SignedInStaff, topic: string, review = false) => {
    const saved = await post(
      '/console/knowledge',
      { ...articleForm(topic), ...(review ? { review: '1' } : {}) },
      author.cookie,
    );
    assert.equal(saved.statusCode, 303, saved.body);
    return idIn(saved.headers.location);
  };
  /** An article written by the officer and published by the supervisor. */
  const publishedArticle = async (topic: string) => {
    const id = await writeArticle(officer, topic, true);
    const published = await post(
      `/console/knowledge/${id}/publish`,
      { reviewBy: reviewBy() },
      supervisor.cookie,
    );
    assert.equal(published.statusCode, 303, published.body);
    return id;
  };

  test('an officer writes an article and sends it for review; a supervisor publishes it and the public reads it', async () => {
    const topic = topicWord();
    const form = await page('/console/knowledge/new', officer.cookie);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<label for="f-sw-ussd-1">Screen 1<\/label>/);

    const saved = await post('/console/knowledge', { ...articleForm(topic) }, officer.cookie);
    assert.equal(saved.statusCode, 303, saved.body);
    assert.match(String(saved.headers.location), /\/edit\?done=saved$/);
    const id = idIn(saved.headers.location);
    const editing = await page(String(saved.headers.location), officer.cookie);
    assert.match(editing.body, /The draft was saved\./);
    const sms = articleForm(topic)['en-sms'] ?? '';
    assert.ok(editing.body.includes(`Now ${sms.length} of 160.`), 'the SMS form is counted after saving');

    const slug = await slugOf(id);
    assert.equal(slug, `get-a-${topic}-permit`);
    assert.equal((await ctx.app.inject({ url: `/help/${slug}` })).statusCode, 404, 'a draft is not public');

    const sent = await post(`/console/knowledge/${id}/submit`, {}, officer.cookie);
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, `/console/knowledge/${id}?done=submitted`);

    const list = await page('/console/knowledge', supervisor.cookie);
    const waiting = /<h2 id="waiting-title">[\s\S]*?<\/section>/.exec(list.body)?.[0] ?? '';
    assert.ok(waiting.includes(`Get a ${topic} permit`), 'waiting for review');
    const published = await post(
      `/console/knowledge/${id}/publish`,
      { reviewBy: reviewBy() },
      supervisor.cookie,
    );
    assert.equal(published.statusCode, 303, published.body);
    assert.equal(published.headers.location, `/console/knowledge/${id}?done=published`);

    const help = await ctx.app.inject({ url: `/help/${slug}?lang=en` });
    assert.equal(help.statusCode, 200);
    assert.match(help.body, new RegExp(`Get a ${topic} permit`));
    const shown = await page(`/console/knowledge/${id}`, officer.cookie);
    assert.match(shown.body, /What the public reads/);
    assert.match(shown.body, /<h4>Steps<\/h4>/, "the body's headings sit under the page's own");
    assert.match(shown.body, /<td>Published<\/td>\s*<td>officer of DIS/);
    assert.ok(shown.body.includes(reviewBy()), 'the review-by date the reviewer chose');
  });

  test('the author of a version cannot publish it and is told why, on the page', async () => {
    const id = await writeArticle(supervisor, topicWord(), true);
    const shown = await page(`/console/knowledge/${id}`, supervisor.cookie);
    assert.match(shown.body, /You wrote this version: someone else must review it\./);
    assert.doesNotMatch(shown.body, /action="[^"]+\/publish"/, 'no publish button for the author');
    const refused = await post(
      `/console/knowledge/${id}/publish`,
      { reviewBy: reviewBy() },
      supervisor.cookie,
    );
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /You wrote this version, so you cannot publish it/);
    assert.match(refused.body, /<h1>Pata kibali|<h1>Get a/, 'the article page, not an error page');
    const state = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(state.status, 'draft');
  });

  test("a reviewer returns an article with a note, which shows in the article's history", async () => {
    const topic = topicWord();
    const id = await writeArticle(officer, topic, true);
    const bare = await post(`/console/knowledge/${id}/return`, { note: '' }, supervisor.cookie);
    assert.equal(bare.statusCode, 400);
    assert.match(bare.body, /Say what to change, in 3 to 1,000 characters\./);
    const returned = await post(
      `/console/knowledge/${id}/return`,
      { note: 'Name the office that issues the permit.' },
      supervisor.cookie,
    );
    assert.equal(returned.statusCode, 303);
    const shown = await page(`/console/knowledge/${id}`, officer.cookie);
    assert.match(shown.body, /Returned for changes \(version 1\)/);
    assert.match(shown.body, /<td class="description">Name the office that issues the permit\.<\/td>/);
    // A returned article counts among the drafts: its author has work to do.
    const drafts = await page(`/console/knowledge?status=draft&q=${topic}`, officer.cookie);
    assert.ok(drafts.body.includes(`/console/knowledge/${id}`));
    const changed = await post(
      `/console/knowledge/${id}/edit`,
      { ...articleForm(topic), 'en-summary': `Apply for a ${topic} permit at Nyayo House.`, review: '1' },
      officer.cookie,
    );
    assert.equal(changed.statusCode, 303, changed.body);
    const versions = await ctx.database.db
      .selectFrom('knowledgeVersions')
      .select(['version', 'state'])
      .where('articleId', '=', id)
      .orderBy('version')
      .execute();
    assert.deepEqual(versions, [
      { version: 1, state: 'returned' },
      { version: 2, state: 'in_review' },
    ]);
  });

  test('retiring an article takes it off the portal', async () => {
    const topic = topicWord();
    const id = await publishedArticle(topic);
    const slug = await slugOf(id);
    assert.equal((await ctx.app.inject({ url: `/help/${slug}` })).statusCode, 200);
    assert.match(
      (await ctx.app.inject({ url: `/help?q=${topic}&lang=en` })).body,
      new RegExp(`/help/${slug}`),
    );
    // An officer writes but does not retire.
    const notAllowed = await post(`/console/knowledge/${id}/retire`, {}, officer.cookie);
    assert.equal(notAllowed.statusCode, 403);
    assert.match(notAllowed.body, /Your role may not do this with the article\./);
    const retired = await post(`/console/knowledge/${id}/retire`, {}, supervisor.cookie);
    assert.equal(retired.statusCode, 303);
    assert.equal((await ctx.app.inject({ url: `/help/${slug}` })).statusCode, 404);
    assert.doesNotMatch(
      (await ctx.app.inject({ url: `/help?q=${topic}&lang=en` })).body,
      new RegExp(`/help/${slug}`),
    );
    const listed = await page('/console/knowledge?status=retired', supervisor.cookie);
    assert.ok(listed.body.includes(`/console/knowledge/${id}`));
  });

  test("another agency's staff find nothing of a draft, and a role that only reads cannot write", async () => {
    const topic = topicWord();
    const id = await writeArticle(officer, topic);
    const kra = await signedInStaff(ctx, 'supervisor', 'KRA');
    for (const path of [`/console/knowledge/${id}`, `/console/knowledge/${id}/edit`]) {
      const seen = await page(path, kra.cookie);
      assert.equal(seen.statusCode, 404, path);
      assert.ok(!seen.body.includes(topic), path);
    }
    for (const step of ['submit', 'publish', 'return', 'retire', 'edit']) {
      const tried = await post(
        `/console/knowledge/${id}/${step}`,
        { ...articleForm(topic), note: 'No.' },
        kra.cookie,
      );
      assert.equal(tried.statusCode, 404, step);
    }
    const searched = await page(`/console/knowledge?q=${topic}`, kra.cookie);
    assert.equal(searched.statusCode, 200);
    assert.ok(!searched.body.includes(id));
    assert.equal((await page('/console/knowledge/not-an-id', officer.cookie)).statusCode, 404);

    const clearing = await signedInStaff(ctx, 'clearing_house', 'CLR');
    const list = await page('/console/knowledge', clearing.cookie);
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /Write a new article/);
    assert.equal((await page('/console/knowledge/new', clearing.cookie)).statusCode, 403);
    const created = await post('/console/knowledge', { ...articleForm(topicWord()) }, clearing.cookie);
    assert.equal(created.statusCode, 403);

    // A form another site makes a browser send is refused, as every console form is.
    const forged = await ctx.app.inject({
      method: 'POST',
      url: `/console/knowledge/${id}/submit`,
      headers: {
        cookie: officer.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
      payload: '',
    });
    assert.equal(forged.statusCode, 403);
    const state = await ctx.database.db
      .selectFrom('knowledgeVersions')
      .select('state')
      .where('articleId', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(state.state, 'draft');
  });

  test("the form shows each problem beside its field in the writer's language and keeps what was typed", async () => {
    const topic = topicWord();
    const form = {
      ...articleForm(topic),
      'en-title': 'Go',
      'sw-sms': 'Omba kibali “sasa” katika ofisi ya Uhamiaji.',
      'en-ussd-2': '',
      'en-ussd-3': 'x'.repeat(151),
    };
    const refused = await post('/console/knowledge?lang=sw', form, officer.cookie);
    assert.equal(refused.statusCode, 400);
    assert.match(
      refused.body,
      /<span class="err-msg" id="f-en-title-error">[^<]*<span[^>]*>[^<]*<\/span> Kichwa \(English\): andika herufi 3 hadi 70\./,
    );
    assert.match(refused.body, /id="f-sw-sms-error"[\s\S]*?Jibu kwa SMS \(Kiswahili\)/);
    assert.match(
      refused.body,
      /id="f-en-ussd-3-error"[\s\S]*?Skrini ya USSD 3 \(English\)/,
      'the box it was typed in',
    );
    assert.match(refused.body, /<a href="#f-en-title">/, 'the summary links to the field');
    assert.ok(refused.body.includes(`Jinsi ya kuomba kibali cha ${topic} katika ofisi ya Uhamiaji.`), 'kept');
    assert.match(refused.body, /aria-invalid="true"/);
    // An empty form: every field's problem at once, not the address made from no title.
    const empty = await post('/console/knowledge', {}, officer.cookie);
    assert.equal(empty.statusCode, 400);
    for (const field of ['en-title', 'en-body', 'sw-sms', 'sw-ussd'])
      assert.match(empty.body, new RegExp(`id="f-${field}-error"`), field);
    assert.doesNotMatch(empty.body, /id="f-slug-error"/);
    const none = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select('id')
      .where('slug', '=', 'go')
      .executeTakeFirst();
    assert.equal(none, undefined, 'nothing saved');
    const shipped = await ctx.database.db
      .selectFrom('knowledgeArticles')
      .select('slug')
      .limit(1)
      .executeTakeFirstOrThrow();
    const taken = await post(
      '/console/knowledge',
      { ...articleForm(topic), slug: shipped.slug },
      officer.cookie,
    );
    assert.match(taken.body, /Another article already has this address: choose another\./);
    assert.equal(taken.statusCode, 400);
  });

  test('staff find their drafts by title and filter the list by status', async () => {
    const topic = topicWord();
    const id = await writeArticle(officer, topic);
    const found = await page(`/console/knowledge?q=${encodeURIComponent(`a ${topic} perm`)}`, officer.cookie);
    assert.ok(found.body.includes(`/console/knowledge/${id}`), 'a draft found by its title');
    const published = await page(`/console/knowledge?q=${topic}&status=published`, officer.cookie);
    assert.ok(!published.body.includes(`/console/knowledge/${id}`));
    assert.match(published.body, /No article matches\./);
    const all = await page('/console/knowledge', officer.cookie);
    assert.match(all.body, /<th scope="col" class="num">Views<\/th>/);
    assert.match(all.body, /Shipped with Baraza/);
  });

  test("an officer inserts a published article into a response, in the citizen's language", async () => {
    const topic = topicWord();
    const id = await publishedArticle(topic);
    const slug = await slugOf(id);
    const kase = await submitCase(ctx, {
      language: 'sw',
      citizen: { name: 'Halima Said', phone: '0712000222' },
    });
    const path = `/console/cases/${kase.reference}`;
    const searched = await page(`${path}?kq=${topic}`, officer.cookie);
    assert.equal(searched.statusCode, 200);
    assert.match(searched.body, /<details class="action card" id="knowledge" open>/);
    assert.ok(searched.body.includes(`Pata kibali cha ${topic}`), "the article in the citizen's language");
    assert.ok(searched.body.includes(`href="${path}?article=${id}#respond"`));
    const inserted = await page(`${path}?article=${id}`, officer.cookie);
    assert.equal(inserted.statusCode, 200);
    const filled = /<textarea id="f-respond-message"[^>]*>([^<]*)<\/textarea>/.exec(inserted.body)?.[1] ?? '';
    assert.ok(filled.startsWith(`Jinsi ya kuomba kibali cha ${topic} katika ofisi ya Uhamiaji.`), filled);
    assert.ok(filled.includes(`Jaza fomu ya ${topic}.`), 'the body as plain text');
    assert.ok(!filled.includes('**'), 'without Markdown');
    assert.ok(filled.trimEnd().endsWith(`http://localhost:3000/help/${slug}`), filled);
    assert.match(inserted.body, /<details class="action card" id="respond" open>/);
  });

  test('a draft or a retired article is never offered for insertion', async () => {
    const topic = topicWord();
    const draft = await writeArticle(officer, topic, true);
    const kase = await submitCase(ctx);
    const path = `/console/cases/${kase.reference}`;
    const searched = await page(`${path}?kq=${topic}`, officer.cookie);
    assert.equal(searched.statusCode, 200);
    assert.match(searched.body, /No published article matches/);
    assert.ok(!searched.body.includes(`article=${draft}`));
    assert.equal((await page(`${path}?article=${draft}`, officer.cookie)).statusCode, 404);
    const retired = await publishedArticle(topicWord());
    await post(`/console/knowledge/${retired}/retire`, {}, supervisor.cookie);
    assert.equal((await page(`${path}?article=${retired}`, officer.cookie)).statusCode, 404);
  });
});
