{% autoescape off %}// The door's service worker (web/views/door_offline.py), scoped to one event's door page.
// It keeps the page and its scripts so the door opens without a network. API answers are
// never kept here: the roster and the offline scans live in the page's IndexedDB.
const PREFIX = {{ cache_prefix }};
const CACHE = PREFIX + {{ version }};
const DOOR = {{ door }};
const ASSETS = {{ assets }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...ASSETS, DOOR]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Copies of an earlier deployment of this door are dropped; other doors' are left alone.
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function doorPage(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // The page as last seen online, for the next time the network is gone.
    if (response.ok && !new URL(request.url).search) await cache.put(DOOR, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(DOOR)) || Response.error();
  }
}

async function asset(request) {
  const kept = await caches.match(request, { ignoreSearch: true });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === DOOR) {
    event.respondWith(doorPage(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});

// The page asks this when the event is over or its user signed out: nothing stays behind.
self.addEventListener("message", (event) => {
  if (event.data === "forget") {
    event.waitUntil(caches.delete(CACHE).then(() => self.registration.unregister()));
  }
});
{% endautoescape %}
