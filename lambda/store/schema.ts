/**
 * The tables' key schemas, defined once: the CDK stack builds its tables from this and the
 * local runner creates DynamoDB Local tables from it, so the two cannot drift apart.
 *
 * Pure data: no AWS SDK or CDK imports, so both sides can depend on it.
 */

export type AttributeType = "S" | "N";

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * `KEYS_ONLY` for an index over items that change often: DynamoDB then writes the index only when
   * an item's keys change, not on every update. Default `ALL`.
   */
  readonly projection?: "ALL" | "KEYS_ONLY";
}

export interface TableSchema {
  /** Logical name: the CDK construct id prefix and the local table name suffix. */
  readonly id: "keys" | "credits" | "tasks" | "responseItems";
  /** Environment variable through which a function learns the deployed table's name. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexSchema[];
  /** Point-in-time recovery, on unless a table's rows must not outlive their TTL in backups. */
  readonly pointInTimeRecovery?: false;
}

/** Attribute read by DynamoDB's TTL sweeper on every table. */
export const TTL_ATTRIBUTE = "expiresAt";

export const KEYS_TABLE: TableSchema = {
  id: "keys",
  envVar: "KEYS_TABLE",
  partitionKey: { name: "keyHash", type: "S" },
  globalIndexes: [
    { indexName: "byKeyId", partitionKey: { name: "keyId", type: "S" } },
    { indexName: "byAccount", partitionKey: { name: "accountId", type: "S" }, sortKey: { name: "createdAt", type: "N" } },
  ],
};

export const CREDITS_TABLE: TableSchema = {
  id: "credits",
  envVar: "CREDITS_TABLE",
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
  globalIndexes: [
    // Sparse: only account items carry `entity`. Keys only, because the balance changes on every
    // request and the index must not be rewritten each time.
    { indexName: "byEntity", partitionKey: { name: "entity", type: "S" }, sortKey: { name: "createdAt", type: "N" }, projection: "KEYS_ONLY" },
  ],
};

export const TASKS_TABLE: TableSchema = {
  id: "tasks",
  envVar: "TASKS_TABLE",
  partitionKey: { name: "taskId", type: "S" },
  globalIndexes: [
    // Sparse: only rows still `held` carry `heldShard`, so the sweeper reads exactly the open holds.
    { indexName: "byHeld", partitionKey: { name: "heldShard", type: "S" }, sortKey: { name: "createdAt", type: "N" } },
    // An account's history, newest first, for task lists.
    { indexName: "byAccount", partitionKey: { name: "accountId", type: "S" }, sortKey: { name: "createdAt", type: "N" } },
  ],
};

/**
 * The output items of Responses requests, kept for `item_reference` (store/response-items.ts): the one
 * place any completion text is stored, for an hour by default. No point-in-time recovery, so none
 * of it lives on in backups for 35 days after its TTL.
 */
export const RESPONSE_ITEMS_TABLE: TableSchema = {
  id: "responseItems",
  envVar: "RESPONSE_ITEMS_TABLE",
  partitionKey: { name: "responseId", type: "S" },
  globalIndexes: [],
  pointInTimeRecovery: false,
};

export const TABLES: readonly TableSchema[] = [KEYS_TABLE, CREDITS_TABLE, TASKS_TABLE, RESPONSE_ITEMS_TABLE];

/** The stack output that names a deployed table (e.g. `KeysTableName`), read by the admin CLI. */
export function tableNameOutput(table: TableSchema): string {
  return `${table.id.charAt(0).toUpperCase()}${table.id.slice(1)}TableName`;
}

/** Table names the local runner and the tests use when no deployed names are configured. */
export function localTableName(table: TableSchema, prefix = "gemini-gateway"): string {
  return `${prefix}-${table.id}`;
}

/** `false` switches keeping Responses output items off (README "Responses API decisions"). */
export const RESPONSES_KEEP_ITEMS_ENV = "RESPONSES_KEEP_ITEMS";
/** How long Responses output items are kept, in seconds (default 3600). */
export const RESPONSES_ITEM_TTL_ENV = "RESPONSES_ITEM_TTL_SECONDS";

/** Environment variable holding the Secrets Manager ARN of the upstream account list. */
export const UPSTREAM_SECRET_ENV = "UPSTREAM_SECRET_ARN";
