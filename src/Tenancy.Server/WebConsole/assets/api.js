// The console's only way to the server: the public /api/2 with a bearer token from the password grant.
// The token lives in sessionStorage: it is gone when the tab closes, and no other site can read it.

const KEY = 'tenancy.console.session';

/** An answer of the API that was not a success, with the words of its error envelope. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** The /api/2 error code (1001 = version conflict, 1005 = not found, ...). */
  get code() {
    return this.body && this.body.error && typeof this.body.error === 'object' ? this.body.error.code : undefined;
  }
}

/** What an error body says, in words meant for people. */
export function words(body, status) {
  if (body && body.error && typeof body.error === 'object') {
    const info = body.error.details && body.error.details.info;
    return info && info !== body.error.message ? `${body.error.message} ${info}` : body.error.message;
  }
  if (body && typeof body.error === 'string') {
    return body.error_description || body.error;
  }
  if (status === 0) {
    return 'The server could not be reached. Check the connection and try again.';
  }
  return `The server answered ${status} without saying why.`;
}

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return s && s.expires > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function forget() {
  sessionStorage.removeItem(KEY);
}

/** The password grant (a public client: no client credentials), then the user it signed in. */
export async function signIn(login, password) {
  const form = new URLSearchParams({ grant_type: 'password', username: login, password });
  let response;
  try {
    response = await fetch('/api/2/idp/token', { method: 'POST', body: form });
  } catch {
    throw new ApiError(0, words(null, 0), null);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, words(body, response.status), body);
  }
  sessionStorage.setItem(KEY, JSON.stringify({ token: body.access_token, expires: Date.now() + body.expires_in * 1000 }));
  const me = await get('/api/2/users/me');
  const s = session();
  s.me = { id: me.id, login: me.login, tenant_id: me.tenant_id };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

/** Revokes the token on the server (it stops working at once), then forgets it. */
export async function signOut() {
  const s = session();
  if (s) {
    await fetch('/api/2/idp/revoke_token', {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}` },
      body: new URLSearchParams({ token: s.token }),
    }).catch(() => null);
  }
  forget();
}

/** One request; JSON in and out. A 401 ends the session (the token expired or was revoked). */
export async function request(method, path, body, accept = 'application/json') {
  const s = session();
  const headers = { Accept: accept };
  if (s) {
    headers.Authorization = `Bearer ${s.token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, words(null, 0), null);
  }
  if (response.status === 401 && s) {
    forget();
    window.dispatchEvent(new CustomEvent('tenancy:signed-out', { detail: 'Your session has ended; sign in again.' }));
  }
  if (response.status === 204) {
    return null;
  }
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : await response.blob();
  if (!response.ok) {
    throw new ApiError(response.status, words(type.includes('json') ? data : null, response.status), data);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body ?? {});
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);
export const download = (path) => request('GET', path, undefined, '*/*');
export const q = encodeURIComponent;
