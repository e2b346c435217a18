// GitHub's answers, including its error bodies: `message`, `documentation_url`, and since
// 2024 a string `status`; validation failures list `errors` of {resource, field, code}.
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FieldError {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export function errorReply(status: number, message: string, documentationUrl: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { message, ...extra, documentation_url: documentationUrl, status: String(status) } };
}

export const notFound = (docUrl: string): Reply => errorReply(404, 'Not Found', docUrl);

export const validationFailed = (docUrl: string, ...errors: FieldError[]): Reply =>
  errorReply(422, 'Validation Failed', docUrl, { errors });

export const forbidden = (message: string, docUrl: string): Reply => errorReply(403, message, docUrl);

export const BAD_CREDENTIALS_DOC = 'https://docs.github.com/rest';
