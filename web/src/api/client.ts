// Talks to the portal's REST API (docs/api-conventions.md): JSON bodies, problem+json errors,
// the session's CSRF token on state-changing requests, ETags for optimistic concurrency.
//
// The session cookie is HttpOnly, so the UI never sees it; the CSRF token comes from
// GET/POST /api/v1/session and is kept only in memory (a reload fetches it again).

export interface FieldError {
  pointer: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  readonly etag: string | null;
  readonly retryAfter: number | null;

  constructor(problem: Problem, etag: string | null, retryAfter: number | null) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.etag = etag;
    this.retryAfter = retryAfter;
  }

  get status(): number {
    return this.problem.status;
  }

  // The slug after https://candela.dev/problems/ (clients branch on it, never on `detail`).
  get slug(): string {
    const at = this.problem.type.lastIndexOf('/');
    return at >= 0 ? this.problem.type.slice(at + 1) : this.problem.type;
  }
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  ifMatch?: string | null;
  query?: Record<string, string | number | boolean | null | undefined>;
  // 401 answers are passed to onUnauthorized unless the caller handles them (sign-in does).
  quietUnauthorized?: boolean;
  // A file sent as it is (an attachment upload) instead of a JSON body.
  raw?: { body: Blob; contentType: string };
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiClient {
  csrfToken: string | null = null;
  onUnauthorized: ((error: ApiError) => void) | null = null;

  constructor(private readonly base = '') {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | Blob | undefined;
    if (options.raw) {
      headers['Content-Type'] = options.raw.contentType || 'application/octet-stream';
      body = options.raw.body;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (unsafeMethods.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;

    let response: Response;
    try {
      response = await fetch(this.base + withQuery(path, options.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(
        {
          type: 'about:blank',
          title: 'Portal unreachable',
          status: 0,
          detail: 'The portal did not answer. Check your connection and try again.',
        },
        null,
        null,
      );
    }

    const etag = response.headers.get('ETag');
    const text = await response.text();
    if (!response.ok) {
      const error = new ApiError(parseProblem(response, text), etag, retryAfterOf(response));
      if (error.status === 401 && !options.quietUnauthorized) this.onUnauthorized?.(error);
      throw error;
    }
    const data = (text.length > 0 ? safeJson(text) : null) as T;
    return { status: response.status, data, etag };
  }

  get<T>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
  // POSTs a file as the request body with its own Content-Type.
  upload<T>(path: string, file: Blob, contentType: string, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, raw: { body: file, contentType } });
  }

  // Every item of a paginated list (`items` + `next_cursor`), following cursors up to `max`.
  async list<T>(path: string, query: RequestOptions['query'] = {}, max = 2000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<unknown> = await this.get<unknown>(path, {
        query: { ...query, limit: 500, cursor: cursor ?? undefined },
      });
      items.push(...listItems<T>(page.data));
      cursor = nextCursor(page.data);
    } while (cursor && items.length < max);
    return items;
  }
}

// A list response's items: the API's lists are objects with one array member next to
// `next_cursor` ("items", or a name such as "services"); a bare array is accepted too.
export function listItems<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    if (Array.isArray(record.items)) return record.items as T[];
    for (const value of Object.values(record)) if (Array.isArray(value)) return value as T[];
  }
  return [];
}

function nextCursor(data: unknown): string | null {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const cursor = (data as Record<string, unknown>).next_cursor;
    return typeof cursor === 'string' && cursor.length > 0 ? cursor : null;
  }
  return null;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseProblem(response: Response, text: string): Problem {
  const parsed = safeJson(text);
  if (parsed && typeof parsed === 'object' && 'status' in parsed && 'title' in parsed) {
    return parsed as Problem;
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof parsed === 'string' && parsed.length < 300 ? parsed : undefined,
  };
}

function retryAfterOf(response: Response): number | null {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : null;
}

export const api = new ApiClient();
