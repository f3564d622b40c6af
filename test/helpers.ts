import request from 'supertest';
import { buildApp, type App } from '../src/app.js';
import { advise } from '../src/advise.js';
import type { Advice } from '../src/schemas/advice.js';
import { ProfileSchema, type ProfileInput } from '../src/schemas/profile.js';

/**
 * The app as it serves, in-process, with a fixed core count so defaults do not depend on the test machine;
 * the sample pools start only when a test asks (`jobs: { startPools: true }`).
 */
export async function startApp(options: Parameters<typeof buildApp>[0] = {}): Promise<{ app: App; http: ReturnType<typeof request> }> {
  const app = await buildApp({ defaultCores: 2, ...options, jobs: { startPools: false, ...options.jobs } });
  await app.ready();
  return { app, http: request(app.server) };
}

/** Advice straight from the domain, for tests of the model without HTTP. */
export function adviceFor(input: ProfileInput, defaultCores = 2): Advice {
  return advise(ProfileSchema.parse(input), { defaultCores });
}

export function estimateOf(advice: Advice, model: Advice['recommendation']['model']) {
  const estimate = advice.estimates.find((e) => e.model === model);
  if (!estimate) throw new Error(`no ${model} estimate`);
  return estimate;
}
