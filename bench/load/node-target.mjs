// A minimal Node HTTP target for the load benchmarks (plain JS: no loader overhead in the target).
// Usage: node bench/load/node-target.mjs [--stall-every MS --stall-for MS]
// Prints its port on stdout. With a stall, every response due while a stall lasts is held until
// it ends (like a saturated replica or a GC pause), measured from the server start.
import http from 'node:http';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const everyMs = arg('--stall-every', 0);
const forMs = arg('--stall-for', 0);
const started = performance.now();
const body = 'hello world\n';

const server = http.createServer((req, res) => {
  req.resume();
  const answer = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
  if (everyMs > 0) {
    const phase = (performance.now() - started) % everyMs;
    if (phase < forMs) return void setTimeout(answer, forMs - phase);
  }
  answer();
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
