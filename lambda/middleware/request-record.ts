/**
 * What one request did, gathered as it passes (route, key, admission, upstream, first byte,
 * settlement) and written once when it has ended: as the access log line and as metrics. It holds
 * ids, names, counts and times only — never a prompt, a completion, a key or a secret.
 */
export interface UpstreamFacts {
  /** Absent when no account answered. */
  readonly account?: string;
  readonly kind?: string;
  readonly attempts: number;
}

export interface SettledFacts {
  readonly status: string;
  readonly charged: number;
  readonly refunded: number;
  readonly tokens: { readonly input: number; readonly cachedInput: number; readonly output: number; readonly reasoning: number };
}

export class RequestRecord {
  readonly startedAt = Date.now();
  readonly fn: string;
  readonly method: string;
  route: string | undefined;
  status: number | undefined;
  errorCode: string | undefined;
  keyId: string | undefined;
  accountId: string | undefined;
  model: string | undefined;
  stream: boolean | undefined;
  held: number | undefined;
  upstream: UpstreamFacts | undefined;
  firstByteAt: number | undefined;
  settled: SettledFacts | undefined;
  /** True when the bill could not be recorded and the hold was left to the sweeper. */
  unrecorded = false;
  #streaming: Promise<void> | undefined;

  constructor(fn: string, method: string) {
    this.fn = fn;
    this.method = method;
  }

  /** The first body byte goes out now (the first one only counts). */
  markFirstByte(): void {
    this.firstByteAt ??= Date.now();
  }

  /** The request goes on after its handler returned, until `done` settles: a stream. */
  continuesUntil(done: Promise<unknown>): void {
    this.#streaming = done.then(() => undefined, () => undefined);
  }

  /** Resolves when the request has ended: at once, or when its stream has. */
  ended(): Promise<void> {
    return this.#streaming ?? Promise.resolve();
  }

  /** The access log line's fields. */
  fields(now = Date.now()) {
    return {
      requestId: undefined as string | undefined,
      function: this.fn,
      method: this.method,
      route: this.route ?? "unmatched",
      status: this.status,
      errorCode: this.errorCode,
      model: this.model,
      stream: this.stream,
      keyId: this.keyId,
      accountId: this.accountId,
      upstreamAccount: this.upstream?.account,
      upstreamKind: this.upstream?.kind,
      upstreamAttempts: this.upstream?.attempts,
      firstByteMs: this.firstByteAt === undefined ? undefined : this.firstByteAt - this.startedAt,
      totalMs: now - this.startedAt,
      tokens: this.settled?.tokens,
      credits: this.held === undefined ? undefined : { held: this.held, charged: this.settled?.charged, refunded: this.settled?.refunded, unrecorded: this.unrecorded || undefined },
      taskStatus: this.settled?.status,
    };
  }
}
