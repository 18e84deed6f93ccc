/* Baraza portal service worker: the shell and the first steps open offline; drafts are kept by
   portal.js. Pages are fetched from the network first, so nobody sees a stale status. */
var CACHE = 'baraza-__VERSION__';
var SHELL = ['/', '/feedback', '/track', '/offline', '/portal/assets/portal.css?v=__VERSION__',
  '/portal/assets/portal.js?v=__VERSION__', '/portal/assets/icon.svg', '/portal/assets/icon-192.png'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  var url = new URL(request.url);
  if (url.pathname.indexOf('/portal/assets/') === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || caches.match('/offline');
      });
    }));
  }
});
