/**
 * Method-and-path routing, free of any framework: a route table in, the matching route and its path
 * parameters out. Paths are templates such as `/v1/tasks/{id}`; a parameter matches one path
 * segment up to the next `/` or `:` (Google's paths put the action after a colon), and `{name+}`
 * also takes slashes, for model names such as `google/gemini-3-flash`.
 */

export interface Route<THandler> {
  readonly method: string;
  readonly path: string;
  readonly handle: THandler;
  /** Served without an API key. */
  readonly public?: boolean;
  /** What its request ids (and so its task ids) start with instead of `req`, e.g. `resp` for OpenAI-style response ids. */
  readonly idPrefix?: string;
}

export type RouteMatch<THandler, TRoute extends Route<THandler> = Route<THandler>> =
  | { kind: "found"; route: TRoute; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "not-found" };

export interface Router<THandler, TRoute extends Route<THandler> = Route<THandler>> {
  readonly routes: readonly TRoute[];
  match(method: string, path: string): RouteMatch<THandler, TRoute>;
}

/**
 * @example
 * createRouter([{ method: "GET", path: "/v1/tasks/{id}", handle }]).match("GET", "/v1/tasks/t1")
 * // { kind: "found", route, params: { id: "t1" } }
 */
export function createRouter<THandler, TRoute extends Route<THandler> = Route<THandler>>(routes: readonly TRoute[]): Router<THandler, TRoute> {
  const compiled = routes.map((route) => ({ route, pattern: compileTemplate(route.path) }));
  return {
    routes,
    match(method, path) {
      const allowed: string[] = [];
      for (const { route, pattern } of compiled) {
        const match = pattern.exec(path);
        if (!match) continue;
        if (route.method === method) return { kind: "found", route, params: decodeParams(match.groups) };
        allowed.push(route.method);
      }
      return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "not-found" };
    },
  };
}

function compileTemplate(template: string): RegExp {
  const source = template
    .split(/(\{[A-Za-z_]+\+?\})/)
    .map((piece) => {
      const param = /^\{([A-Za-z_]+)(\+?)\}$/.exec(piece);
      if (!param) return escapeRegExp(piece);
      return `(?<${param[1]}>${param[2] ? "[^:]+" : "[^/:]+"})`;
    })
    .join("");
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function decodeParams(groups: Record<string, string | undefined> | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups ?? {})) {
    if (value === undefined) continue;
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      params[name] = value;
    }
  }
  return params;
}
