import type { PasskeyEvent } from '../events/list-events.js';

/** A spreadsheet must not run a cell as a formula: values starting like one are prefixed with '. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = 'id,time,type,user,credential,process,detail\n';

export function eventsToCsv(events: PasskeyEvent[]): string {
  return events
    .map((e) => [e.id, new Date(e.createdAt * 1000).toISOString(), e.type, e.userID, e.credentialID, e.processId, e.detail].map(cell).join(',') + '\n')
    .join('');
}
