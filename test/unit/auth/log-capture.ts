// A pino logger that writes every line, at every level, into memory, so tests can search what would be logged.
import { type Logger, pino } from 'pino';

/** The logger and the lines it wrote so far. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}
