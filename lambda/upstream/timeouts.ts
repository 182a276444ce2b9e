/**
 * How long to wait for Google, and the per-attempt deadline that enforces it while telling a
 * timeout apart from the caller giving up.
 */
import { UpstreamAuthError, UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError } from "./errors.ts";

export interface UpstreamTimeouts {
  /** Until the first SSE event (streaming) or the whole answer's headers (unary). */
  readonly firstByteMs: number;
  /** Between two stream chunks, or between reads of a unary body once its headers arrived. */
  readonly idleMs: number;
}

// Pro with high thinking may think for minutes before a non-streamed answer's first byte.
export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { firstByteMs: 300_000, idleMs: 120_000 };

/**
 * Reads `UPSTREAM_FIRST_BYTE_TIMEOUT_MS` and `UPSTREAM_IDLE_TIMEOUT_MS`, falling back to the defaults
 * for unset or non-positive values.
 *
 * @example
 * timeoutsFromEnv({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: "60000" }); // { firstByteMs: 60000, idleMs: 120000 }
 */
export function timeoutsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): UpstreamTimeouts {
  return {
    firstByteMs: positive(env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS) ?? DEFAULT_TIMEOUTS.firstByteMs,
    idleMs: positive(env.UPSTREAM_IDLE_TIMEOUT_MS) ?? DEFAULT_TIMEOUTS.idleMs,
  };
}

/**
 * One attempt's abort signal: fires when the caller aborts or the armed timer runs out, and turns
 * whatever the aborted fetch threw into the right error.
 *
 * @example
 * const deadline = new Deadline(callerSignal);
 * deadline.arm(5_000, "the first byte");
 * try { await fetch(url, { signal: deadline.signal }); } catch (error) { throw deadline.failure(error); }
 */
export class Deadline {
  readonly signal: AbortSignal;
  readonly #caller: AbortSignal | undefined;
  readonly #own = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: string | undefined;

  constructor(caller?: AbortSignal) {
    this.#caller = caller;
    this.signal = caller === undefined ? this.#own.signal : AbortSignal.any([caller, this.#own.signal]);
  }

  /** (Re)starts the timer; `waitingFor` words the timeout message. */
  arm(ms: number, waitingFor: string): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.#expired = `Google sent nothing for ${ms} ms while the gateway waited for ${waitingFor}`;
      this.#own.abort();
    }, ms);
    this.#timer.unref();
  }

  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the timer and drops the connection, if it is still open. */
  close(): void {
    this.disarm();
    this.#own.abort();
  }

  get callerAborted(): boolean {
    return this.#caller?.aborted === true;
  }

  /** The error to throw for `error`: the caller's abort reason, a timeout, or a network failure. */
  failure(error: unknown): unknown {
    if (this.callerAborted) return this.#caller?.reason;
    if (this.#expired !== undefined) return new UpstreamNetworkError("timeout", `${this.#expired}.`);
    if (
      error instanceof UpstreamHttpError ||
      error instanceof UpstreamNetworkError ||
      error instanceof UpstreamStreamError ||
      error instanceof UpstreamAuthError
    ) {
      return error;
    }
    return networkError(error);
  }
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

// undici wraps the socket error in `cause`; only its code is kept, since the text may name hosts.
function networkError(error: unknown): UpstreamNetworkError {
  const code = errorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new UpstreamNetworkError("timeout", `Google did not answer in time (${code}).`, { cause: error });
  }
  if ((code !== undefined && RESET_CODES.has(code)) || (error as { message?: unknown } | null)?.message === "terminated") {
    return new UpstreamNetworkError("reset", `The connection to Google was cut${code === undefined ? "" : ` (${code})`}.`, { cause: error });
  }
  return new UpstreamNetworkError("connect", `Could not reach Google${code === undefined ? "" : ` (${code})`}.`, { cause: error });
}

// Structural, not `instanceof Error`: undici's errors may come from another realm (jest's sandbox).
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

function positive(value: string | undefined): number | undefined {
  const number = value === undefined ? NaN : Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}
