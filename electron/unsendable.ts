// A message the browser host cannot turn into text: JSON.stringify throws past the longest string the engine can
// make (about 512 MB on 64-bit V8), which a snapshot can reach when processes with long command lines share many
// sockets (each row carries its owners). The host must not fail with it: the client is told instead, in a message
// of its own kind (the dataset's error, the request's failure, a notice), and the host's log says why.
import type { ServerMessage } from '../shared/protocol.js';

/** The message as JSON text, or null when it cannot be made (too long, or not serialisable). */
export function messageText(message: ServerMessage): string | null {
  try {
    return JSON.stringify(message);
  } catch {
    return null;
  }
}

/** What the client is sent in place of a message that could not be made into text, and the log's line. */
export function unsendableMessage(
  message: ServerMessage,
  now: number = Date.now(),
): { instead: ServerMessage; text: string } {
  const tooLarge = 'too large to send as one message (past the longest text JavaScript can hold)';
  switch (message.type) {
    case 'snapshot':
    case 'diff': {
      const text = `the ${message.dataset} table (${message.type}) was ${tooLarge}; it is not shown: reload the page to try again`;
      return { instead: { type: 'collectorError', dataset: message.dataset, message: text, at: now }, text };
    }
    case 'response': {
      const text = `the answer to request ${message.id} was ${tooLarge}`;
      return { instead: { type: 'response', id: message.id, ok: false, error: `The answer was ${tooLarge}.` }, text };
    }
    default: {
      const text = `a ${message.type} message was ${tooLarge}`;
      return {
        instead: {
          type: 'notice',
          level: 'error',
          code: 'unsendable',
          text: `A ${message.type} message was ${tooLarge}.`,
        },
        text,
      };
    }
  }
}
