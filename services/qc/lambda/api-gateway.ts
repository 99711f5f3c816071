/**
 * API Gateway REST API (proxy integration, payload 1.0) events to web-standard `Request`s, and
 * `Response`s back to proxy results: the only thing the Lambda adapter does besides calling the
 * app's `fetch`.
 */

/** The fields of an API Gateway REST proxy event that a request is built from. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string; domainName?: string; stage?: string } | null;
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export function eventToRequest(event: ApiGatewayProxyEvent): Request {
  const headers = new Headers();
  if (event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) for (const value of values ?? []) headers.append(name, value);
  } else {
    for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  }
  const query = new URLSearchParams();
  if (event.multiValueQueryStringParameters) {
    for (const [name, values] of Object.entries(event.multiValueQueryStringParameters)) for (const value of values ?? []) query.append(name, value);
  } else {
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query.append(name, value);
  }
  const host = headers.get("host") ?? event.requestContext?.domainName ?? "lambda.local";
  const search = query.size > 0 ? `?${query.toString()}` : "";
  const url = new URL(`https://${host}${event.path.startsWith("/") ? "" : "/"}${event.path}${search}`);
  const method = event.httpMethod.toUpperCase();
  const hasBody = method !== "GET" && method !== "HEAD" && event.body !== undefined && event.body !== null;
  return new Request(url, {
    method,
    headers,
    ...(hasBody && { body: event.isBase64Encoded ? Buffer.from(event.body!, "base64") : event.body! }),
  });
}

const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+json|[^;]*\+xml)/i;

export async function responseToResult(response: Response): Promise<ApiGatewayProxyResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get("content-type") ?? "";
  const textual = bytes.length === 0 || type === "" || TEXT_TYPES.test(type);
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 && { multiValueHeaders: { "set-cookie": cookies } }),
    body: bytes.toString(textual ? "utf8" : "base64"),
    isBase64Encoded: !textual,
  };
}
