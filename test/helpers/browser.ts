/** What a page in headless Chromium did that a self-contained, inert report must never do. */
import type { Page } from 'playwright-core';

export interface PageWatch {
  /** Every URL requested, the file itself included. */
  requests: string[];
  /** Console errors and warnings, page errors and dialogs (an alert from injected script among them). */
  problems: string[];
}

export function watchPage(page: Page): PageWatch {
  const w: PageWatch = { requests: [], problems: [] };
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') w.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    w.problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  return w;
}
