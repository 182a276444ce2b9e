/**
 * Exactly what each function may do to each table: the DynamoDB actions its code calls, on the
 * table and on each index it queries, nothing more (a transaction needs the action of every write
 * inside it). `test/integration/least-privilege.test.ts` proves each list is what the function's code
 * calls while serving every route, no more and no less; the infra test, that the stack grants it.
 */
import type { TableSchema } from "../lambda/store/schema.ts";
import type { FunctionName } from "./config.ts";

export interface TableAccess {
  /** Actions on the table itself. */
  readonly table?: readonly string[];
  /** Actions on each named global secondary index. */
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

type Access = Readonly<Partial<Record<TableSchema["id"], TableAccess>>>;

/** The chat and gemini functions serve the same customer routes around their model routes. */
const API: Access = {
  // A key by its hash (auth).
  keys: { table: ["GetItem"] },
  // Balance and counters (credits, rate headers, account status); admission and settlement; usage rows.
  credits: { table: ["GetItem", "BatchGetItem", "UpdateItem", "Query"] },
  // A task is put at admission, updated at settlement, read by id, listed by account.
  tasks: { table: ["GetItem", "PutItem", "UpdateItem"], indexes: { byAccount: ["Query"] } },
};

export const ACCESS: Readonly<Record<FunctionName, Access>> = {
  chat: {
    ...API,
    // The Responses route keeps a response's output items and reads them back for item_reference;
    // the key that seals encrypted_content is made once and read from the same table.
    responseItems: { table: ["GetItem", "PutItem", "BatchGetItem"] },
  },
  gemini: API,
  admin: {
    keys: { table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem"], indexes: { byKeyId: ["Query"], byAccount: ["Query"] } },
    credits: { table: ["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "Query"], indexes: { byEntity: ["Query"] } },
    tasks: { indexes: { byAccount: ["Query"] } },
  },
  sweeper: {
    credits: { table: ["UpdateItem"] },
    tasks: { table: ["UpdateItem"], indexes: { byHeld: ["Query"] } },
  },
};
