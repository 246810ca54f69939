/**
 * A preload for every run of the project's tests (the original's capture run and each
 * candidate's gate): Math.random becomes a fixed-seed PRNG (mulberry32), so a test that draws
 * random data sees the same numbers with the original and with a candidate and does not flip
 * between runs. It is installed in the runner's own realm and, by wrapping vm.createContext,
 * afresh in each vm context the runner creates: Jest's node environment makes one context per
 * test file, so each Jest test file starts the stream from the seed. Vitest (forks), Mocha and
 * node:test run test files in the process's realm, one stream per run, in a fixed file order.
 * Loaded with NODE_OPTIONS=--require so that child processes the runner forks (vitest's fork
 * pool) load it too.
 */

/** The seed of every run. */
export const TEST_RANDOM_SEED = 0x5eed1e55;

/** An expression that installs the seeded Math.random in the realm it is evaluated in (its `globalThis`). */
export const INSTALL_SEEDED_RANDOM = `(function (g, seed) {
  var s = seed >>> 0, imul = g.Math.imul;
  var random = function random() {
    s = (s + 0x6d2b79f5) | 0;
    var t = imul(s ^ (s >>> 15), 1 | s);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Object.defineProperty(g.Math, 'random', { value: random, writable: true, configurable: true, enumerable: false });
})(globalThis, ${TEST_RANDOM_SEED})`;

/** The CommonJS preload (see the module comment). */
export const SEED_RANDOM_PRELOAD = `'use strict';
// Hotpath: a fixed-seed Math.random in every run of the project's tests.
(function () {
  var SRC = ${JSON.stringify(INSTALL_SEEDED_RANDOM)};
  var vm = require('node:vm');
  vm.runInThisContext(SRC);
  var create = vm.createContext;
  vm.createContext = function createContext() {
    var ctx = create.apply(this, arguments);
    try { vm.runInContext(SRC, ctx); } catch (e) { /* a context without Math: leave it */ }
    return ctx;
  };
})();
`;

/** NODE_OPTIONS that load `preloadFile` (quoted: NODE_OPTIONS splits on spaces). */
export function preloadNodeOptions(preloadFile: string, existing?: string): string {
  const own = `--require=${JSON.stringify(preloadFile)}`;
  return existing ? `${own} ${existing}` : own;
}
