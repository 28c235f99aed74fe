// The dashboard's entry: the app into #app (its "Loading…" placeholder removed first: render() would keep it)
import { render } from 'preact';
import { App } from './app.tsx';
import './style.css';

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
