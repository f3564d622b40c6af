import { writeFile } from 'node:fs/promises';
import { buildCorpus, corpusText } from './corpus.js';
import { CORPUS_PATH } from './profiles.js';

/**
 * `npm run corpus:update`: rewrites the regression corpus from the model as it is. Run it when a change of
 * advice is meant, and read the diff before committing it: every field it moves is a reply that changed.
 */
const corpus = buildCorpus();
await writeFile(CORPUS_PATH, corpusText(corpus));
console.log(`wrote ${CORPUS_PATH}: ${corpus.entries.length} profiles with their advice`);
