import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

test('with nothing set, SMS go to the local gateway and the portal shows the default USSD code and SMS number', () => {
  const config = loadConfig({});
  assert.deepEqual(config.sms, { provider: 'local' });
  assert.deepEqual(config.portal, { ussdCode: '*384*2020#', smsNumber: '20202' });
});

test('the USSD code, SMS number and SMS gateway can be set, and every wrong one is named at once', () => {
  const config = loadConfig({
    BARAZA_USSD_CODE: '*483*7#',
    BARAZA_SMS_NUMBER: '22840',
    BARAZA_SMS_PROVIDER: 'local',
  });
  assert.deepEqual(config.portal, { ussdCode: '*483*7#', smsNumber: '22840' });

  const problems = problemsOf({
    BARAZA_USSD_CODE: '384*2020',
    BARAZA_SMS_NUMBER: '20 20',
    BARAZA_SMS_PROVIDER: 'carrier-pigeon',
  });
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems.join('\n'), /BARAZA_USSD_CODE must look like \*384\*2020#/);
  assert.match(problems.join('\n'), /BARAZA_SMS_NUMBER must be 3 to 15 digits/);
  assert.match(problems.join('\n'), /BARAZA_SMS_PROVIDER must be one of local/);
  for (const bad of ['*#', '*384*#', '#384#', '*38a4#']) {
    assert.equal(problemsOf({ BARAZA_USSD_CODE: bad }).length, 1, bad);
  }
  for (const bad of ['12', '1234567890123456', '+20202']) {
    assert.equal(problemsOf({ BARAZA_SMS_NUMBER: bad }).length, 1, bad);
  }
});
