// Type checking is a separate `tsc --noEmit` step; the transform only strips types, which keeps jest fast.
const transform = "<rootDir>/test/support/esbuild-transform.cjs";

const common = {
  testEnvironment: "<rootDir>/test/support/node-environment.cjs",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": transform },
  // middy registers streaming handlers with the `awslambda` global when a handler module loads.
  setupFiles: ["<rootDir>/test/support/quiet-telemetry.ts", "<rootDir>/test/support/awslambda-global.ts"],
};

export default {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "infra",
      testMatch: ["<rootDir>/test/infra/**/*.test.ts"],
      setupFilesAfterEnv: ["aws-cdk-lib/testhelpers/jest-autoclean"],
      snapshotSerializers: ["<rootDir>/test/infra/asset-hash-serializer.cjs"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      setupFilesAfterEnv: ["<rootDir>/test/support/integration-timeout.ts"],
      globalSetup: "<rootDir>/test/support/dynamodb-global-setup.ts",
      globalTeardown: "<rootDir>/test/support/dynamodb-global-teardown.ts",
    },
  ],
};
