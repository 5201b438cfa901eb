// What every browser test needs from the server side: `ecotown demo` on a temporary SQLite file
// and a free port, stopped gracefully at the end, killed by a watchdog if a test hangs.
//
// Environment: ECOTOWN_BIN (required: the built binary).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts the demo. name: used in the temporary directory and the watchdog message. Options:
 * watchdogMs (kill the server and exit the test process after this long), config (TOML text
 * passed with --config), startMs (how long the server may take to listen), env (extra variables).
 * Resolves to { base, tmp, process, log(), stop() }; rejects with the server's output if it
 * exits or does not listen in time.
 */
export function startDemo(name, { watchdogMs = 140_000, config = null, startMs = 60_000, env = {} } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), `ecotown-${name}-web-`));
  const args = ['demo', '--db', `sqlite:${join(tmp, 'ecotown.db')}`, '--listen', '127.0.0.1:0'];
  if (config !== null) {
    const path = join(tmp, 'ecotown.toml');
    writeFileSync(path, config);
    args.splice(1, 0, '--config', path);
  }
  const server = spawn(process.env.ECOTOWN_BIN, args, {
    env: {
      ...process.env,
      ECOTOWN_WEB_DIR: join(ROOT, 'web'),
      ECOTOWN_NODE_MODULES: join(ROOT, 'node_modules'),
      ECOTOWN_DATA_DIR: join(ROOT, 'data'),
      ECOTOWN_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const watchdog = setTimeout(() => {
    console.error(`${name}.test: watchdog fired, stopping the server`);
    server.kill('SIGKILL');
    process.exit(1);
  }, watchdogMs);
  watchdog.unref();
  process.on('exit', () => server.kill('SIGKILL'));

  async function stop() {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') server.kill('SIGKILL');
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startMs / 1000} s:\n${log}`)), startMs);
    server.stdout.setEncoding('utf8');
    server.stderr.setEncoding('utf8');
    server.stderr.on('data', (chunk) => { log += chunk; });
    server.stdout.on('data', (chunk) => {
      log += chunk;
      // `ecotown demo` prints the port it really listens on (we asked for port 0: any free one).
      const m = /http:\/\/localhost:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ base: `http://127.0.0.1:${m[1]}`, tmp, process: server, log: () => log, stop });
      }
    });
    server.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${log}`));
    });
  });
}

// Screenshots of the browser tests go here (CTest sets ECOTOWN_WEB_ARTIFACTS).
export const ARTIFACTS = process.env.ECOTOWN_WEB_ARTIFACTS || join(ROOT, 'build', 'web-artifacts');

/** The app's own API client (web/js/api.js) called inside the page, with its session and CSRF token. */
export function apiCall(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const api = await import('/js/api.js');
    return api.request(m, p, b);
  }, [method, path, body]);
}

/** A full-page screenshot ARTIFACTS/name.png, taken with the fonts loaded and scrolled to the top. */
export async function shot(page, name) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
