import { createHash } from 'node:crypto';
import { advise } from '../advisor/advise.js';
import type { ExecutionModel } from '../advisor/plan.js';
import type { Profile } from '../advisor/profile.js';

/** One profile's advice as it goes on the wire, with what the route needs besides: its ETag and model. */
export interface AdviceReply {
  body: string;
  /** A strong validator: a hash of the body, so equal advice has equal tags across restarts and servers. */
  etag: string;
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
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, model: advice.recommendation.model };
}
