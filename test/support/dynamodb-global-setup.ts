import { startDynamoDbLocal, type DynamoDbLocal } from "../../bin/local/dynamodb-local.ts";

/** One DynamoDB Local for the whole integration run; each test file uses its own table prefix. */
export default async function startSharedDynamoDb(): Promise<void> {
  if (process.env.DYNAMODB_ENDPOINT) return;
  const db = await startDynamoDbLocal();
  (globalThis as { dynamoDbLocal?: DynamoDbLocal }).dynamoDbLocal = db;
  // Workers start after global setup and inherit this environment.
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
}
