/**
 * An agent signed in and ready, for the benchmarks and the soak: Chromium with
 * the extension, the microphone granted, signed in through the popup, softphone
 * on, "Ready to receive calls" shown. The microphone grant's CDP session lives
 * on a blank page that stays open (Chromium resets a context's permission
 * overrides when such a session detaches, and the phone would then rightly
 * unregister), so the popup itself may be closed.
 */
import type { Page } from 'playwright-core';
import type { Lab } from '../lab/lab';
import { grantMicrophone, launchExtensionBrowser, type ExtensionBrowser } from './extension-browser';

export interface SignedInAgent {
  browser: ExtensionBrowser;
  popup: Page;
}

export async function signedInAgent(lab: Lab, user = 'alice', password = `${user}-password`): Promise<SignedInAgent> {
  const browser = await launchExtensionBrowser();
  const holder = await browser.context.newPage();
  await grantMicrophone(browser.context, holder, browser.origin);
  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  await popup.getByRole('textbox', { name: 'Server' }).fill(lab.loginUrl);
  await popup.getByRole('textbox', { name: 'Username' }).fill(user);
  await popup.getByLabel('Password').fill(password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('switch', { name: 'Softphone' }).click();
  await popup.getByText('Ready to receive calls').waitFor({ timeout: 20_000 });
  return { browser, popup };
}
