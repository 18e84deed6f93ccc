import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

/*
 * The command-line contract other tools rely on (docs/triage.md): `npx baraza triage predict`,
 * `train` and `evaluate`, run as those tools run them, as a separate process.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baraza-triage-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// No database is needed: point the CLI at an empty data directory so it never opens the developer's.
const env = { ...process.env, BARAZA_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };

function baraza(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('triage predict', () => {
  test('writes one JSON line per input line with the agency, type, urgency, priority, language and confidence', async () => {
    const input = [
      { id: 'a', text: 'Nimeshindwa kufile nil returns kwa iTax, PIN yangu ina shida' },
      {
        id: 'b',
        text: 'My passport has been ready for collection for a month but Nyayo House keeps sending me away',
      },
      { id: 'c', text: 'Mtoto wangu amepotea tangu jana jioni, tafadhali polisi msaidie' },
      { id: 7, text: 'Hakuna maji kwa estate yetu wiki mbili sasa, county haijibu' },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const result = await baraza(['triage', 'predict'], `${input}\n`);
    assert.equal(result.code, 0, result.stderr);
    const out = lines(result.stdout);
    assert.deepEqual(
      out.map((o) => o.id),
      ['a', 'b', 'c', '7'],
    );
    for (const o of out) {
      assert.deepEqual(Object.keys(o).sort(), [
        'agency',
        'confidence',
        'id',
        'language',
        'priority',
        'type',
        'urgent',
      ]);
      assert.ok(['KRA', 'DIS', 'BRS', 'NPS', 'MOH', 'OTHER'].includes(o.agency as string));
      assert.ok((o.confidence as number) >= 0 && (o.confidence as number) <= 1);
    }
    assert.equal(out[0]?.agency, 'KRA');
    assert.equal(out[1]?.agency, 'DIS');
    assert.equal(out[2]?.agency, 'NPS');
    assert.equal(out[2]?.urgent, true);
    assert.equal(out[2]?.priority, 'P1');
    assert.equal(out[3]?.agency, 'OTHER');
  });

  test('an empty line and invalid JSON are reported with their line numbers; the good lines are still answered', async () => {
    const input = [
      '{"id":"1","text":"KRA refund delayed"}',
      '',
      '{"id":"3","text":',
      '{"id":"4"}',
      '{"id":"5","text":"pasipoti"}',
    ].join('\n');
    const result = await baraza(['triage', 'predict'], `${input}\n`);
    assert.equal(result.code, 1);
    assert.deepEqual(
      lines(result.stdout).map((o) => o.id),
      ['1', '5'],
    );
    assert.match(result.stderr, /line 2: empty line/);
    assert.match(result.stderr, /line 3: invalid JSON/);
    assert.match(result.stderr, /line 4: "text" is missing/);
    assert.match(result.stderr, /3 of 5 lines could not be read/);
  });

  test('a file that is not a model is refused with a clear message', async () => {
    const notAModel = path.join(dir, 'not-a-model.brzt');
    fs.writeFileSync(notAModel, 'hello');
    const result = await baraza(['triage', 'predict', '--model', notAModel], '{"id":"1","text":"x"}\n');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not a Baraza triage model/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
  });
});

describe('triage train and evaluate on any label set', () => {
  const csv = path.join(dir, 'water.csv');
  const modelPath = path.join(dir, 'water.brzt');
  const rows = [
    ['billing', 'My water bill is far too high this month'],
    ['billing', 'Nimeletewa bill ya maji kubwa sana'],
    ['billing', 'Why was I charged twice for water'],
    ['billing', 'The meter reading on my bill is wrong'],
    ['billing', 'bill ya maji imekuja mara mbili'],
    ['supply', 'There has been no water in our estate for a week'],
    ['supply', 'Hakuna maji kwa bomba tangu jumatatu'],
    ['supply', 'The taps are dry again in Kayole'],
    ['supply', 'Maji hayatoki kabisa, tumekaa siku tano'],
    ['supply', 'No water supply since Monday in our area'],
    ['leak', 'A pipe has burst and water is flooding the road'],
    ['leak', 'Bomba limepasuka karibu na shule'],
    ['leak', 'There is a leaking main wasting water near the market'],
    ['leak', 'Maji yanavuja barabarani tangu jana'],
    ['leak', 'Burst pipe outside my gate pouring water'],
  ];

  test('trains from a CSV with text and label columns, then predicts {"id","label","confidence"}', async () => {
    fs.writeFileSync(csv, `text,label\n${rows.map(([label, text]) => `"${text}",${label}`).join('\n')}\n`);
    const trained = await baraza(['triage', 'train', '--input', csv, '--out', modelPath]);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /label: billing, leak, supply/);
    const predicted = await baraza(
      ['triage', 'predict', '--model', modelPath],
      '{"id":"x","text":"my water bill is wrong"}\n{"id":"y","text":"bomba limepasuka"}\n',
    );
    assert.equal(predicted.code, 0, predicted.stderr);
    const out = lines(predicted.stdout);
    assert.deepEqual(Object.keys(out[0] ?? {}).sort(), ['confidence', 'id', 'label']);
    assert.equal(out[0]?.label, 'billing');
    assert.equal(out[1]?.label, 'leak');
  });

  test('evaluate prints accuracy, macro-F1, per-class precision and recall and the confusion matrix', async () => {
    const result = await baraza(['triage', 'evaluate', '--input', csv, '--model', modelPath]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /label: 15 examples, accuracy \d\.\d{3}, macro-F1 \d\.\d{3}/);
    assert.match(result.stdout, /class\s+precision\s+recall\s+f1\s+support/);
    assert.match(result.stdout, /confusion \(rows: true, columns: predicted\)/);
  });

  test('evaluate names the line of a label the model does not know', async () => {
    const unknown = path.join(dir, 'unknown.jsonl');
    fs.writeFileSync(
      unknown,
      '{"text":"bill too high","label":"billing"}\n{"text":"rude staff","label":"conduct"}\n',
    );
    const result = await baraza(['triage', 'evaluate', '--input', unknown, '--model', modelPath]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /unknown\.jsonl, line 2: unknown label "conduct"; the model knows billing, leak, supply/,
    );
  });

  test('train names the line with bad input: an empty line, invalid JSON, a missing label', async () => {
    const cases: [string, RegExp][] = [
      ['{"text":"a","label":"x"}\n\n{"text":"b","label":"y"}\n', /line 2: empty line/],
      ['{"text":"a","label":"x"}\n{"text":"b", label:"y"}\n', /line 2: invalid JSON/],
      ['{"text":"a","label":"x"}\n{"text":"b"}\n', /line 2: no label/],
      ['{"text":"a","label":"x"}\n{"text":"","label":"y"}\n', /line 2: "text" is missing or empty/],
    ];
    for (const [content, expected] of cases) {
      const file = path.join(dir, 'bad.jsonl');
      fs.writeFileSync(file, content);
      const result = await baraza(['triage', 'train', '--input', file, '--out', path.join(dir, 'bad.brzt')]);
      assert.equal(result.code, 1, content);
      assert.match(result.stderr, expected);
      assert.ok(!fs.existsSync(path.join(dir, 'bad.brzt')), 'no model is written from bad input');
    }
  });

  test('a CSV without a text column is refused, naming the columns it has', async () => {
    const file = path.join(dir, 'columns.csv');
    fs.writeFileSync(file, 'message,label\nhello,x\n');
    const result = await baraza(['triage', 'train', '--input', file, '--out', path.join(dir, 'c.brzt')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /line 1: the header needs a "text" column; it has message, label/);
  });

  test('a missing input file is a clear error', async () => {
    const result = await baraza([
      'triage',
      'train',
      '--input',
      path.join(dir, 'nope.csv'),
      '--out',
      path.join(dir, 'n.brzt'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot read .*nope\.csv: ENOENT/);
  });
});
