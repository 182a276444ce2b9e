import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Set to use DynamoDB Local (or any endpoint) instead of the region's service. */
export const DYNAMODB_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * One document client per endpoint, reused across invocations so connections stay warm.
 *
 * @example await documentClient().send(new GetCommand({ TableName, Key }))
 */
export function documentClient(endpoint = process.env[DYNAMODB_ENDPOINT_ENV]): DynamoDBDocumentClient {
  const key = endpoint ?? "aws";
  let client = clients.get(key);
  if (!client) {
    const base = endpoint
      ? new DynamoDBClient({
          endpoint,
          region: process.env.AWS_REGION ?? "us-east-1",
          // DynamoDB Local accepts any credentials; these keep the SDK from searching for real ones.
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
        })
      : new DynamoDBClient({});
    client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    clients.set(key, client);
  }
  return client;
}
