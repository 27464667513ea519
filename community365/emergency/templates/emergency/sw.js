/* Community 365 — the emergency checklist's service worker: keeps the pages under
   /cases/emergencies/ and the site's static files, so the checklist opens without a network.
   Pages: network first, the last copy when offline. Writes and the API are never touched. */
const CACHE = "c365-emergency-v1";
const STATICS = {{ statics|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(STATICS)).catch(() => undefined));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  const ours = url.pathname.startsWith("/cases/emergencies/") || url.pathname.startsWith("/static/");
  if (!ours) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error()))
  );
});
