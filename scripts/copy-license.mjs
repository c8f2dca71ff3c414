// `prepack` of every published package: npm puts a LICENSE into a tarball only from the package's
// own folder, and the one license text lives at the repository root. The copy is git-ignored.
import { copyFileSync } from 'node:fs';

copyFileSync(new URL('../LICENSE', import.meta.url), 'LICENSE');
