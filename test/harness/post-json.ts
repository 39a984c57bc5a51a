// The one way the benchmarks and the fault campaign post to the monitor's API: JSON with a bearer
// token. The answer is the caller's to judge (a benchmark throws on any refusal, the campaign's
// careful client retries).

/** POSTs `body` as JSON to `url` with `token`; given up (the fetch rejects) after `timeoutMs` if given. */
export function postJson(url: string, token: string, body: unknown, timeoutMs?: number): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
  });
}
