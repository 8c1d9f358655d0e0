// What a CLI command may touch, so commands run the same from the terminal, from tests and in-process.

export interface CliIO {
  /** Writes one message; a newline is added when the text does not end with one. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, as UTF-8. */
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Relative paths in arguments and settings resolve against this. */
  cwd: string;
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(withNewline(text)),
    stderr: (text) => void process.stderr.write(withNewline(text)),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

export interface MemoryIO extends CliIO {
  /** Everything written to stdout so far. */
  readonly out: string;
  readonly err: string;
}

/** An in-memory CliIO: for tests, and for running a command from inside the app. */
export function memoryIO(
  options: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
): MemoryIO {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += withNewline(text)),
    stderr: (text) => void (err += withNewline(text)),
    readStdin: async () => options.stdin ?? '',
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
