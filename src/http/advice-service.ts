import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import { Counter, Gauge, type Registry } from 'prom-client';
import { COST_TABLES } from '../advisor/costs/index.js';
import type { Profile } from '../advisor/profile.js';
import { threadsLoaded } from '../jobs/thread-loading.js';
import { workerFile } from '../jobs/worker-files.js';
import { adviceReply, type AdviceReply, type AdviceTask } from '../advisor/reply.js';

/** A reply as the routes send and cache it. */
export interface CachedReply extends AdviceReply {
  /** A strong validator: a hash of the body, so equal advice has equal tags across restarts and servers. */
  etag: string;
}

function withEtag(reply: AdviceReply): CachedReply {
  return { ...reply, etag: `"${createHash('sha1').update(reply.body).digest('base64url')}"` };
}

export interface AdviceServiceOptions {
  /** Cores assumed for a profile that does not say. */
  defaultCores: number;
  /** Most replies the cache holds, and most bytes of reply and key; 0 entries turns the cache off. */
  cacheEntries: number;
  cacheBytes: number;
  /** Threads of the pool that computes batches and deadline searches. */
  threads: number;
  registry: Registry;
}

/**
 * What the serving costs are, for the cache key: the cost tables are fixed for the life of the process
 * (they change with a restart or a new calibration), and so is the default core count. Hashed once: the
 * tables' JSON is kilobytes, which every key would otherwise carry, and hash on every lookup.
 */
function servingCostsKey(defaultCores: number): string {
  return `${createHash('sha1').update(`${defaultCores}|${JSON.stringify(COST_TABLES)}`).digest('base64url')}|`;
}

/**
 * Advice as the routes serve it: from a cache of replies keyed by the canonical profile and the serving
 * costs, else computed. A profile with a deadline (whose scale-out search solves the model dozens of
 * times) and every batch are computed on a small piscina pool, so no request holds the event loop for
 * more than one cheap profile.
 */
export class AdviceService {
  readonly #defaultCores: number;
  readonly #keyPrefix: string;
  readonly #cache: LRUCache<string, CachedReply> | undefined;
  readonly #pool: Piscina<AdviceTask, AdviceReply[]>;
  readonly #threadsLoaded: () => Promise<void>;
  readonly #threads: number;
  readonly #hits: Counter.Internal;
  readonly #misses: Counter.Internal;

  constructor(options: AdviceServiceOptions) {
    this.#defaultCores = options.defaultCores;
    this.#keyPrefix = servingCostsKey(options.defaultCores);
    this.#threads = options.threads;
    this.#cache =
      options.cacheEntries > 0
        ? new LRUCache<string, CachedReply>({
            max: options.cacheEntries,
            maxSize: options.cacheBytes,
            // UTF-16 code units, twice the bytes of the ASCII the replies are almost all made of.
            sizeCalculation: (reply, key) => 2 * (reply.body.length + key.length) + reply.etag.length,
          })
        : undefined;
    // Threads start with the first request that needs them and then stay: a server that never gets a batch or a
    // deadline runs none. Each is announced once loaded, so a close waits for exactly those (thread-loading.ts).
    this.#pool = new Piscina<AdviceTask, AdviceReply[]>({
      filename: workerFile('advice'),
      minThreads: 0,
      maxThreads: options.threads,
      idleTimeout: Infinity,
    });
    this.#threadsLoaded = threadsLoaded(this.#pool);
    const registers = [options.registry];
    const lookups = new Counter({
      name: 'advice_cache_lookups_total',
      help: 'Advice looked up in the reply cache, by result (hit or miss).',
      labelNames: ['result'] as const,
      registers,
    });
    // Bound once: a labelled inc() hashes its labels object on every call.
    this.#hits = lookups.labels({ result: 'hit' });
    this.#misses = lookups.labels({ result: 'miss' });
    const cache = this.#cache;
    new Gauge({
      name: 'advice_cache_entries',
      help: 'Replies held in the advice cache.',
      registers,
      collect() {
        this.set(cache?.size ?? 0);
      },
    });
    new Gauge({
      name: 'advice_cache_bytes',
      help: 'Size of the replies and keys held in the advice cache, as the cache counts it.',
      registers,
      collect() {
        this.set(cache?.calculatedSize ?? 0);
      },
    });
  }

  /** One profile's reply: cached, else computed here, or on the pool when a deadline search may run. */
  async one(profile: Profile): Promise<CachedReply> {
    const key = this.#keyOf(profile);
    const cached = this.#lookup(key);
    if (cached) return cached;
    const reply = withEtag(profile.deadlineMs === undefined ? adviceReply(profile, this.#defaultCores) : (await this.#onPool([profile]))[0]!);
    this.#cache?.set(key, reply);
    return reply;
  }

  /** Replies of several profiles, in order: the cached ones at once, the rest on the pool, spread over its threads. */
  async many(profiles: Profile[]): Promise<CachedReply[]> {
    const keys = profiles.map((profile) => this.#keyOf(profile));
    const replies = keys.map((key) => this.#lookup(key));
    const missing = replies.flatMap((reply, index) => (reply ? [] : [index]));
    const perTask = Math.ceil(missing.length / this.#threads);
    const tasks: Promise<void>[] = [];
    for (let start = 0; start < missing.length; start += perTask) {
      const indexes = missing.slice(start, start + perTask);
      tasks.push(
        this.#onPool(indexes.map((index) => profiles[index]!)).then((computed) => {
          computed.forEach((computedReply, i) => {
            const reply = withEtag(computedReply);
            replies[indexes[i]!] = reply;
            this.#cache?.set(keys[indexes[i]!]!, reply);
          });
        }),
      );
    }
    await Promise.all(tasks);
    return replies as CachedReply[];
  }

  async close(): Promise<void> {
    await this.#threadsLoaded();
    await this.#pool.destroy();
  }

  /**
   * The profile as validated: zod writes its fields in the schema's order with defaults filled in, so
   * equal profiles give equal text however the client ordered or omitted them.
   */
  #keyOf(profile: Profile): string {
    return this.#keyPrefix + JSON.stringify(profile);
  }

  #lookup(key: string): CachedReply | undefined {
    const reply = this.#cache?.get(key);
    (reply ? this.#hits : this.#misses).inc();
    return reply;
  }

  #onPool(profiles: Profile[]): Promise<AdviceReply[]> {
    return this.#pool.run({ profiles, defaultCores: this.#defaultCores });
  }
}
