import { randomBase62 } from "../../lambda/domain/ids.ts";
import { documentClient } from "../../lambda/store/client.ts";
import { ensureTables, tableEnvironment } from "../../lambda/store/tables.ts";

/** Points the store at fresh tables of this test file's own on the shared DynamoDB Local. */
export async function useFreshTables(): Promise<string> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error("DYNAMODB_ENDPOINT is not set: run integration tests through jest's integration project");
  const prefix = `t${randomBase62(8)}`;
  Object.assign(process.env, tableEnvironment(prefix));
  await ensureTables(documentClient(endpoint), prefix);
  return prefix;
}
