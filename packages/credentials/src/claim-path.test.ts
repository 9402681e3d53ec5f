import { describe, expect, test } from 'vitest';
import { catchHaven } from '../test/helpers.js';
import { assertClaimPath, claimPathCovers, formatClaimPath, isClaimPath } from './claim-path.js';

describe('claim path coverage (allowed → requested)', () => {
  test('an equal path is covered', () => {
    expect(claimPathCovers(['given_name'], ['given_name'])).toBe(true);
  });

  test('an allowed parent covers its children', () => {
    expect(claimPathCovers(['workplace'], ['workplace', 'locality'])).toBe(true);
    expect(claimPathCovers(['nationalities'], ['nationalities', null])).toBe(true);
  });

  test('an allowed child does not cover its parent (the siblings would come along)', () => {
    expect(claimPathCovers(['workplace', 'locality'], ['workplace'])).toBe(false);
  });

  test('an allowed null covers any index and null', () => {
    expect(claimPathCovers(['nationalities', null], ['nationalities', 0])).toBe(true);
    expect(claimPathCovers(['nationalities', null], ['nationalities', 3])).toBe(true);
    expect(claimPathCovers(['nationalities', null], ['nationalities', null])).toBe(true);
  });

  test('a requested null (every element) is covered only by an allowed null', () => {
    expect(claimPathCovers(['nationalities', 0], ['nationalities', null])).toBe(false);
  });

  test('an allowed null does not cover an object member name', () => {
    expect(claimPathCovers(['workplace', null], ['workplace', 'locality'])).toBe(false);
  });

  test('an allowed index covers only the same index', () => {
    expect(claimPathCovers(['nationalities', 0], ['nationalities', 0])).toBe(true);
    expect(claimPathCovers(['nationalities', 0], ['nationalities', 1])).toBe(false);
  });

  test('a different name is not covered, whatever its prefix', () => {
    expect(claimPathCovers(['age_over_18'], ['age_over_16'])).toBe(false);
    expect(claimPathCovers(['wage'], ['wage_meets_legal_minimum'])).toBe(false);
  });

  test('an empty allowed path covers nothing', () => {
    expect(claimPathCovers([], ['given_name'])).toBe(false);
  });
});

describe('claim path syntax (DCQL / Type Metadata §"Claim Path")', () => {
  test.each([[['a']], [['a', 0, null, 'b']]])('%j is a claim path', (path) => {
    expect(isClaimPath(path)).toBe(true);
  });

  test.each([
    [[]],
    [['a', -1]],
    [['a', 1.5]],
    [[true]],
    [[{}]],
    ['a'],
    [null],
    [Array(17).fill('a')],
    [['']],
  ])('%j is not a claim path', (path) => {
    expect(isClaimPath(path)).toBe(false);
    catchHaven(() => assertClaimPath(path), 'CLAIM_PATH_INVALID');
  });

  test('formatClaimPath is JSON text that parses back', () => {
    expect(formatClaimPath(['nationalities', null])).toBe('["nationalities",null]');
    expect(JSON.parse(formatClaimPath(['wage', 'amount']))).toEqual(['wage', 'amount']);
  });
});
