// What an error says, for a log line or a message to the user: an Error's message, else the thrown value as
// text. One definition for the modules that report errors (the CLI's commands, the monitor, the recorder).
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
