import { setPriority } from 'node:os';
import { adviceReply, type AdviceReply, type AdviceTask } from '../src/advisor/reply.js';

/** Below the server's main thread (0), so /health and single profiles win the cores; above the sample jobs' pools (10). */
const ADVICE_WORKER_NICENESS = 5;
setPriority(ADVICE_WORKER_NICENESS);

/** Piscina entry for the advice pool: the replies of validated profiles, computed off the event loop. */
export default function adviceTask({ profiles, defaultCores }: AdviceTask): AdviceReply[] {
  return profiles.map((profile) => adviceReply(profile, defaultCores));
}
