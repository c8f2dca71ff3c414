import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The suite's slowest files, with the seconds each took on CI's 2-core machine (the slower of its
 * two stores; a loaded run, so only their order matters). Refresh from test-results/vitest.json when
 * a file grows slow or fast. Files not listed here take well under 15 s.
 */
const KNOWN_SECONDS: Record<string, number> = {
  'test/http-surface.test.ts': 72,
  'test/browser/console.test.ts': 72,
  'test/cli-project.test.ts': 72,
  'test/cli-serve.test.ts': 70,
  'test/cli-operations.test.ts': 68,
  'test/sqlite/startup-refusals.test.ts': 68,
  'test/secrets-at-rest.test.ts': 59,
  'test/cli-usage.test.ts': 37,
  'test/cli-project-delete.test.ts': 36,
  'test/cluster.test.ts': 35,
  'test/startup-refusals.test.ts': 31,
  'test/cli-project-apps.test.ts': 28,
  'test/portability.test.ts': 27,
  'test/postgres/adoption-instances.test.ts': 20,
  'test/adoption-decisions.test.ts': 19,
  'test/native-apps.test.ts': 15,
};

/**
 * Runs each project's slowest files first, so that at the end both workers run short files and
 * finish together, instead of one waiting for a long file that started last. vitest's own order
 * does this from the durations it cached on an earlier run; a fresh clone (CI) has none, and falls
 * back to the largest files first, which put slow short files (CLI processes, server restarts)
 * at the end. Projects keep vitest's order and stay together: a worker that moves on to a file of
 * another project starts a new process and loads the modules again.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const vitestOrder = await super.sort(files);
    const projectRank = new Map<string, number>();
    for (const file of vitestOrder) if (!projectRank.has(file.project.name)) projectRank.set(file.project.name, projectRank.size);
    const seconds = (file: TestSpecification) => KNOWN_SECONDS[file.moduleId.slice(file.project.config.root.length + 1)] ?? 0;
    // Array.prototype.sort is stable: files of equal rank and seconds keep vitest's order.
    return vitestOrder.sort((a, b) => projectRank.get(a.project.name)! - projectRank.get(b.project.name)! || seconds(b) - seconds(a));
  }
}
