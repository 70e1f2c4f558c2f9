/**
 * Hands requests whose JSON body the Cloud Functions runtime could not parse to a handler.
 *
 * Both runtimes (functions-framework in production, the firebase emulator's worker locally) run
 * an Express app whose body parser reads every `application/json` body before any function code
 * runs. When that body is not JSON, the parser fails the request and Express answers 400 with an
 * HTML page: the function never sees it. The parser does keep the bytes (`req.rawBody`, saved
 * before parsing), and Express passes the failure to error-handling middleware registered after
 * the function's route. Neither runtime lets a function register middleware, so this finds the app
 * the first time a request reaches the server, through Node's `http.server.request.start`
 * diagnostics channel, and appends one error handler to it. Homecall's handlers read `rawBody`
 * themselves, so the handler sees exactly what it would have seen had the parser not run.
 */
import diagnostics from 'node:diagnostics_channel';
import type { HttpHandler, HttpRequest, HttpResponse } from './types.ts';

/** The slice of an Express app this needs: its middleware registration. */
interface ExpressApp {
  (...args: unknown[]): unknown;
  use(
    handler: (error: unknown, req: unknown, res: unknown, next: (error?: unknown) => void) => void,
  ): unknown;
}

/** What body-parser sets on its errors. */
interface BodyParserError {
  type?: unknown;
}

/** Paths the handler answers for itself; other failed requests keep the runtime's answer. */
export type PathFilter = (path: string) => boolean;

/**
 * Makes the runtime hand requests with an unparseable JSON body (and the raw bytes) to `handler`
 * for the paths `accepts` names. Call once, when the function module loads.
 */
export function handBodyParseFailuresTo(handler: HttpHandler, accepts: PathFilter): void {
  const channel = diagnostics.channel('http.server.request.start');
  const onRequest = (message: unknown): void => {
    // Only the server is looked at; the message also carries the socket, which is never read.
    const server = (message as { server?: { listeners?: (event: string) => unknown[] } }).server;
    const apps = server?.listeners?.('request').filter(isExpressApp) ?? [];
    if (apps.length === 0) return;
    for (const app of apps) app.use(parseFailureHandler(handler, accepts));
    channel.unsubscribe(onRequest);
  };
  channel.subscribe(onRequest);
}

/** The Express error handler: a parse failure with the raw body kept goes to `handler`. */
export function parseFailureHandler(handler: HttpHandler, accepts: PathFilter) {
  return (error: unknown, req: unknown, res: unknown, next: (error?: unknown) => void): void => {
    const request = req as Partial<HttpRequest>;
    const parseFailed = (error as BodyParserError | undefined)?.type === 'entity.parse.failed';
    if (!parseFailed || !Buffer.isBuffer(request.rawBody) || !accepts(request.path ?? '')) {
      next(error);
      return;
    }
    handler(request as HttpRequest, res as HttpResponse).catch(next);
  };
}

function isExpressApp(listener: unknown): listener is ExpressApp {
  return (
    typeof listener === 'function' && typeof (listener as Partial<ExpressApp>).use === 'function'
  );
}
