import { randomBase62 } from "../../lambda/domain/ids.ts";
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from "../../bin/local/gateway.ts";

/**
 * Starts the gateway in this test process on the shared DynamoDB Local, with tables of its own so
 * test files never see each other's data.
 */
export function startTestGateway(options: Partial<LocalGatewayOptions> = {}): Promise<LocalGateway> {
  const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT;
  if (!dynamodbEndpoint) throw new Error("DYNAMODB_ENDPOINT is not set: run integration tests through jest's integration project");
  // A developer's own service account must never join the tests' upstream accounts.
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  return startLocalGateway({ dynamodbEndpoint, tablePrefix: `t${randomBase62(8)}`, ...options });
}
