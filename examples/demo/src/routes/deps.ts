import type { Db } from '../storage/open-database.js';
import type { LatchkeyClient } from '../latchkey/latchkey-client.js';
import type { ReportPasswordLogin } from '../latchkey/report-password-login.js';
import type { LatchkeyPageConfig } from '../views/pages.js';

export interface RouteDeps {
  db: Db;
  latchkey: LatchkeyClient;
  /** What the pages' web components are given: the Latchkey URL as the browser reaches it, and the project. */
  pageConfig: LatchkeyPageConfig;
  /** Reports each password login to Latchkey's adoption report (best effort). */
  reportPasswordLogin: ReportPasswordLogin;
}
