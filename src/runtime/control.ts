import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The control socket lets a second `steward` command run inside the process that holds the
// embedded database, instead of opening PGlite behind its back. Local only: a Unix socket, mode 0600.

export interface ControlRequest {
  args: string[];
  stdin: string;
  /** The caller's working directory: file names in its arguments are relative to it. */
  cwd?: string;
  /** The caller's login name ($USER), which the audit trail names as who ran the command. */
  user?: string;
}

export interface ControlResponse {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

export async function startControlServer(
  handler: ControlHandler,
): Promise<{ socketPath: string; close(): Promise<void> }> {
  const socketPath = path.join(os.tmpdir(), `steward-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = '';
      void (async () => {
        let response: ControlResponse;
        try {
          const request = JSON.parse(line) as ControlRequest;
          response = await handler({
            args: request.args.map(String),
            stdin: String(request.stdin ?? ''),
            ...(typeof request.cwd === 'string' && path.isAbsolute(request.cwd) ? { cwd: request.cwd } : {}),
            ...(typeof request.user === 'string' && /^[\w.@-]{1,100}$/u.test(request.user)
              ? { user: request.user }
              : {}),
          });
        } catch (error) {
          response = { stdout: '', stderr: `${error instanceof Error ? error.message : String(error)}\n`, exitCode: 1 };
        }
        socket.end(`${JSON.stringify(response)}\n`);
      })();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  server.unref();
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        try {
          unlinkSync(socketPath);
        } catch {
          // already gone
        }
      }),
  };
}

export function sendControlRequest(
  socketPath: string,
  request: ControlRequest,
  timeoutMs = 120_000,
): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error('The running Steward process did not answer in time.')),
    );
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer) as ControlResponse);
      } catch {
        reject(new Error('The running Steward process sent an unreadable answer.'));
      }
    });
    socket.on('error', reject);
  });
}
