/* The service worker of the staff pages, served as /sw.js by web.views.offline (which puts its settings in
   self.WANGGE_SW before this text). The static files it keeps come from the phone (their version is in its
   settings: a change brings a new worker); other static files and the pages come from the network first,
   with the copy last seen when there is none (pages: only those listed, refreshed on every online visit);
   any other page opened without a network shows the outbox page. Forms are not sent from here: the pages
   queue them (web/offline.js) and send them when the network is back. Signing out clears the kept pages. */
(function () {
  "use strict";
  var C = self.WANGGE_SW;
  var STATIC = "wangge-static-" + C.version, PAGES = "wangge-pages";

  function sameOrigin(url) { return url.origin === self.location.origin; }
  function kept(list, url) { return list.indexOf(url.pathname) !== -1; }

  function keepPages() {
    return caches.open(PAGES).then(function (cache) {
      return Promise.all(C.pages.concat(C.data).map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (res) {
          // A page that answers with the login page (signed out) is not kept.
          if (res.ok && !res.redirected) { return cache.put(u, res); }
          return null;
        }).catch(function () { return null; });
      }));
    });
  }

  self.addEventListener("install", function (event) {
    event.waitUntil(
      caches.open(STATIC).then(function (cache) { return cache.addAll(C.assets); })
        .then(keepPages)
        .then(function () { return self.skipWaiting(); })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf("wangge-static-") === 0 && n !== STATIC; })
          .map(function (n) { return caches.delete(n); }));
      }).then(function () { return self.clients.claim(); })
    );
  });

  self.addEventListener("message", function (event) {
    if (event.data === "keep-pages") { event.waitUntil(keepPages()); }
    if (event.data === "forget-pages") { event.waitUntil(caches.delete(PAGES)); }
  });

  function fromNetwork(request, cacheName, keep) {
    return fetch(request).then(function (res) {
      if (keep && res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(cacheName).then(function (cache) { cache.put(request.url.split("?")[0], copy); });
      }
      return res;
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request, url = new URL(request.url);
    if (!sameOrigin(url)) { return; }
    if (request.method === "POST" && url.pathname === C.logout) {
      event.waitUntil(caches.delete(PAGES));
      return;
    }
    if (request.method !== "GET") { return; }
    if (request.mode === "navigate") {
      event.respondWith(
        fromNetwork(request, PAGES, kept(C.pages, url)).catch(function () {
          return caches.match(url.origin + url.pathname, { cacheName: PAGES }).then(function (hit) {
            return hit || caches.match(C.fallback, { cacheName: PAGES });
          }).then(function (hit) {
            return hit || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
          });
        })
      );
      return;
    }
    if (kept(C.data, url)) {
      event.respondWith(fromNetwork(request, PAGES, true).catch(function () {
        return caches.match(url.origin + url.pathname, { cacheName: PAGES }).then(function (hit) {
          return hit || Response.error();
        });
      }));
      return;
    }
    if (kept(C.assets, url)) {
      // The files the version covers: from the phone (a new version brings new ones).
      event.respondWith(caches.match(request, { cacheName: STATIC }).then(function (hit) {
        return hit || fetch(request);
      }));
      return;
    }
    if (url.pathname.indexOf(C.static) === 0) {
      // Other static files: the network first, the copy last seen without one.
      event.respondWith(fromNetwork(request, STATIC, true).catch(function () {
        return caches.match(request, { cacheName: STATIC }).then(function (hit) { return hit || Response.error(); });
      }));
    }
  });
})();
