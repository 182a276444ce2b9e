/**
 * Which accounts may take a request: only those whose kind (and, on Vertex, location) serves its
 * model, as the catalog says (`placementServes` in `domain/catalog.ts`).
 */
import { placementServes } from "../domain/catalog.ts";
import { UpstreamError } from "../domain/errors.ts";
import { accountPlacement } from "./accounts.ts";
import type { UpstreamAccount } from "./accounts.ts";

/**
 * The accounts that serve `upstreamModel`, in their configured order. With none, the client gets
 * the 503 it would get if they had all failed; like that one, it does not say how many accounts
 * the operator has.
 *
 * @example
 * accountsServing([aiStudio, vertexInUsCentral1], "gemini-3-flash-preview"); // [aiStudio]
 */
export function accountsServing(accounts: readonly UpstreamAccount[], upstreamModel: string): readonly UpstreamAccount[] {
  const serving = accounts.filter((account) => placementServes(upstreamModel, accountPlacement(account)));
  if (serving.length === 0) {
    throw new UpstreamError(
      `No upstream account of this gateway serves ${upstreamModel.replace(/^models\//, "")} at the moment; nothing was charged. Retry in 60 s, and tell the operator if it persists.`,
      60,
    );
  }
  return serving;
}
