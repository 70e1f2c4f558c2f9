/** The one error shape of every homecall endpoint. */
import type { BodyIssue, ErrorBody, ErrorCode } from '../../../shared/schema/api.ts';
import type { HttpResponse } from './types.ts';

export type { ErrorCode } from '../../../shared/schema/api.ts';

/** A failure that maps to one HTTP answer. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly issues: BodyIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { issues?: BodyIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

/** Writes `{"error": {"code", "message", "issues"?}}` with the error's status and headers. */
export function sendError(res: HttpResponse, error: HttpError): void {
  for (const [name, value] of Object.entries(error.headers)) res.set(name, value);
  const body: ErrorBody['error'] = {
    code: error.code,
    message: error.message,
  };
  if (error.issues && error.issues.length > 0) body.issues = error.issues;
  res.status(error.status).json({ error: body } satisfies ErrorBody);
}
