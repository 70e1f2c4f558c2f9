/** The slice of an HTTP request and response the handlers use (Express-compatible). */

/** An incoming request as firebase-functions and functions-framework hand it over. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The unparsed body; both Cloud Functions runtimes provide it. */
  rawBody?: Buffer;
  query: Record<string, unknown>;
}

/** The response methods the handlers call. */
export interface HttpResponse {
  status(code: number): this;
  set(field: string, value: string): this;
  json(body: unknown): unknown;
  send(body?: unknown): unknown;
  end(): unknown;
}

/** A handler built from its dependencies, callable by any runtime or test. */
export type HttpHandler = (req: HttpRequest, res: HttpResponse) => Promise<void>;
