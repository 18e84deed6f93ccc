import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { generateReference } from '../src/core/cases/reference.ts';
import sw from '../src/i18n/sw.json' with { type: 'json' };
import { createTestContext, type SignedInStaff, signedInStaff, type TestContext } from './helpers/context.ts';
import { asStaff, type SubmittedCase, submitCase } from './helpers/factories.ts';

/*
 * Every public route, fed what clients get wrong. Each answer must be a 4xx in the documented
 * shape { error: { code, message, details } } with a known code and a message a person can read:
 * never a 500, never a stack trace.
 */

/** docs/api.md, "Errors": every code a client may see (500 `internal` is never acceptable here). */
const KNOWN_CODES = new Set([
  'invalid_input',
  'invalid_reference',
  'malformed_json',
  'unauthenticated',
  'totp_required',
  'forbidden',
  'not_found',
  'invalid_transition',
  'conflict',
  'transfer_limit',
  'payload_too_large',
  'unsupported_media_type',
  'locked',
  'rate_limited',
]);

let ctx: TestContext;
let officer: SignedInStaff;
// One case per follow-up route, so a refusal that wrongly went through cannot spoil the others.
let openCase: SubmittedCase; // replies, tracking
let withdrawable: SubmittedCase;
let rateable: SubmittedCase;
let reopenable: SubmittedCase;
let anonymousCase: SubmittedCase;

before(async () => {
  ctx = await createTestContext();
  officer = await signedInStaff(ctx, 'officer', 'DIS');
  openCase = await submitCase(ctx);
  withdrawable = await submitCase(ctx);
  rateable = await submitCase(ctx);
  reopenable = await submitCase(ctx);
  anonymousCase = await submitCase(ctx, { anonymous: true, citizen: undefined });
  for (const kase of [rateable, reopenable]) {
    const resolved = await asStaff(
      ctx,
      officer.cookie,
      'POST',
      `/api/v1/staff/cases/${kase.reference}/status`,
      {
        status: 'resolved',
        message: 'Your passport is ready for collection at Nyayo House',
      },
    );
    assert.equal(resolved.statusCode, 200, resolved.body);
  }
});
after(() => ctx.close());

function assertCleanError(response: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(response.statusCode, status, response.body);
  assert.ok(response.statusCode >= 400 && response.statusCode < 500);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json();
  assert.deepEqual(Object.keys(body), ['error'], response.body);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'details', 'message'], response.body);
  assert.ok(KNOWN_CODES.has(body.error.code), `unknown code ${body.error.code}`);
  assert.equal(body.error.code, code, response.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.trim().length > 0, 'the message is empty');
  assert.doesNotMatch(
    response.body,
    /\bat \S+ \(|\bat (file|node):|node_modules|\.ts:\d+/,
    'a stack trace leaked',
  );
}

/** The invalid_input details name the field: [{ field, problem }]. */
function assertNamesField(response: LightMyRequestResponse, field: string): void {
  const fields = (response.json().error.details as { field: string }[]).map((d) => d.field);
  assert.ok(fields.includes(field), `details name ${JSON.stringify(fields)}, not ${field}`);
}

type Payload = Record<string, unknown>;

interface PublicPost {
  route: string;
  url: () => string;
  valid: () => Payload;
  required: string[];
  /** [what is wrong, the body]: each must be refused as invalid_input. */
  wrong: [string, () => unknown][];
  /** A text field: NUL characters in it cannot be stored and must be refused, not crash. */
  textField: string;
}

const followUpUrl = (kase: () => SubmittedCase, path: string) => () =>
  `/api/v1/cases/${kase().reference}/${path}`;

const POSTS: PublicPost[] = [
  {
    route: 'POST /api/v1/cases',
    url: () => '/api/v1/cases',
    valid: () => ({
      type: 'complaint',
      description: 'The passport office lost my documents',
      agencyCode: 'DIS',
      citizen: { name: 'Wanjiku', phone: '0712345678' },
    }),
    required: ['description'],
    textField: 'description',
    wrong: [
      [
        'a number sent as a string (location.latitude)',
        () => ({ location: { latitude: '-1.28', longitude: 36.8 } }),
      ],
      ['a string sent as a number (description)', () => ({ description: 12345 })],
      ['a string sent as a number (type)', () => ({ type: 5 })],
      ['a boolean sent as a string (anonymous)', () => ({ anonymous: 'true' })],
      ['an array for an object (citizen)', () => ({ citizen: ['Wanjiku', '0712345678'] })],
      ['an array for an object (location)', () => ({ location: [-1.28, 36.8] })],
      ['an object for an array (attachments)', () => ({ attachments: { name: 'a.pdf' } })],
      ['an unknown type of case', () => ({ type: 'praise' })],
      ['an unknown field inside citizen', () => ({ citizen: { phone: '0712345678', nickname: 'Wanji' } })],
      ['a description of 5001 characters', () => ({ description: 'x'.repeat(5001) })],
      ['a description of only spaces', () => ({ description: '       ' })],
      ['a latitude off the globe', () => ({ location: { latitude: 91, longitude: 36.8 } })],
      ['an invalid phone (12345)', () => ({ citizen: { phone: '12345' } })],
      ['a phone that is too short (0712)', () => ({ citizen: { phone: '0712' } })],
      ['a phone of letters', () => ({ citizen: { phone: 'call me maybe' } })],
      ['an invalid e-mail address', () => ({ citizen: { email: 'wanjiku-at-example' } })],
      ['contact details with no way to reach the citizen', () => ({ citizen: { name: 'Wanjiku' } })],
      ['anonymous with contact details', () => ({ anonymous: true })],
      ['an unknown agency', () => ({ agencyCode: 'XYZ' })],
      ['a county that does not exist', () => ({ county: '99' })],
      ['a service code without an agency', () => ({ agencyCode: undefined, serviceCode: 'passport' })],
    ],
  },
  {
    route: 'POST /api/v1/cases/:reference/replies',
    url: followUpUrl(() => openCase, 'replies'),
    valid: () => ({ pin: openCase.pin, message: 'Here is my receipt number: 12345' }),
    required: ['pin', 'message'],
    textField: 'message',
    wrong: [
      ['a string sent as a number (pin)', () => ({ pin: Number(openCase.pin) })],
      ['an object for a string (message)', () => ({ message: { text: 'hello' } })],
      ['an array for a string (message)', () => ({ message: ['hello'] })],
      ['a PIN of five digits', () => ({ pin: '12345' })],
      ['a message of 5001 characters', () => ({ message: 'x'.repeat(5001) })],
      ['an empty message', () => ({ message: '' })],
    ],
  },
  {
    route: 'POST /api/v1/cases/:reference/rating',
    url: followUpUrl(() => rateable, 'rating'),
    valid: () => ({ pin: rateable.pin, rating: 4, comment: 'Quick, thank you' }),
    required: ['pin', 'rating'],
    textField: 'comment',
    wrong: [
      ['a number sent as a string (rating)', () => ({ rating: '5' })],
      ['a fractional rating', () => ({ rating: 4.5 })],
      ['a rating of 0', () => ({ rating: 0 })],
      ['a rating of 6', () => ({ rating: 6 })],
      ['a string sent as a number (comment)', () => ({ comment: 5 })],
      ['an array for a number (rating)', () => ({ rating: [5] })],
      ['a comment of 2001 characters', () => ({ comment: 'x'.repeat(2001) })],
    ],
  },
  {
    route: 'POST /api/v1/cases/:reference/reopen',
    url: followUpUrl(() => reopenable, 'reopen'),
    valid: () => ({ pin: reopenable.pin, reason: 'The passport was not there' }),
    required: ['pin', 'reason'],
    textField: 'reason',
    wrong: [
      ['a string sent as a number (reason)', () => ({ reason: 42 })],
      ['a string sent as a number (pin)', () => ({ pin: Number(reopenable.pin) })],
      ['an object for a string (reason)', () => ({ reason: { why: 'x' } })],
      ['a reason of 2001 characters', () => ({ reason: 'x'.repeat(2001) })],
    ],
  },
  {
    route: 'POST /api/v1/cases/:reference/withdraw',
    url: followUpUrl(() => withdrawable, 'withdraw'),
    valid: () => ({ pin: withdrawable.pin, reason: 'Sorted out at the counter' }),
    required: ['pin'],
    textField: 'reason',
    wrong: [
      ['a string sent as a number (reason)', () => ({ reason: 42 })],
      ['a string sent as a number (pin)', () => ({ pin: Number(withdrawable.pin) })],
      ['an array for a string (pin)', () => ({ pin: [withdrawable.pin] })],
      ['a reason of 2001 characters', () => ({ reason: 'x'.repeat(2001) })],
    ],
  },
  {
    route: 'POST /api/v1/auth/login',
    url: () => '/api/v1/auth/login',
    valid: () => ({ email: officer.email, password: 'not the password at all' }),
    required: ['email', 'password'],
    textField: 'email',
    wrong: [
      ['a string sent as a number (email)', () => ({ email: 42 })],
      ['an array for a string (password)', () => ({ password: ['secret'] })],
      ['a string sent as a number (totpCode)', () => ({ totpCode: 123456 })],
      ['a TOTP code of five digits', () => ({ totpCode: '12345' })],
      ['an object for a string (email)', () => ({ email: { address: officer.email } })],
      ['an e-mail address of 255 characters', () => ({ email: `${'a'.repeat(243)}@example.com` })],
    ],
  },
];

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

for (const route of POSTS) {
  describe(route.route, () => {
    for (const field of route.required) {
      test(`without ${field} is refused as invalid_input naming ${field}`, async () => {
        const { [field]: _dropped, ...body } = route.valid();
        const response = await post(route.url(), body);
        assertCleanError(response, 400, 'invalid_input');
        assertNamesField(response, field);
      });
    }

    test('with an empty object is refused as invalid_input naming every required field', async () => {
      const response = await post(route.url(), {});
      assertCleanError(response, 400, 'invalid_input');
      for (const field of route.required) assertNamesField(response, field);
    });

    test('with an unknown field is refused as invalid_input naming it', async () => {
      const response = await post(route.url(), { ...route.valid(), shoeSize: 42 });
      assertCleanError(response, 400, 'invalid_input');
      assertNamesField(response, 'shoeSize');
    });

    for (const [what, change] of route.wrong) {
      test(`with ${what} is refused as invalid_input`, async () => {
        const response = await post(route.url(), { ...route.valid(), ...(change() as Payload) });
        assertCleanError(response, 400, 'invalid_input');
      });
    }

    test(`with a NUL character in ${route.textField} is refused as invalid_input, not a server error`, async () => {
      const body = route.valid();
      const response = await post(route.url(), { ...body, [route.textField]: 'Line one\u0000line two' });
      assertCleanError(response, 400, 'invalid_input');
    });

    test('with an array for the whole body is refused as invalid_input', async () => {
      assertCleanError(await post(route.url(), [route.valid()]), 400, 'invalid_input');
    });

    test('with JSON null for the body is refused as invalid_input', async () => {
      assertCleanError(await post(route.url(), 'null'), 400, 'invalid_input');
    });

    test('with malformed JSON is refused as malformed_json', async () => {
      assertCleanError(await post(route.url(), '{"type": '), 400, 'malformed_json');
    });

    test('with an empty JSON body is refused as malformed_json', async () => {
      assertCleanError(await post(route.url(), ''), 400, 'malformed_json');
    });

    test('with no body and no content type is refused as invalid_input', async () => {
      const response = await ctx.app.inject({ method: 'POST', url: route.url() });
      assertCleanError(response, 400, 'invalid_input');
    });

    test('with a body of 300 KB is refused as payload_too_large (413)', async () => {
      const response = await post(route.url(), {
        ...route.valid(),
        [route.textField]: 'x'.repeat(300 * 1024),
      });
      assertCleanError(response, 413, 'payload_too_large');
    });

    test('with a text/plain body is refused as unsupported_media_type (415), as docs/api.md says', async () => {
      const response = await post(route.url(), JSON.stringify(route.valid()), {
        'content-type': 'text/plain',
      });
      assertCleanError(response, 415, 'unsupported_media_type');
    });

    test('with an XML body is refused as unsupported_media_type (415)', async () => {
      const response = await post(route.url(), '<case><type>complaint</type></case>', {
        'content-type': 'application/xml',
      });
      assertCleanError(response, 415, 'unsupported_media_type');
    });

    test('with a form-encoded body is refused as unsupported_media_type (415)', async () => {
      const response = await post(route.url(), 'type=complaint&description=hello', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assertCleanError(response, 415, 'unsupported_media_type');
    });
  });
}

describe('references in the path', () => {
  /** The same reference with its check digit changed: a single mistyped digit. */
  const mistyped = (reference: string) => {
    const last = reference.at(-1);
    return reference.slice(0, -1) + (last === '9' ? '8' : String(Number(last) + 1));
  };
  // null: the status and code are not pinned down, only a 4xx with a known code in the documented shape.
  const BAD_REFERENCES: [string, (valid: string) => string, number | null, string | null][] = [
    ['a mistyped check digit', mistyped, 400, 'invalid_reference'],
    ['a 0 in it', (r) => `${r.slice(0, 3)}0${r.slice(4)}`, 400, 'invalid_reference'],
    ['a 1 in it', (r) => `${r.slice(0, 5)}1${r.slice(6)}`, 400, 'invalid_reference'],
    ['ten digits (too short)', (r) => r.slice(0, 10), 400, 'invalid_reference'],
    ['four digits', (r) => r.slice(0, 4), 400, 'invalid_reference'],
    ['twelve digits (too long)', (r) => `${r}2`, 400, 'invalid_reference'],
    ['letters', () => 'ABCD-EFGH-IJK', 400, 'invalid_reference'],
    ['41 characters', () => '2'.repeat(41), 400, 'invalid_input'],
    // Beyond Fastify's maxParamLength (100) and a URL that cannot be decoded: both fail in the router.
    ['150 digits', () => '2'.repeat(150), null, null],
    ['broken percent-encoding', () => '%E0%A4%A', null, null],
  ];
  // A valid body for each follow-up, so the reference is the only thing wrong.
  const FOLLOW_UPS: Record<string, Payload> = {
    replies: { message: 'More detail' },
    rating: { rating: 5 },
    reopen: { reason: 'Not fixed' },
    withdraw: {},
  };
  type Request = { method: 'GET' | 'POST'; url: string; payload?: Payload };
  const ROUTES: [string, (ref: string) => Request][] = [
    ['GET /api/v1/cases/:reference', (ref) => ({ method: 'GET', url: `/api/v1/cases/${ref}` })],
    ...Object.entries(FOLLOW_UPS).map(([path, body]): [string, (ref: string) => Request] => [
      `POST /api/v1/cases/:reference/${path}`,
      (ref) => ({
        method: 'POST',
        url: `/api/v1/cases/${ref}/${path}`,
        payload: { pin: openCase.pin, ...body },
      }),
    ]),
  ];

  for (const [route, request] of ROUTES) {
    describe(route, () => {
      for (const [what, make, status, code] of BAD_REFERENCES) {
        const answer = status ? `${status} ${code}` : 'a 4xx in the documented error shape';
        test(`with ${what} answers ${answer}`, async () => {
          const response = await ctx.app.inject(request(make(openCase.reference)));
          if (status && code) assertCleanError(response, status, code);
          else assertCleanError(response, response.statusCode, response.json().error?.code);
        });
      }
    });
  }

  test('a well-formed reference that does not exist is not found when tracked', async () => {
    let missing = generateReference();
    while (missing === openCase.reference) missing = generateReference();
    const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${missing}` });
    assertCleanError(response, 404, 'not_found');
  });

  test('a follow-up on a reference that does not exist answers like a wrong PIN, so references cannot be probed', async () => {
    let missing = generateReference();
    while (missing === openCase.reference) missing = generateReference();
    const wrongPin = openCase.pin === '123456' ? '654321' : '123456';
    const bodies: Record<string, Payload> = { replies: { message: 'Hello there' }, withdraw: {} };
    for (const [path, body] of Object.entries(bodies)) {
      const absent = await post(`/api/v1/cases/${missing}/${path}`, { pin: '123456', ...body });
      const mismatched = await post(`/api/v1/cases/${openCase.reference}/${path}`, {
        pin: wrongPin,
        ...body,
      });
      assertCleanError(absent, 403, 'forbidden');
      assertCleanError(mismatched, 403, 'forbidden');
      assert.deepEqual(absent.json(), mismatched.json());
    }
  });

  test('formatted references (dashes, spaces) are read as the same case', async () => {
    const r = openCase.reference;
    for (const typed of [
      `${r.slice(0, 4)}-${r.slice(4, 8)}-${r.slice(8)}`,
      `${r.slice(0, 4)}%20${r.slice(4)}`,
    ]) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${typed}` });
      assert.equal(response.statusCode, 200, `${typed}: ${response.body}`);
      assert.equal(response.json().reference, r);
    }
  });
});

describe('tracking a case', () => {
  const track = (query = '', headers: Record<string, string> = {}, reference = anonymousCase.reference) =>
    ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${reference}${query}`, headers });

  test('an anonymous case without its PIN is unauthenticated', async () => {
    assertCleanError(await track(), 401, 'unauthenticated');
  });

  test('an anonymous case with the wrong PIN is forbidden', async () => {
    const wrong = anonymousCase.pin === '123456' ? '654321' : '123456';
    assertCleanError(await track('', { 'x-tracking-pin': wrong }), 403, 'forbidden');
    assertCleanError(await track(`?pin=${wrong}`), 403, 'forbidden');
  });

  const BAD: [string, string, Record<string, string>][] = [
    ['a PIN of letters in the header', '', { 'x-tracking-pin': 'abcdef' }],
    ['a PIN of letters in the query', '?pin=abcdef', {}],
    ['a PIN of seven digits', '?pin=1234567', {}],
    ['the PIN twice in the query', '?pin=123456&pin=234567', {}],
    ['an unknown language', '?lang=fr', {}],
    ['an unknown query parameter', '?format=xml', {}],
  ];
  for (const [what, query, headers] of BAD) {
    test(`with ${what} is refused as invalid_input`, async () => {
      assertCleanError(await track(query, headers), 400, 'invalid_input');
    });
  }

  test('a mistyped reference is explained in Kiswahili to who asks in Kiswahili', async () => {
    const r = openCase.reference;
    const bad = r.slice(0, -1) + (r.at(-1) === '9' ? '8' : String(Number(r.at(-1)) + 1));
    for (const ask of [
      { headers: { 'accept-language': 'sw' }, query: '' },
      { headers: {}, query: '?lang=sw' },
    ]) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${bad}${ask.query}`,
        headers: ask.headers,
      });
      assertCleanError(response, 400, 'invalid_reference');
      assert.equal(response.json().error.message, sw.errors.reference_check);
    }
    const followUp = await post(
      `/api/v1/cases/${bad}/withdraw`,
      { pin: openCase.pin },
      { 'accept-language': 'sw' },
    );
    assertCleanError(followUp, 400, 'invalid_reference');
    assert.equal(followUp.json().error.message, sw.errors.reference_check);
    const english = await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${bad}` });
    assert.notEqual(english.json().error.message, sw.errors.reference_check);
  });
});

describe('signing in', () => {
  test('a wrong password is unauthenticated, in the documented shape', async () => {
    const response = await post('/api/v1/auth/login', { email: officer.email, password: 'definitely wrong' });
    assertCleanError(response, 401, 'unauthenticated');
  });

  test('an unknown e-mail address answers exactly like a wrong password', async () => {
    const unknown = await post('/api/v1/auth/login', {
      email: 'nobody@example.go.ke',
      password: 'definitely wrong',
    });
    const wrong = await post('/api/v1/auth/login', { email: officer.email, password: 'definitely wrong' });
    assertCleanError(unknown, 401, 'unauthenticated');
    assert.deepEqual(unknown.json(), wrong.json());
  });
});

describe('phone numbers', () => {
  const detail = async (reference: string) => {
    const response = await asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases/${reference}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };

  const KENYAN: [string, string][] = [
    ['0712345678', '+254712345678'],
    ['712345678', '+254712345678'],
    ['254712345678', '+254712345678'],
    ['+254 712 345 678', '+254712345678'],
    ['(+254) 712-345-678', '+254712345678'],
    ['0110123456', '+254110123456'],
  ];
  for (const [typed, stored] of KENYAN) {
    test(`"${typed}" is accepted and stored as ${stored}`, async () => {
      const kase = await submitCase(ctx, { citizen: { name: 'Wanjiku Kamau', phone: typed } });
      assert.equal((await detail(kase.reference)).citizen.phone, stored);
    });
  }

  test('a valid number of another country (Tanzania, +255) is accepted as it is, since it can be reached', async () => {
    // normalise-phone.ts: national forms are read as Kenyan; a number valid anywhere is kept.
    const kase = await submitCase(ctx, { citizen: { name: 'Juma', phone: '+255712345678' } });
    assert.equal((await detail(kase.reference)).citizen.phone, '+255712345678');
  });

  for (const typed of ['12345', '0712', '+254 712', '07123456789012']) {
    test(`"${typed}" is refused as invalid_input naming citizen.phone`, async () => {
      const response = await post('/api/v1/cases', {
        type: 'complaint',
        description: 'My ID card has not been issued',
        citizen: { phone: typed },
      });
      assertCleanError(response, 400, 'invalid_input');
      assertNamesField(response, 'citizen.phone');
    });
  }
});

describe('staff queue filters and notes (found while here)', () => {
  const list = (query: string) => asStaff(ctx, officer.cookie, 'GET', `/api/v1/staff/cases${query}`);

  test('an assignee that has the shape of an id but is not a UUID is refused as invalid_input', async () => {
    for (const assignee of ['0'.repeat(36), '-'.repeat(36)]) {
      assertCleanError(await list(`?assignee=${assignee}`), 400, 'invalid_input');
    }
  });

  test('a paging cursor Baraza did not give out is refused as invalid_input, whatever is inside it', async () => {
    const forged = Buffer.from(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`).toString('base64url');
    assertCleanError(await list(`?cursor=${forged}`), 400, 'invalid_input');
    assertCleanError(await list('?cursor=garbage'), 400, 'invalid_input');
  });

  test('a NUL character in a search or a note is refused as invalid_input, not a server error', async () => {
    assertCleanError(await list('?q=passport%00office'), 400, 'invalid_input');
    const note = await asStaff(
      ctx,
      officer.cookie,
      'POST',
      `/api/v1/staff/cases/${openCase.reference}/notes`,
      {
        message: 'Line one\u0000line two',
      },
    );
    assertCleanError(note, 400, 'invalid_input');
  });
});

describe('sanity: the valid bodies used above are accepted', () => {
  // Without this, every refusal above could be a refusal of a broken "valid" body.
  test('a description of exactly 5000 characters is accepted', async () => {
    const response = await post('/api/v1/cases', {
      type: 'complaint',
      description: 'x'.repeat(5000),
      anonymous: true,
    });
    assert.equal(response.statusCode, 201, response.body);
  });

  test('the valid submission and reply are accepted', async () => {
    const submitted = await post('/api/v1/cases', (POSTS[0] as PublicPost).valid());
    assert.equal(submitted.statusCode, 201, submitted.body);
    const replied = await post(
      `/api/v1/cases/${openCase.reference}/replies`,
      (POSTS[1] as PublicPost).valid(),
    );
    assert.equal(replied.statusCode, 200, replied.body);
  });
});
