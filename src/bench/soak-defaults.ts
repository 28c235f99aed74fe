/** The soak's defaults and warm-up, in a module of their own: `tandem soak`'s help and options read them without loading the run */

/** Reads per second, the sampling period, the RSS bound and the live strategies a soak uses unless told otherwise */
export const SOAK_DEFAULTS = { readsPerSecond: 4, sampleSeconds: 5, bound: { growthMb: 64, ceilingMb: 1024 }, liveStrategies: 3 };

/** Warm-up: the first fifth of the run, at most two minutes (start-up allocations and the first sync are not growth) */
export const warmupSeconds = (minutes: number): number => Math.min(120, Math.round(minutes * 60 * 0.2));
