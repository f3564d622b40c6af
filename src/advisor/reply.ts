import { advise } from './advise.js';
import type { ExecutionModel } from './plan.js';
import type { Profile } from './profile.js';

/** What one task on the advice pool carries: validated profiles and the server's default cores. */
export interface AdviceTask {
  profiles: Profile[];
  defaultCores: number;
}

/** One profile's advice as it goes on the wire, with the model it recommends (for the metrics). */
export interface AdviceReply {
  body: string;
  model: ExecutionModel;
}

/**
 * The advice, serialised once. `advise` builds its reply to AdviceSchema's type, so it is written with
 * JSON.stringify rather than encoded through the schema first (67 us a reply, then stringified anyway);
 * the regression corpus and the contract tests hold the replies to the schema instead.
 */
export function adviceReply(profile: Profile, defaultCores: number): AdviceReply {
  const advice = advise(profile, { defaultCores });
  const body = JSON.stringify(advice);
  return { body, model: advice.recommendation.model };
}
