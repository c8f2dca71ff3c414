import { forbidden, type LatchkeyError } from '../errors/latchkey-error.js';

/**
 * The 403 for a browser origin a project does not list. Its message is read by the developer of the
 * refused page (the browser SDK surfaces it), so it names the refused origin and the command that
 * allows it, and nothing else: never the project's other origins (`--origin` replaces the list, so
 * the operator is told to repeat the ones to keep instead).
 */
export function originRefused(origin: string, projectId?: string): LatchkeyError {
  const whose = projectId ? `project ${projectId}` : 'any project on this Latchkey';
  const id = projectId ?? '<project-id>';
  return forbidden(
    'origin_not_allowed',
    `origin ${origin} is not an allowed origin of ${whose}; an operator allows it with ` +
      `\`latchkey project update ${id} --origin ${origin}\` (--origin replaces the list: repeat it for every origin to keep)`,
  );
}
