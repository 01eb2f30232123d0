/**
 * A real local implementation of AWS APIs for the tests: moto's server (PyPI, pinned in
 * projenrc/local-aws.ts, installed into .venv/ by the `moto:install` task that `test` runs
 * first), started on 127.0.0.1 on a port the system picks, one server per test file.
 *
 *     let moto: MotoServer;
 *     beforeAll(async () => { moto = await startMotoServer(); });
 *     afterAll(() => moto.stop());
 *     // point an SDK v3 client at it: new DynamoDBClient({ endpoint: moto.endpoint, ...MOTO_CLIENT })
 *
 * Nothing reaches AWS: the server listens on the loopback address only and the clients carry
 * fake credentials.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

/** The Python of the project's virtual environment, where `moto:install` puts moto. */
export const MOTO_PYTHON = path.join(__dirname, '..', '.venv', 'bin', 'python');

/** Region and fake credentials for SDK v3 clients pointed at the server. */
export const MOTO_CLIENT = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
} as const;

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Forgets every resource created so far (moto's `/moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** A free port on 127.0.0.1 (taken from the system, then released: nothing listens there afterwards). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function request(url: string, method: 'GET' | 'POST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.end();
  });
}

/** Starts moto's server on 127.0.0.1; resolves once it answers (at most `timeoutMs`). */
export async function startMotoServer(timeoutMs = 30_000): Promise<MotoServer> {
  if (!fs.existsSync(MOTO_PYTHON)) {
    throw new Error(`${MOTO_PYTHON} not found: run 'npx projen moto:install' (the test task runs it first)`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(MOTO_PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', PYTHONUNBUFFERED: '1' },
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  let exited = false;
  child.once('exit', () => { exited = true; });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto server exited before answering:\n${output.join('')}`);
    try {
      if (await request(`${endpoint}/moto-api/`, 'GET') === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    endpoint,
    async reset() {
      const status = await request(`${endpoint}/moto-api/reset`, 'POST');
      if (status !== 200) throw new Error(`moto reset answered ${status}`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (exited) { resolve(); return; }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 3000).unref();
      });
    },
  };
}
