// What a command prints when it stops: one line on stderr, `netlens <command>: <what>`. The text often quotes
// what the user or another program gave (an option, a path, a dataset's name, a server's answer), so it is
// made inert and cut here, the one way every command reports (shared/inert-text.ts).
import { errorText } from '../../shared/error-text.js';
import { inertExcerpt } from '../../shared/inert-text.js';

export function commandError(command: string | null, what: unknown): string {
  return `netlens${command ? ` ${command}` : ''}: ${inertExcerpt(errorText(what), 500)}`;
}
