/** The rehearsal talks to Tandem as its users do: over its HTTP API, each user with its own bearer token */

export interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** A connection the server closed as it was reused (keep-alive race): the request never reached a handler */
const connectionReset = (e: unknown): boolean =>
  e instanceof TypeError && (e.cause as { code?: string } | undefined)?.code === 'ECONNRESET';

/** Tandem's API at `url` as the holder of `token` sees it */
export function apiOf(url: string, token: string): Api {
  const once = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, url), {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  return {
    call: async (method, path, body) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await once(method, path, body);
        } catch (e) {
          if (!connectionReset(e) || attempt >= 3) throw e;
        }
      }
    },
  };
}

/** The call's answer; throws with the status and body when it is not a success */
export async function must(api: Api, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await api.call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Runs a job through the API, waiting (bounded) while a scheduled run of it is under way, so this run really happens */
export async function runJob(api: Api, path: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const r = await must(api, 'POST', path);
    if (r.ran !== false || r.reason !== 'already running') return r;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${path} stayed busy for a minute`);
}
