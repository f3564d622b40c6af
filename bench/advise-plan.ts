import { readFileSync } from 'node:fs';
import { advise } from '../src/advisor/advise.js';
import { ProfileSchema } from '../src/advisor/profile.js';

/** Reads one profile as JSON on stdin and prints the advised plan: how bench/python/harness.py asks the advisor. */
const profile = ProfileSchema.parse(JSON.parse(readFileSync(0, 'utf8')));
const { recommendation } = advise(profile, { defaultCores: profile.cores ?? 1 });
console.log(JSON.stringify(recommendation));
