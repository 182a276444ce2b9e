// Node sets up fetch's dispatcher lazily on the real global; @google/genai looks for it on the
// global it runs in, which under jest is the test's sandbox. Share the real one with the sandbox.
const { TestEnvironment } = require("jest-environment-node");

const DISPATCHER = Symbol.for("undici.globalDispatcher.1");

class GatewayTestEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    if (!globalThis[DISPATCHER]) new Headers();
    this.global[DISPATCHER] = globalThis[DISPATCHER];
  }
}

module.exports = GatewayTestEnvironment;
