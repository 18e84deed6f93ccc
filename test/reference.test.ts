import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatReference,
  generateReference,
  parseReference,
  REFERENCE_LENGTH,
} from '../src/core/cases/reference.ts';
import { AppError } from '../src/core/errors.ts';

const DIGITS = '23456789';

test('a generated reference is 11 digits from 2-9 and parses back to itself', () => {
  for (let i = 0; i < 1000; i++) {
    const ref = generateReference();
    assert.match(ref, /^[2-9]{11}$/);
    assert.equal(parseReference(ref), ref);
    assert.equal(parseReference(formatReference(ref)), ref);
  }
});

test('a reference is read the way people type it: spaces, dashes and dots are ignored', () => {
  const ref = generateReference();
  const spaced = `${ref.slice(0, 3)} ${ref.slice(3, 7)}.${ref.slice(7)}`;
  assert.equal(parseReference(` ${spaced} `), ref);
  assert.equal(formatReference(ref).length, REFERENCE_LENGTH + 2);
});

test('every single mistyped digit is caught by the check digit', () => {
  for (let n = 0; n < 200; n++) {
    const ref = generateReference();
    for (let i = 0; i < ref.length; i++) {
      for (const d of DIGITS) {
        if (d === ref[i]) continue;
        const typo = ref.slice(0, i) + d + ref.slice(i + 1);
        assert.throws(
          () => parseReference(typo),
          (e: unknown) => e instanceof AppError && e.code === 'invalid_reference',
        );
      }
    }
  }
});

test('every swap of two neighbouring different digits is caught', () => {
  for (let n = 0; n < 500; n++) {
    const ref = generateReference();
    for (let i = 0; i < ref.length - 1; i++) {
      if (ref[i] === ref[i + 1]) continue;
      const swapped = ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2);
      assert.throws(() => parseReference(swapped), /typing mistake/);
    }
  }
});

test('a reference with 0, 1, letters or the wrong length gets a specific reason', () => {
  assert.throws(() => parseReference('4827-3925-64'), /has 11 digits; this one has 10/);
  assert.throws(() => parseReference('4827-3925-6401'), /this one has 12/);
  assert.throws(() => parseReference('4827-3925-610'), /never contains 0 or 1/);
  assert.throws(() => parseReference('48O7-3925-648'), /only digits/);
});
