import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePhone } from '../src/core/citizens/normalise-phone.ts';

test('Kenyan numbers in every common shape become E.164', () => {
  const shapes: [string, string][] = [
    ['0712345678', '+254712345678'],
    ['712345678', '+254712345678'],
    ['254712345678', '+254712345678'],
    ['+254712345678', '+254712345678'],
    ['+254 712 345 678', '+254712345678'],
    ['(+254) 712-345-678', '+254712345678'],
    ['0110123456', '+254110123456'],
    ['+254110123456', '+254110123456'],
    ['0203214000', '+254203214000'],
  ];
  for (const [input, expected] of shapes) assert.equal(normalisePhone(input), expected, input);
});

test('numbers that are not valid are refused with the reason', () => {
  for (const input of ['12345', '0712', '07123456789', 'not a phone', '0800123']) {
    assert.throws(() => normalisePhone(input), /phone/, input);
  }
});

test('a valid foreign number in international form is kept, not forced into Kenya', () => {
  assert.equal(normalisePhone('+255 754 123 456'), '+255754123456');
});
