import type { DynamoDbLocal } from "../../bin/local/dynamodb-local.ts";

export default async function stopSharedDynamoDb(): Promise<void> {
  await (globalThis as { dynamoDbLocal?: DynamoDbLocal }).dynamoDbLocal?.stop();
}
