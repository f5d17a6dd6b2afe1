// A paste that keeps explain busy for a while even though explain is linear: the largest text the
// host accepts, made of the input explain reads slowest (JSON escapes that decode to one line
// each, about a quarter of a second a megabyte). Tests that need a job to outlast a limit give it
// this and a limit well below its cost.
export const SLOW_PASTE = '\\n\\"'.repeat(Math.floor((2 * 1024 * 1024 - 16) / 4));
