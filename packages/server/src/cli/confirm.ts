import { createInterface } from 'node:readline';

/** A person is at the keyboard: stdin and stderr (where the question goes) are both terminals. */
export const canAsk = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

/** Asks a yes/no question on stderr (stdout stays for the result); anything but y/yes is no, end of input too. */
export function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    prompt.once('close', () => resolve(false));
    prompt.question(`${question} [y/N] `, (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      prompt.close();
    });
  });
}
