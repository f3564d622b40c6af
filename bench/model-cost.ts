import { performance } from 'node:perf_hooks';
import { advise } from '../src/advisor/advise.js';
import { ProfileSchema, type ProfileInput } from '../src/advisor/profile.js';

/** The model's own cost per profile, in-process: the whole advise() (estimates, rationale, snippet). */
const PROFILES: Array<[string, ProfileInput]> = [
  ['io-bound, 8 cores', { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, cores: 8 }],
  ['mixed, 64 cores', { tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 64 }],
  ['workload, 1024 cores', { tasks: 1e9, workload: 'ml-training', cores: 1024 }],
  ['deadline scale-out, 1024 cores', { tasks: 1e9, cpuMsPerTask: 50, waitMsPerTask: 0, cores: 1024, deadlineMs: 60_000 }],
];

const rows = PROFILES.map(([label, input]) => {
  const profile = ProfileSchema.parse(input);
  for (let i = 0; i < 50; i++) advise(profile, { defaultCores: 2 });
  const runs = 400;
  const start = performance.now();
  for (let i = 0; i < runs; i++) advise(profile, { defaultCores: 2 });
  return { profile: label, microsecondsPerAdvice: Math.round(((performance.now() - start) / runs) * 1000) };
});
console.log(JSON.stringify(rows));
