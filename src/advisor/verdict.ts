/**
 * A recommendation holds against measurements when the recommended model ran within this share of the
 * fastest one measured: the sample jobs' comparison, the probe's --verify and the model's score all judge by it.
 */
export const AGREEMENT_WITHIN = 0.1;
