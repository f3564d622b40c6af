import { advise } from '../../src/advisor/advise.js';
import type { Advice } from '../../src/advisor/advice.js';
import { ProfileSchema, type ProfileInput } from '../../src/advisor/profile.js';
import { resolveWork, type Work } from '../../src/advisor/work.js';

/** Advice straight from the domain, for tests of the model without HTTP. */
export function adviceFor(input: ProfileInput, defaultCores = 2): Advice {
  return advise(ProfileSchema.parse(input), { defaultCores });
}

export function estimateOf(advice: Advice, model: Advice['recommendation']['model']) {
  const estimate = advice.estimates.find((e) => e.model === model);
  if (!estimate) throw new Error(`no ${model} estimate`);
  return estimate;
}

/** A profile resolved for the model: 100 tasks of 10 ms CPU on 4 cores, changed by `input`. */
export function workFor(input: Partial<ProfileInput>): Work {
  return resolveWork(ProfileSchema.parse({ tasks: 100, cpuMsPerTask: 10, waitMsPerTask: 0, cores: 4, ...input }), 4);
}
