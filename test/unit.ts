/**
 * The fast loop, `npm run test:unit`: the pure tests, from the sources under tsx (no build), in one process
 * so that the loader and the libraries start once. `npm test` runs them too, with everything else, from dist/.
 * Left to `npm test`: tests that start pools, servers, browsers or interpreters (snippets run python3 and
 * node; the GIL test runs worker threads), and the advice properties (about a minute of CPU).
 */
await import('./boundaries.test.js');
await import('./config.test.js');
await import('./advisor/advise.test.js');
await import('./advisor/async.test.js');
await import('./advisor/choice.test.js');
await import('./advisor/constraints.test.js');
await import('./advisor/corpus.test.js');
await import('./advisor/expert/expert.test.js');
await import('./advisor/format.test.js');
await import('./advisor/limits.test.js');
await import('./advisor/work.test.js');
await import('./advisor/costs/cpython-calibration.test.js');
await import('./advisor/costs/runtime-costs.test.js');
await import('./advisor/explain/practices.test.js');
await import('./advisor/explain/practices-event-loops.test.js');
await import('./advisor/explain/limit-figures.test.js');
await import('./advisor/model/estimate.test.js');
await import('./advisor/model/model-vs-measured.test.js');
await import('./advisor/model/queueing.test.js');
await import('./advisor/model/sizing.test.js');
await import('./http/validation-issues.test.js');
await import('./jobs/compare.test.js');
await import('./platform/cpu-quota.test.js');
await import('./routes/costs.test.js');
await import('./routes/health.test.js');
