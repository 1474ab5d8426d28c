// The interactive confirmation before apply: only "yes" goes on, as terraform does.
import { createInterface } from 'node:readline/promises';

/** Asks on the terminal; Ctrl-C at the question cancels, like any answer other than "yes". */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const cancelled = new Promise<string>((resolve) => rl.once('SIGINT', () => resolve('')));
  try {
    return (await Promise.race([rl.question(question), cancelled])).trim() === 'yes';
  } finally {
    rl.close();
  }
}
