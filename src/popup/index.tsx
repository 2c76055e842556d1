/** Popup entry: wiring only. */
import { render } from 'preact';
import { App } from './app';
import { createPopupStore } from './store';

const root = document.getElementById('app');
if (root) render(<App store={createPopupStore()} />, root);
