// The app: a header (health, venue, kill switch, live-update state, sign in/out) over the page the URL names
import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lazy, LocationProvider, Route, Router } from 'preact-iso';
import { onTokenChange, refused, setToken, token } from './api.ts';
import { startLive, useLiveState } from './live.ts';
import { KillSwitchControl } from './controls/kill-switch.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { clock } from './format.ts';
import { paths } from './routes.ts';

/**
 * A page loaded with its first visit (its own chunk): the first screen, the overview, parses and runs only its own
 * code. A chunk that cannot load (the server restarted with a new build, or is down) shows so, and the page's next
 * visit loads it again (preact-iso's lazy keeps its first result: a failed one is replaced by a fresh lazy)
 */
function page<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const fresh = (): ComponentType<P> => lazy(() => load().catch((e: unknown) => {
    current = fresh();
    return function LoadFailed() {
      return <section class="error" role="alert" data-testid="page-load-failed"><h2>This page could not be loaded</h2>
        <p>{e instanceof Error ? e.message : String(e)}</p><p>Reload the page, or come back to it, to try again.</p></section>;
    };
  }));
  let current = fresh();
  return (props: P) => h(current, props);
}
const FtPage = page(() => import('./pages/ft.tsx').then((m) => m.FtPage));
const StrategyPage = page(() => import('./pages/strategy.tsx').then((m) => m.StrategyPage));
const OrdersPage = page(() => import('./pages/orders.tsx').then((m) => m.OrdersPage));
const OrderPage = page(() => import('./pages/order.tsx').then((m) => m.OrderPage));
const CreatePage = page(() => import('./pages/create.tsx').then((m) => m.CreatePage));
const AuditPage = page(() => import('./pages/audit.tsx').then((m) => m.AuditPage));

interface Health {
  status: string; database: { kind: string; version: string };
  venue?: { name: string; state: string; reasons: { message: string }[] };
}

function HealthLine() {
  const [h, setH] = useState<Health | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const read = async () => {
      try {
        const res = await fetch('/api/health');
        setH((await res.json()) as Health);
        setFailed(!res.ok);
      } catch {
        setFailed(true);
      }
    };
    void read();
    const timer = setInterval(read, 10_000);
    return () => clearInterval(timer);
  }, []);
  const reasons = h?.venue?.reasons.map((r) => r.message).join('; ');
  return (
    <div class="health">
      <span data-testid="health" class={failed ? 'bad' : h?.status === 'ok' ? 'good' : undefined}>{failed ? 'unreachable' : h?.status ?? '…'}</span>
      {h ? <span data-testid="database">{h.database.kind} {h.database.version}</span> : null}
      {h?.venue ? <span data-testid="venue">{h.venue.name} {h.venue.state}</span> : null}
      {reasons ? <p class="venue-reasons" data-testid="venue-reasons" role="alert">
        Trading {h?.venue?.state === 'off' ? 'is off' : 'takes no new entries'}: {reasons}</p> : null}
    </div>
  );
}

function LiveBadge() {
  const s = useLiveState();
  return <span class={s.connected ? 'live on' : 'live off'} data-testid="live" data-connected={String(s.connected)}
    title={s.lastEventAt ? `last change ${clock(s.lastEventAt)}` : undefined}>
    {s.connected ? 'live' : 'polling'}</span>;
}

function SignIn() {
  const [value, setValue] = useState('');
  return (
    <form class="signin" data-testid="signin" onSubmit={(e) => { e.preventDefault(); setToken(value.trim() || null); }}>
      <h2>Sign in</h2>
      {refused ? <p class="error" role="alert" data-testid="signin-refused">That token was refused.</p> : null}
      <p>Paste your API token (the operator's is in <code>DATA_DIR/operator.token</code>; <code>tandem user add</code> makes others).</p>
      <input id="token" type="password" placeholder="API token" aria-label="API token" autocomplete="off"
        value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      <button type="submit">Sign in</button>
    </form>
  );
}

function NotFound() {
  return <section data-testid="not-found"><h2>Not found</h2><p><a href={paths.overview()}>Back to the overview</a></p></section>;
}

export function App() {
  const [signedIn, setSignedIn] = useState(token() !== null);
  useEffect(() => onTokenChange(() => setSignedIn(token() !== null)), []);
  useEffect(() => { if (signedIn) startLive(); }, [signedIn]);
  return (
    <LocationProvider>
      <header class="top">
        <a class="brand" href={paths.overview()}>Tandem</a>
        <nav aria-label="Main">
          <a href={paths.overview()}>Overview</a>
          <a href={paths.orders()}>Orders</a>
          <a href={paths.create()}>New live strategy</a>
          <a href={paths.audit()}>Audit</a>
        </nav>
        <HealthLine />
        {signedIn ? <span class="who"><KillSwitchControl /> <LiveBadge /> <button type="button" class="link" onClick={() => setToken(null)}>Sign out</button></span> : null}
      </header>
      <main>
        {signedIn ? (
          <Router>
            <Route path="/" component={OverviewPage} />
            <Route path="/ft/:id" component={FtPage} />
            <Route path="/lt/:id" component={StrategyPage} />
            <Route path="/orders" component={OrdersPage} />
            <Route path="/orders/:id" component={OrderPage} />
            <Route path="/new" component={CreatePage} />
            <Route path="/audit" component={AuditPage} />
            <Route default component={NotFound} />
          </Router>
        ) : <SignIn />}
      </main>
    </LocationProvider>
  );
}
