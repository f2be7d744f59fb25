// The rehook API as the dashboard uses it: same-origin fetches that carry the session cookie.
// Every failure becomes an ApiError whose message is the server's own error.message (API.md's
// error shape), so views can show the user exactly what went wrong.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let unauthorizedHandler = () => {};

// Called with the ApiError whenever a request answers 401 (the session ended or expired).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// request('GET', '/v1/sources') -> parsed JSON (null for 204). Writes always send a JSON body
// with Content-Type: application/json.
export async function request(method, path, body, { quietUnauthorized = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET' && method !== 'HEAD') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, 'network', `rehook could not be reached (${error.message}).`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError(response.status, 'bad_response', 'rehook answered with something that is not JSON.');
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error?.code ?? 'http_error',
      data?.error?.message ?? `rehook answered HTTP ${response.status}.`);
    if (response.status === 401 && !quietUnauthorized) unauthorizedHandler(error);
    throw error;
  }
  return data;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const patch = (path, body, options) => request('PATCH', path, body, options);
export const del = (path, options) => request('DELETE', path, undefined, options);

// Builds "/v1/x?a=1" from an object, leaving out empty values.
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// Every item of a list endpoint, following next_cursor (bounded: the dashboard only needs
// this for pickers of sources and destinations).
export async function listAll(path, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await get(withQuery(path, { limit: 250, cursor }));
    items.push(...result.data);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return items;
}
