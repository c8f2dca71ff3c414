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
  const block = page.locator(`#operations-${await tagOf(operationId)}-${operationId}`);
  await block.locator('.opblock-summary').click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  if (fill) await fill(block);
  await block.getByRole('button', { name: 'Execute' }).click();
  const response = block.locator('.live-responses-table .response');
  await response.first().waitFor();
  return { status: (await response.locator('.response-col_status').first().innerText()).trim(), body: await block.locator('.live-responses-table .microlight').first().innerText() };
}

/** Swagger UI's element id is built from the operation's first tag, spaces and colons as underscores. */
async function tagOf(operationId: string): Promise<string> {
  const document = (await (await fetch(`${latchkey.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string; tags: string[] }>> };
  for (const methods of Object.values(document.paths)) for (const op of Object.values(methods)) if (op.operationId === operationId) return op.tags[0]!.replace(/[^A-Za-z0-9_-]/g, '_');
  throw new Error(`no operation ${operationId}`);
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
});
