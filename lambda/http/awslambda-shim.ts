/**
 * A stand-in for the `awslambda` global that the Lambda Node.js runtime installs before it loads a
 * handler. middy's streaming mode calls `awslambda.streamifyResponse` when the handler module is
 * evaluated and `awslambda.HttpResponseStream.from` for every response, so local runs and tests need
 * this installed *before* importing a handler. It mirrors the runtime interface client: the prelude
 * (status and headers as JSON) is written ahead of the first body byte, followed by 8 NUL bytes.
 */
import { Writable } from "node:stream";

export const PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
export const STREAMING_HANDLER = Symbol.for("aws.lambda.runtime.handler.streaming");
const PRELUDE_DELIMITER = Buffer.alloc(8);

export interface Prelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

export interface ResponseStreamHooks {
  onPrelude?(prelude: Prelude): void;
  onChunk?(chunk: Buffer): void;
  onEnd?(): void;
}

type WriteRaw = (chunk: string | Uint8Array) => void;

/** The response stream a function URL hands to a streaming handler, delivering to hooks as it goes. */
export class LocalResponseStream extends Writable {
  contentType = "application/octet-stream";
  prelude: Prelude | undefined;
  readonly chunks: Buffer[] = [];
  beforeFirstWrite: ((write: WriteRaw) => void) | undefined;
  readonly #hooks: ResponseStreamHooks;
  #started = false;
  #preludeDone = false;
  #pending = Buffer.alloc(0);

  constructor(hooks: ResponseStreamHooks = {}) {
    super();
    this.#hooks = hooks;
  }

  setContentType(contentType: string): void {
    if (this.#started) throw new Error("Cannot set content-type, too late.");
    this.contentType = contentType;
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!this.#started) {
      this.#started = true;
      this.beforeFirstWrite?.((raw) => super.write(raw));
    }
    return super.write(chunk, encoding as BufferEncoding, callback as (error?: Error | null) => void);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (this.contentType === PRELUDE_CONTENT_TYPE && !this.#preludeDone) {
      this.#pending = Buffer.concat([this.#pending, bytes]);
      const end = this.#pending.indexOf(PRELUDE_DELIMITER);
      if (end === -1) return callback();
      this.prelude = JSON.parse(this.#pending.subarray(0, end).toString("utf8")) as Prelude;
      this.#preludeDone = true;
      this.#hooks.onPrelude?.(this.prelude);
      const rest = this.#pending.subarray(end + PRELUDE_DELIMITER.length);
      this.#pending = Buffer.alloc(0);
      if (rest.length > 0) this.#deliver(rest);
      return callback();
    }
    if (bytes.length > 0) this.#deliver(bytes);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#hooks.onEnd?.();
    callback();
  }

  /** Everything written after the prelude, as text. */
  get body(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }

  #deliver(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.#hooks.onChunk?.(chunk);
  }
}

interface AwsLambdaGlobal {
  streamifyResponse<T extends object>(handler: T): T;
  HttpResponseStream: { from(stream: LocalResponseStream, prelude: Prelude): LocalResponseStream };
}

/**
 * Installs the global unless a real Lambda runtime already did. The AWS SDK creates an empty
 * `awslambda` object of its own when it loads, so the members are filled in, not the object.
 */
export function installAwsLambdaShim(): void {
  const scope = globalThis as unknown as { awslambda?: Partial<AwsLambdaGlobal> };
  const existing = scope.awslambda ?? {};
  if (typeof existing.streamifyResponse === "function") return;
  scope.awslambda = Object.assign(existing, {
    streamifyResponse<T extends object>(handler: T): T {
      Object.defineProperty(handler, STREAMING_HANDLER, { value: "response" });
      return handler;
    },
    HttpResponseStream: {
      from(stream: LocalResponseStream, prelude: Prelude) {
        stream.setContentType(PRELUDE_CONTENT_TYPE);
        const encoded = JSON.stringify(prelude);
        stream.beforeFirstWrite = (write: WriteRaw) => {
          write(encoded);
          write(new Uint8Array(PRELUDE_DELIMITER.length));
        };
        return stream;
      },
    },
  });
}

installAwsLambdaShim();
