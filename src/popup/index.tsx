/** Popup entry: wiring only. */
import { localizePage } from '../platform/page-i18n'; // First: the words come from _locales.
import { render } from 'preact';
import { App } from './app';
import { createPopupStore } from './store';

import { savedSnapshot } from '../platform/ui-channel';

// The first frame shows the worker's last saved state (a few ms to read), not "Loading…".
localizePage();
const root = document.getElementById('app');
if (root) void savedSnapshot().then((saved) => render(<App store={createPopupStore(saved)} />, root));
