import type { Context } from "aws-lambda";
import type { MiddlewareObj } from "@middy/core";
import type { FunctionUrlEvent, FunctionUrlResult } from "../http/function-url.ts";
import type { RouteDoc } from "../http/openapi.ts";
import type { Route } from "../http/router.ts";
import type { KeyRecord } from "../store/keys.ts";
import type { RequestRecord } from "./request-record.ts";

/** What a route's handler receives: the event, and everything the middlewares learned about it. */
export interface RouteRequest {
  readonly event: FunctionUrlEvent;
  readonly context: GatewayContext;
  readonly params: Readonly<Record<string, string>>;
  /** The request body, parsed, when it had one. */
  readonly body: unknown;
}

export type RouteHandler = (request: RouteRequest) => Promise<FunctionUrlResult> | FunctionUrlResult;
/** A route of a function URL; it carries what `GET /openapi.json` says of it, so the document cannot drift. */
export type GatewayRoute = Route<RouteHandler> & { readonly doc: RouteDoc };

/** The Lambda context plus what the gateway's middlewares learn about a request as it passes. */
export interface GatewayContext extends Context {
  requestId: string;
  route?: GatewayRoute;
  params?: Record<string, string>;
  body?: unknown;
  /** The caller's key, once authenticated. */
  key?: KeyRecord;
  /** The operator's management key, on the admin API. */
  managementKey?: KeyRecord;
  /** What the request did, for its access line and metrics. */
  record?: RequestRecord;
}

export type GatewayMiddleware = MiddlewareObj<FunctionUrlEvent, FunctionUrlResult, Error, GatewayContext>;
