// Same-origin calls to the JSON API with the session cookie and the CSRF header it requires.

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)candor_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class ApiError extends Error {
  constructor(message, problem) {
    super(message);
    this.problem = problem;
  }
}

export async function api(method, url, body) {
  const headers = { "X-CSRF-Token": csrfToken(), Accept: "application/json" };
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError("We could not reach the server. Check your connection and try again.", null);
  }
  if (response.status === 401) {
    window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
    throw new ApiError("Your session has ended. Log in again.", null);
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && (data.detail || data.title);
    throw new ApiError(detail || "Something went wrong. Please try again.", data);
  }
  return data;
}
