// The service worker: keeps the app usable with no network, for inspectors on a phone.
//
// - The app shell (HTML, CSS, the ES modules, the locale files, the Thai font) is cached at
//   install, and every same-origin GET of the shell is served network-first with the cache as
//   fallback, so an online user always gets the current release.
// - A few API reads the offline pages need (who am I, checklists, inspections, actions) are
//   cached the same way, network-first: offline, the last answer seen is served.
// - Writes are never touched here: the inspection page queues them in IndexedDB itself
//   (js/offline_queue.js) and sends them when the network is back.
// Served by the binary from web/sw.js at /sw.js (scope /) as text/javascript.
const CACHE = 'ecotown-shell-v1';

const SHELL = [
  '/',
  '/index.html',
  '/css/app.css',
  '/favicon.svg',
  '/manifest.webmanifest',
  '/locales/th.json',
  '/locales/en.json',
  '/js/air.js',
  '/js/api.js',
  '/js/app.js',
  '/js/charts.js',
  '/js/dates.js',
  '/js/dom.js',
  '/js/errors.js',
  '/js/i18n.js',
  '/js/live.js',
  '/js/offline_queue.js',
  '/js/views/actions.js',
  '/js/views/air_common.js',
  '/js/views/alerts.js',
  '/js/views/aqi.js',
  '/js/views/audit.js',
  '/js/views/checklists.js',
  '/js/views/clinic.js',
  '/js/views/complaint_evidence.js',
  '/js/views/complaints.js',
  '/js/views/form_kit.js',
  '/js/views/factories.js',
  '/js/views/health.js',
  '/js/views/home.js',
  '/js/views/inspection.js',
  '/js/views/inspections.js',
  '/js/views/line_settings.js',
  '/js/views/login.js',
  '/js/views/map.js',
  '/js/views/network.js',
  '/js/views/orgs.js',
  '/js/views/public.js',
  '/js/views/sensor.js',
  '/js/views/sensor_calibration.js',
  '/js/views/sensors.js',
  '/js/views/training.js',
  '/js/views/users.js',
  '/vendor/sarabun/files/sarabun-thai-400-normal.woff2',
  '/vendor/sarabun/files/sarabun-latin-400-normal.woff2',
  '/vendor/sarabun/files/sarabun-thai-600-normal.woff2',
  '/vendor/sarabun/files/sarabun-latin-600-normal.woff2',
  '/vendor/sarabun/files/sarabun-thai-700-normal.woff2',
  '/vendor/sarabun/files/sarabun-latin-700-normal.woff2',
];

// API reads kept for offline use (GET only).
const API_READS = [/^\/api\/v1\/me$/, /^\/api\/v1\/checklists(\/\d+)?$/, /^\/api\/v1\/inspections(\/\d+)?$/,
  /^\/api\/v1\/actions$/, /^\/api\/v1\/inspections\/\d+\/photos\/\d+$/];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one, so that a missing file does not stop the worker from installing.
    await Promise.all(SHELL.map(async (url) => {
      try {
        const response = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
        if (response.ok) await cache.put(url, response);
      } catch {
        // offline during install: the runtime cache fills in later
      }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function cacheable(url, request) {
  if (request.method !== 'GET' || url.origin !== self.location.origin) return false;
  if (url.pathname.startsWith('/api/')) return API_READS.some((re) => re.test(url.pathname));
  if (url.pathname === '/sw.js' || url.pathname === '/healthz' || url.pathname === '/readyz') return false;
  return !url.pathname.startsWith('/v3/') && url.pathname !== '/metrics';
}

async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  // API answers are per query string; shell files are not (a ?v= is the same file).
  const key = url.pathname.startsWith('/api/') ? url.pathname + url.search : url.pathname;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key) ?? (request.mode === 'navigate' ? await cache.match('/') : undefined);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (!cacheable(url, event.request)) return;
  event.respondWith(networkFirst(event.request, url));
});
