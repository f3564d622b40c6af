import { advise } from '../../../src/advisor/advise.js';
import type { Advice } from '../../../src/advisor/advice.js';
import { ProfileSchema, type ProfileInput } from '../../../src/advisor/profile.js';
import { CORPUS_DEFAULT_CORES, CORPUS_SEED, corpusProfiles } from './profiles.js';

export interface CorpusEntry {
  profile: ProfileInput;
  advice: Advice;
}

export interface Corpus {
  seed: number;
  defaultCores: number;
  entries: CorpusEntry[];
}

export function adviceOf(profile: ProfileInput): Advice {
  return advise(ProfileSchema.parse(profile), { defaultCores: CORPUS_DEFAULT_CORES });
}

/** The corpus as the model answers it today. */
export function buildCorpus(): Corpus {
  return {
    seed: CORPUS_SEED,
    defaultCores: CORPUS_DEFAULT_CORES,
    entries: corpusProfiles().map((profile) => ({ profile, advice: adviceOf(profile) })),
  };
}

/** Pretty-printed, one field a line, so that a change of advice reads as a diff of the fields it moved. */
export function corpusText(corpus: Corpus): string {
  return `${JSON.stringify(corpus, null, 1)}\n`;
}
