// Preloaded into a benchmarked child (node --require): its peak resident set size on exit.
/* global process */
process.on('exit', () => {
  process.stderr.write(`\nmailprobe-bench max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
