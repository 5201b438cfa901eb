// The offline queue of the inspection page: every change an inspector makes (an answer, a note,
// a finding, a corrective action, a photo) is first stored in IndexedDB as an operation with a
// client-generated id, then sent to the server when the network allows:
//   - answers, notes, findings and actions in batches to POST /api/v1/inspections/{id}/sync;
//   - photos one by one as raw images to POST /api/v1/inspections/{id}/photos?op={id}&...
// The server applies each operation id once and answers a replay with the stored result, so an
// operation is removed from the queue only after the server has answered for it; a lost answer
// just means the operation is sent again. Nothing is lost when the page is closed or reloaded.
// The last copy of each inspection seen online is kept too ("snapshot"), for reloads offline.
import * as api from './api.js';
import { ApiError } from './api.js';

const DB_NAME = 'ecotown-offline';
const DB_VERSION = 1;
const BATCH = 50;

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const ops = db.createObjectStore('ops', { keyPath: 'id' });
        ops.createIndex('inspection', 'inspection_id');
        db.createObjectStore('snapshots', { keyPath: 'id' });
        db.createObjectStore('rejected', { keyPath: 'id' });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

function tx(store, mode, fn) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    let result;
    Promise.resolve(fn(transaction.objectStore(store))).then((r) => { result = r; });
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  }));
}

function requestValue(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** A new operation id (36 characters, accepted by the server's 8..64 [A-Za-z0-9-_] rule). */
export function newOpId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Stores one operation. op: {kind, ...fields}; photo operations carry `blob` (the image).
 * Returns the stored operation (with id, inspection_id, at, seq).
 */
export async function enqueue(inspectionId, op) {
  const stored = {
    ...op,
    id: op.id ?? newOpId(),
    inspection_id: Number(inspectionId),
    at: op.at ?? Math.floor(Date.now() / 1000),
    seq: Date.now() + Math.random(),
  };
  await tx('ops', 'readwrite', (s) => s.put(stored));
  notify(inspectionId);
  return stored;
}

/** The operations of an inspection still waiting for the server, in the order they were made. */
export async function pending(inspectionId) {
  const ops = await tx('ops', 'readonly', (s) => requestValue(s.index('inspection').getAll(Number(inspectionId))));
  return ops.sort((a, b) => a.seq - b.seq);
}

/** Operations the server refused (kept so the inspector can see why), newest last. */
export async function rejected(inspectionId) {
  const all = await tx('rejected', 'readonly', (s) => requestValue(s.getAll()));
  return all.filter((r) => r.inspection_id === Number(inspectionId));
}

export async function saveSnapshot(inspection) {
  await tx('snapshots', 'readwrite', (s) => s.put({ ...inspection, saved_at: Date.now() }));
}

export async function loadSnapshot(inspectionId) {
  return tx('snapshots', 'readonly', (s) => requestValue(s.get(Number(inspectionId))));
}

async function remove(id) {
  await tx('ops', 'readwrite', (s) => s.delete(id));
}

const listeners = new Set();
/** Calls fn(inspectionId) whenever the queue of an inspection changes. Returns an unsubscribe. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function notify(inspectionId) {
  for (const fn of listeners) {
    try {
      fn(Number(inspectionId));
    } catch (e) {
      console.error(e);
    }
  }
}

function wireOp(op) {
  const out = { id: op.id, kind: op.kind, at: op.at };
  for (const key of ['item_key', 'choice', 'number', 'text', 'note', 'severity', 'description', 'legal_basis',
    'title', 'owner', 'due_date', 'finding_id', 'finding_op']) {
    if (op[key] !== undefined && op[key] !== null && op[key] !== '') out[key] = op[key];
  }
  return out;
}

async function settle(inspectionId, op, result) {
  if (result?.status === 'rejected') {
    await tx('rejected', 'readwrite', (s) => s.put({ id: op.id, inspection_id: Number(inspectionId), kind: op.kind,
      item_key: op.item_key ?? '', error: result.error ?? {} }));
  }
  await remove(op.id);
}

const running = new Map();

/**
 * Sends what is waiting for one inspection. Resolves to {sent, left, offline}; never rejects for
 * network failures (the operations stay queued). Concurrent calls share one run.
 */
export function flush(inspectionId) {
  const key = Number(inspectionId);
  if (!running.has(key)) {
    running.set(key, run(key).finally(() => running.delete(key)));
  }
  return running.get(key);
}

async function run(inspectionId) {
  let sent = 0;
  try {
    for (;;) {
      const ops = await pending(inspectionId);
      if (ops.length === 0) break;
      const first = ops[0];
      if (first.kind === 'photo') {
        const params = new URLSearchParams({ op: first.id, taken_at: String(first.taken_at ?? first.at) });
        if (first.item_key) params.set('item', first.item_key);
        if (Number.isFinite(first.lat) && Number.isFinite(first.lon)) {
          params.set('lat', String(first.lat));
          params.set('lon', String(first.lon));
        }
        try {
          await api.postBytes(`/api/v1/inspections/${inspectionId}/photos?${params}`, first.blob);
          await settle(inspectionId, first, { status: 'applied' });
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
          await settle(inspectionId, first, { status: 'rejected', error: { code: e.code, field: e.field, message: e.message } });
        }
        sent += 1;
        notify(inspectionId);
        continue;
      }
      const batch = [];
      for (const op of ops) {
        if (op.kind === 'photo' || batch.length >= BATCH) break;
        batch.push(op);
      }
      const answer = await api.post(`/api/v1/inspections/${inspectionId}/sync`, { ops: batch.map(wireOp) });
      const byId = new Map((answer?.results ?? []).map((r) => [r.id, r]));
      for (const op of batch) await settle(inspectionId, op, byId.get(op.id));
      sent += batch.length;
      notify(inspectionId);
    }
  } catch (e) {
    const left = (await pending(inspectionId)).length;
    return { sent, left, offline: !(e instanceof ApiError) || e.status === 0, error: e };
  }
  return { sent, left: 0, offline: false };
}

/** Drops the cached API answers (on logout), keeping queued operations. */
export async function forgetCachedReads() {
  if (!globalThis.caches) return;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname.startsWith('/api/')) await cache.delete(request);
    }
  }
}
