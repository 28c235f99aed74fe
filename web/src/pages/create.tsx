// Creating a live strategy from a paper one (the seed's four steps: FT wallet, capital, execution settings, review)
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.ts';
import { paths } from '../routes.ts';
import type { LtItem } from '../types.ts';

export function CreatePage() {
  const { query, route } = useLocation();
  const [ft, setFt] = useState(query.ft ?? '');
  const [capital, setCapital] = useState('1000');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const created = await post<LtItem>('/api/lt/strategies', { ft_wallet_id: ft, starting_capital: capital });
      route(paths.lt(created.strategy.strategy_id));
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form class="page" data-testid="create" onSubmit={submit}>
      <h1>New live strategy</h1>
      <label>Paper strategy <input name="ft_wallet_id" value={ft} onInput={(e) => setFt((e.target as HTMLInputElement).value)} /></label>
      <label>Starting capital (USDC) <input name="starting_capital" inputMode="decimal" value={capital}
        onInput={(e) => setCapital((e.target as HTMLInputElement).value)} /></label>
      {error ? <p class="error" role="alert">{error.message}</p> : null}
      <button type="submit" class="primary">Create</button>
    </form>
  );
}
