/** Durations in the differ's sentences (calls and packets alike). */

/** A duration as reports print it: seconds to the ms from 1 s, else milliseconds. */
export const seconds = (d: number) => (d >= 1 ? `${d.toFixed(3)} s` : `${(d * 1000).toFixed(d < 0.01 ? 3 : 1)} ms`);
