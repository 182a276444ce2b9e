import { jest } from "@jest/globals";

// Bursts of a few hundred transactions queue in one DynamoDB Local for seconds while other files run.
jest.setTimeout(30_000);
