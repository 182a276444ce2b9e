import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { TABLES, TTL_ATTRIBUTE, localTableName, type IndexSchema, type KeyAttribute, type TableSchema } from "./schema.ts";

export interface TableNames {
  readonly keys: string;
  readonly credits: string;
  readonly tasks: string;
  readonly responseItems: string;
}

/** The deployed names from the environment (set by the stack or the local runner). */
export function tableNames(env: NodeJS.ProcessEnv = process.env): TableNames {
  const name = (table: TableSchema) => env[table.envVar] ?? localTableName(table);
  const [keys, credits, tasks, responseItems] = TABLES.map(name) as [string, string, string, string];
  return { keys, credits, tasks, responseItems };
}

/** The environment variables that point a function at tables with this prefix. */
export function tableEnvironment(prefix?: string): Record<string, string> {
  return Object.fromEntries(TABLES.map((table) => [table.envVar, localTableName(table, prefix)]));
}

/**
 * Creates any of the tables that do not exist yet, and any index an existing table lacks, from the
 * same schema the stack deploys. Used for DynamoDB Local by `npm start` and the tests, so a local
 * gateway's data survives an upgrade that adds an index; the stack owns the tables in AWS.
 */
export async function ensureTables(client: DynamoDBClient, prefix?: string): Promise<void> {
  for (const table of TABLES) {
    const TableName = localTableName(table, prefix);
    const existing = await describe(client, TableName);
    if (existing !== undefined) {
      const present = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      for (const index of table.globalIndexes.filter((candidate) => !present.has(candidate.indexName))) {
        await client.send(
          new UpdateTableCommand({ TableName, AttributeDefinitions: attributeDefinitions(table), GlobalSecondaryIndexUpdates: [{ Create: globalIndex(index) }] }),
        );
      }
      continue;
    }
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: attributeDefinitions(table),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        GlobalSecondaryIndexes: table.globalIndexes.length > 0 ? table.globalIndexes.map(globalIndex) : undefined,
      }),
    );
    await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  }
}

function globalIndex(index: IndexSchema) {
  return { IndexName: index.indexName, KeySchema: keySchema(index.partitionKey, index.sortKey), Projection: { ProjectionType: index.projection ?? "ALL" } };
}

async function describe(client: DynamoDBClient, TableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as { name?: unknown }).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute) {
  return [
    { AttributeName: partitionKey.name, KeyType: "HASH" as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: "RANGE" as const }] : []),
  ];
}

function attributeDefinitions(table: TableSchema): AttributeDefinition[] {
  const all = [table.partitionKey, table.sortKey, ...table.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const unique = new Map<string, KeyAttribute>();
  for (const attribute of all) if (attribute) unique.set(attribute.name, attribute);
  return [...unique.values()].map((attribute) => ({ AttributeName: attribute.name, AttributeType: attribute.type }));
}
