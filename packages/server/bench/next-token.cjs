'use strict';
// autocannon `setupRequest` for the verifySignedData success path. autocannon runs its load in a
// worker thread, which can only `require` a file, so the tokens come from the JSON file named by
// LATCHKEY_BENCH_TOKENS (written by run.ts just before each round). Each request takes the next
// unused token; every connection of the worker shares this counter.
const { readFileSync } = require('node:fs');

const tokens = JSON.parse(readFileSync(process.env.LATCHKEY_BENCH_TOKENS, 'utf8'));
let next = 0;

module.exports = function nextToken(request) {
  // Past the end (autocannon may send a request or two more than `amount`): repeat the last
  // token, which the server answers alreadyUsed; run.ts checks the server's counters.
  const token = tokens[Math.min(next++, tokens.length - 1)];
  return { ...request, body: JSON.stringify({ signedPasskeyData: token }) };
};
