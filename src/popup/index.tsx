/** Popup entry: wiring only. */
import { render } from 'preact';
import { App } from './app';
import { createPopupStore } from './store';

import { savedSnapshot } from '../platform/ui-channel';

// The first frame shows the worker's last saved state (a few ms to read), not "Loading…".
const root = document.getElementById('app');
if (root) void savedSnapshot().then((saved) => render(<App store={createPopupStore(saved)} />, root));
