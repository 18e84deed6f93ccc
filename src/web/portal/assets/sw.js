/* Baraza portal service worker: the shell and the first steps open offline; drafts are kept by
   portal.js. Pages are fetched from the network first, so nobody sees a stale status. */
var CACHE = 'baraza-__VERSION__';
var SHELL = [
  '/',
  '/feedback',
  '/track',
  '/offline',
  '/portal/assets/portal.css?v=__VERSION__',
  '/portal/assets/portal.js?v=__VERSION__',
  '/portal/assets/icon.svg',
  '/portal/assets/icon-192.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  var request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  var url = new URL(request.url);
  if (url.pathname.indexOf('/portal/assets/') === 0) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, { ignoreSearch: true }).then((hit) => hit || caches.match('/offline')),
      ),
    );
  }
});
