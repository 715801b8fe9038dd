// What an error says, for a log line or a message to the user: an Error's message, else the thrown value as
// text. One definition for the modules that report errors (the CLI's commands, the monitor, the recorder).
import { inertExcerpt } from './inert-text.js';
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a CLI command prints when it stops: one line on stderr, `netlens <command>: <what>`. The text often quotes
 *  what the user or another program gave (an option, a path, a dataset's name, a server's answer), so it is made
 *  inert and cut here, the one way every command reports (shared/inert-text.ts). */
export function commandError(command: string | null, what: unknown): string {
  return `netlens${command ? ` ${command}` : ''}: ${inertExcerpt(errorText(what), 500)}`;
}
