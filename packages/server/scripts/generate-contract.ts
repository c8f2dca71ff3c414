import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { contractFiles, REPO_ROOT } from './contract/contract-files.js';

// `npm run contract` (repository root): rewrites the OpenAPI document and the SDKs' generated types.
for (const [path, content] of Object.entries(await contractFiles())) {
  const target = join(REPO_ROOT, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  console.log(`wrote ${path}`);
}
