// The dashboard's entry: the app into #app
import { render } from 'preact';
import { App } from './app.tsx';
import './style.css';

const root = document.getElementById('app')!;
root.textContent = ''; // the static "Loading Tandem…" (preact's render appends beside what is there)
render(<App />, root);
