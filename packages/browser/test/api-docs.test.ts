import { launchChromium, startLatchkey, type TestLatchkey } from '@latchkey/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The server's API reference (/docs, Swagger UI over /openapi.json) in a real Chromium: the page
 * renders every operation, and "Try it out" sends a real request from the page and shows the
 * server's answer (the page's Content-Security-Policy lets it call the API).
 */
let latchkey: TestLatchkey, browser: Browser, page: Page;
const refused: string[] = [];

beforeAll(async () => {
  latchkey = await startLatchkey();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await latchkey?.close();
});

async function tryItOut(operationId: string, fill?: (block: ReturnType<Page['locator']>) => Promise<void>): Promise<{ status: string; body: string }> {
  // Swagger UI's element id is operations-<escaped tag>-<operationId>; operationIds are unique.
  const block = page.locator(`[id^="operations-"][id$="-${operationId}"]`);
  await block.locator('.opblock-summary').click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  if (fill) await fill(block);
  await block.getByRole('button', { name: 'Execute' }).click();
  const response = block.locator('.live-responses-table .response');
  await response.first().waitFor();
  return { status: (await response.locator('.response-col_status').first().innerText()).trim(), body: await block.locator('.live-responses-table .microlight').first().innerText() };
}

describe('/docs', () => {
  it('renders every operation of the document', async () => {
    await page.goto(`${latchkey.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    const document = (await (await fetch(`${latchkey.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
  });

  it('"Try it out" on GET /healthz gets the server’s answer', async () => {
    const answer = await tryItOut('health');
    expect(answer.status).toBe('200');
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });

  it('"Try it out" on the JWKS, with a path parameter, gets the project’s keys', async () => {
    const answer = await tryItOut('getJwks', async (block) => {
      await block.locator('input[placeholder="projectId"]').fill(latchkey.project.id);
    });
    expect(answer.status).toBe('200');
    expect((JSON.parse(answer.body) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
  });

  it('"Authorize" with a project id sends X-Project-ID: "Try it out" opens a login on the Frontend API', async () => {
    // The page's own origin must be one the project lists: the Frontend API refuses others (403).
    // (plain http only for localhost, so the page is opened there).
    const origin = `http://localhost:${latchkey.port}`;
    const project = await latchkey.addProject({ origins: [origin] });
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor();
    await page.locator('.auth-wrapper .authorize').click();
    const scheme = page.locator('.auth-container').filter({ hasText: 'projectId' });
    await scheme.locator('input').fill(project.id);
    await scheme.locator('button.authorize').click();
    await page.locator('.modal-ux .close-modal').click();
    const answer = await tryItOut('loginInit');
    expect(answer.status).toBe('200');
    expect(JSON.parse(answer.body)).toMatchObject({ processId: expect.any(String), loginAllowed: expect.any(Boolean) });
  });
});
