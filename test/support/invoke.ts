import type { Context } from "aws-lambda";
import { LocalResponseStream, type Prelude } from "../../lambda/http/awslambda-shim.ts";
import type { FunctionUrlEvent } from "../../lambda/http/function-url.ts";

export interface Invocation {
  prelude: Prelude | undefined;
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

const context = { awsRequestId: "test", getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

/** Invokes a streaming handler as the Lambda runtime would, collecting what it streamed. */
export async function invoke(handler: unknown, event: FunctionUrlEvent): Promise<Invocation> {
  const stream = new LocalResponseStream();
  await (handler as (event: FunctionUrlEvent, stream: LocalResponseStream, context: Context) => Promise<unknown>)(event, stream, context);
  return {
    prelude: stream.prelude,
    status: stream.prelude?.statusCode,
    headers: stream.prelude?.headers ?? {},
    body: stream.body,
    json: () => JSON.parse(stream.body) as unknown,
  };
}
