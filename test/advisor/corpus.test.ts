import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AdviceSchema } from '../../src/advisor/advice.js';
import { adviceOf, type Corpus } from './corpus/corpus.js';
import { CORPUS_DEFAULT_CORES, CORPUS_PATH, CORPUS_SEED, corpusProfiles } from './corpus/profiles.js';

/**
 * The regression corpus: a few hundred generated profiles with the advice the model gave them when the
 * corpus was last written. A change of advice fails here until it is made on purpose with
 * `npm run corpus:update`, and its diff shows every reply it moved.
 */
const corpus = JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as Corpus;
const HOW_TO_UPDATE = 'if the change of advice is meant, run `npm run corpus:update` and review the diff';

/** The first place two JSON values differ, as a dotted path with both values. */
function firstDifference(actual: unknown, expected: unknown, path = ''): string | undefined {
  if (typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null) {
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])];
    for (const key of keys) {
      const found = firstDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    // Same values in another order.
    return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : `${path || 'the reply'}: keys in another order`;
  }
  return Object.is(actual, expected) ? undefined : `${path}: ${JSON.stringify(actual)} (corpus: ${JSON.stringify(expected)})`;
}

test('the corpus holds the profiles its seed draws (else the generator or fast-check changed)', () => {
  assert.equal(corpus.seed, CORPUS_SEED);
  assert.equal(corpus.defaultCores, CORPUS_DEFAULT_CORES);
  assert.deepEqual(
    corpus.entries.map((entry) => entry.profile),
    corpusProfiles(),
    `the corpus's profiles are not the ones drawn today: ${HOW_TO_UPDATE}`,
  );
});

test('every profile of the corpus gets the advice recorded for it, byte for byte', () => {
  const changed: string[] = [];
  for (const [index, { profile, advice: recorded }] of corpus.entries.entries()) {
    const advice = adviceOf(profile);
    if (JSON.stringify(advice) !== JSON.stringify(recorded)) {
      changed.push(`#${index} ${JSON.stringify(profile)}\n    ${firstDifference(advice, recorded)}`);
    }
  }
  assert.equal(changed.length, 0, `${changed.length} of ${corpus.entries.length} replies changed; the first:\n  ${changed.slice(0, 5).join('\n  ')}\n${HOW_TO_UPDATE}`);
});

test('every recorded reply matches the documented reply schema', () => {
  // The hot path writes the reply without re-encoding it through the schema, so the schema is held to it here.
  for (const { advice } of corpus.entries) assert.deepEqual(AdviceSchema.parse(advice), advice);
});
