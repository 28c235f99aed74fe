// Live updates: one server-sent-events stream (GET /api/events, read with fetch so the bearer token is sent) tells
// every view when something it shows changed; each view then re-reads its own endpoint. When the stream is not
// available (an older server, a proxy that buffers) the views re-read every 10 s instead.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, token } from './api.ts';

type Listener = (version: string) => void;
const listeners = new Set<Listener>();
export interface LiveState { connected: boolean; lastEventAt: Date | null }
let state: LiveState = { connected: false, lastEventAt: null };
const stateListeners = new Set<(s: LiveState) => void>();
const POLL_MS = 10_000;

function setState(s: LiveState) {
  state = s;
  for (const f of stateListeners) f(s);
}
function changed(version: string) {
  setState({ connected: true, lastEventAt: new Date() });
  for (const f of listeners) f(version);
}

/** Parses an SSE byte stream into events (event name, data) */
async function readEvents(body: ReadableStream<Uint8Array>, on: (event: string, data: string) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) on(event, data.join('\n'));
    }
  }
}

let running = false;
/** Keeps one stream open while signed in; reconnects with a growing pause; falls back to polling */
async function run() {
  if (running) return;
  running = true;
  let pause = 1_000;
  while (token()) {
    try {
      const res = await fetch('/api/events', { headers: { authorization: `Bearer ${token()}`, accept: 'text/event-stream' } });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      pause = 1_000;
      await readEvents(res.body, (event, data) => {
        if (event === 'change') changed((JSON.parse(data) as { version: string }).version);
      });
    } catch {
      // the stream failed or is not served: poll until the next attempt
    }
    setState({ ...state, connected: false });
    changed(`poll-${Date.now()}`);
    await new Promise((r) => setTimeout(r, Math.max(pause, POLL_MS)));
    pause = Math.min(pause * 2, 60_000);
  }
  running = false;
}

/** Called once a token is known */
export function startLive(): void {
  void run();
}

export function useLiveState(): LiveState {
  const [s, set] = useState(state);
  useEffect(() => {
    stateListeners.add(set);
    return () => void stateListeners.delete(set);
  }, []);
  return s;
}

const prefetched = new Map<string, Promise<unknown>>();
/** Starts reading `path` now (before the page renders); the first view that asks for it takes this read */
export function prefetch(path: string): void {
  if (!token() || prefetched.has(path)) return;
  const read = api(path);
  read.catch(() => undefined); // a failure is the view's to show, when it takes the read
  prefetched.set(path, read);
}
function takePrefetched<T>(path: string): Promise<T> | undefined {
  const read = prefetched.get(path) as Promise<T> | undefined;
  prefetched.delete(path);
  return read;
}

export interface Resource<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  /** When the data shown was read */
  updatedAt: Date | null;
  /** The last re-read failed: the data shown is older than the server's */
  stale: boolean;
  reload(): void;
}

/** Reads `path` now, again on every change the stream reports, and on reload(); null path = nothing to read */
export function useResource<T>(path: string | null): Resource<T> {
  const empty = { data: null, error: null, loading: true, updatedAt: null, stale: false, path };
  const [r, set] = useState<Omit<Resource<T>, 'reload'> & { path: string | null }>(empty);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    let inFlight = false;
    const read = async () => {
      if (inFlight) return;
      inFlight = true;
      try {
        const data = await (takePrefetched<T>(path) ?? api<T>(path));
        if (!cancelled) set({ data, error: null, loading: false, updatedAt: new Date(), stale: false, path });
      } catch (e) {
        if (!cancelled) set((prev) => ({ ...prev, error: e as Error, loading: false, stale: prev.data !== null }));
      } finally {
        inFlight = false;
      }
    };
    set((prev) => (prev.path === path ? { ...prev, loading: true } : { ...empty, path }));
    void read();
    listeners.add(read);
    return () => {
      cancelled = true;
      listeners.delete(read);
    };
  }, [path, tick]);
  const current = r.path === path ? r : { ...empty, path };
  return { data: current.data, error: current.error, loading: current.loading, updatedAt: current.updatedAt, stale: current.stale,
    reload: () => setTick((t) => t + 1) };
}
