import { setPriority } from 'node:os';
import { ADVICE_WORKER_NICENESS, type AdviceTask } from '../src/http/advice-service.js';
import { adviceReply, type AdviceReply } from '../src/http/advice-reply.js';

// Below the server's main thread, so /health and single profiles win the cores; above the sample jobs' pools.
setPriority(ADVICE_WORKER_NICENESS);

/** Piscina entry for the advice pool: the replies of validated profiles, computed off the event loop. */
export default function adviceTask({ profiles, defaultCores }: AdviceTask): AdviceReply[] {
  return profiles.map((profile) => adviceReply(profile, defaultCores));
}
