import type { RenderStyle } from './render.js';

/** Where the CLI writes and reads: the process's streams, or a test's buffers. */
export interface Io {
  stdout: (text: string) => void;
  /** How stdout draws: colour only on a terminal that has it (NO_COLOR, FORCE_COLOR and TERM=dumb honoured by Node). */
  style: RenderStyle;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}
