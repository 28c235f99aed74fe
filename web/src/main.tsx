// The dashboard's entry: the app into #app (its "Loading…" placeholder removed first: render() would keep it)
import { render } from 'preact';
import { App } from './app.tsx';
import { prefetch } from './live.ts';
import './style.css';

// the overview's one read starts with the script, not after the first render
if (location.pathname === '/') prefetch('/api/overview');

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
