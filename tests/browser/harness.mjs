// What the dashboard's browser test runs against: a real rehook (its own data directory, a port
// the kernel picks, loopback only) and an HTTPS sink that records what rehook sends it. Both
// are stopped by stopAll(), which the test calls however it ends.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

const cleanups = [];

export async function stopAll() {
  while (cleanups.length) {
    const cleanup = cleanups.pop();
    try {
      await cleanup();
    } catch (error) {
      console.error(`cleanup failed: ${error.message}`);
    }
  }
}

export function makeTempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rehook-browser-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A throw-away CA and a certificate for 127.0.0.1 signed by it, made with the openssl CLI.
// rehook trusts the CA through --ca-file; single-request replay only sends to https:// URLs.
export function makeCertificates(dir) {
  const file = (name) => path.join(dir, name);
  const run = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=rehook browser test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', file('sink.key'), '-out', file('sink.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('sink.ext'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', file('sink.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', file('sink.ext'), '-out', file('sink.pem'));
  return { caFile: file('ca.pem'), key: readFileSync(file('sink.key')), cert: readFileSync(file('sink.pem')) };
}

// An HTTPS server on 127.0.0.1 that answers 200 to everything (500 under /fail, and under any
// path prefix the test adds to `failing`) and keeps each request it got: {method, url, headers,
// body}.
export async function startSink(certificates) {
  const requests = [];
  const failing = new Set();
  const server = https.createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const fails = req.url.startsWith('/fail') || [...failing].some((prefix) => req.url.startsWith(prefix));
      res.writeHead(fails ? 500 : 200, { 'Content-Type': 'text/plain' });
      res.end(fails ? 'sink says no' : 'ok');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  cleanups.push(() => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  }));
  return { url: `https://127.0.0.1:${server.address().port}`, requests, failing };
}

// Starts `rehook serve` and resolves once it prints its URL: {url, adminKey, logs()}.
export async function startRehook({ binary, dir, caFile, timeoutMs = 60000 }) {
  const dataDir = path.join(dir, 'data');
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--allow-private-targets', '--ca-file', caFile];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(() => stopProcess(child, exited));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rehook did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    const check = () => {
      const match = stdout.match(/rehook listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`rehook exited (code ${code}, signal ${signal}) before listening:\n${stderr}`));
    });
    check();
  });
  const adminKey = readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
  return { url, adminKey, logs: () => stderr };
}

// SIGTERM, then SIGKILL if it has not exited within 15 s.
async function stopProcess(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(timer);
}

// Registers something else to stop at the end (the browser).
export function onStop(cleanup) {
  cleanups.push(cleanup);
}
