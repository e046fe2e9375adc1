/* The staff pages without a network (web.views.offline): registers the service worker (/sw.js), and makes
   the forms marked data-offline work in a basement. Such a form is sent by this script: its photos are first
   shrunk on the phone (canvas → JPEG), then it is sent at once when there is a network, or kept in the
   browser (IndexedDB, the outbox 待发送) and sent when the network is back — on every page load, when the
   browser says it is online again, every 30 s while something waits, and by the outbox page's buttons.
   Each form carries an id made here (client_id): the server makes nothing twice for one id (web.outbox).
   A kept form belongs to the account that filled it and is only sent while that account is signed in.
   The texts come from the data- attributes of #offline (web/includes/offline.html), in the page's language. */
(function () {
  "use strict";
  var bar = document.getElementById("offline");
  if (!bar || !window.indexedDB || !window.fetch || !window.Promise) { return; }
  var cfg = bar.dataset, user = String(cfg.user);
  var DB = "wangge-outbox", STORE = "items", MAX_SIDE = 1600, QUALITY = 0.8;
  // The offline notice sits at the top of the page, in its flow (it covers nothing); the outbox's count is
  // a small pill in the corner while something waits.
  var state = bar.querySelector(".offline-state"), main = document.querySelector("main");
  if (state && main) { main.insertBefore(state, main.firstChild); }

  // The outbox in IndexedDB: one row per kept form, keyed by its client id.
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return opened;
  }
  function run(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(STORE, mode), req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  var store = {
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    put: function (item) { return run("readwrite", function (s) { return s.put(item); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); }
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = [].map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A photo as the phone took it is several MB; sent from a basement it would never arrive.
  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (img) {
      var scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(img.width * scale));
      canvas.height = Math.max(1, Math.round(img.height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);  // JPEG has no transparency
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function idInput(form) {
    var input = form.elements.client_id;
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden"; input.name = "client_id";
      form.appendChild(input);
    }
    if (!input.value) { input.value = newId(); }
    return input;
  }

  function entryOf(form) {
    var data = new FormData(form), fields = [], files = [], jobs = [];
    var created = new Date().toISOString();
    data.forEach(function (value, key) {
      if (value instanceof File) {
        if (value.size) {
          jobs.push(shrink(value).then(function (f) { files.push([key, f, f.name]); }));
        }
      } else if (key !== "csrfmiddlewaretoken") {
        fields.push([key, value]);
      }
    });
    fields.push(["taken_at", created]);
    var titled = form.dataset.offlineTitle && form.elements[form.dataset.offlineTitle];
    return Promise.all(jobs).then(function () {
      return {
        id: idInput(form).value, user: user, kind: form.dataset.offline,
        url: form.dataset.offlineUrl || form.action, back: form.dataset.offlineBack || "",
        title: titled ? String(titled.value).slice(0, 60) : "", created: created,
        fields: fields, files: files, error: "", tries: 0
      };
    });
  }

  // Who is signed in, with a fresh CSRF token; fails without a network.
  function ping() {
    return fetch(cfg.ping, { credentials: "same-origin", cache: "no-store" }).then(function (res) {
      if (res.status === 401) { return { user: null }; }
      if (!res.ok) { throw new Error(String(res.status)); }
      return res.json();
    });
  }

  // Sends one kept form: {ok, url} or {error} (the platform refused it); rejects without a network.
  function send(item, csrf) {
    var body = new FormData();
    item.fields.forEach(function (p) { body.append(p[0], p[1]); });
    item.files.forEach(function (p) { body.append(p[0], p[1], p[2]); });
    body.append("csrfmiddlewaretoken", csrf);
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Wangge-Outbox": "1", "X-Client-Id": item.id }
    }).then(function (res) {
      if ((res.headers.get("Content-Type") || "").indexOf("json") !== -1) {
        return res.json().then(function (b) {
          return b.ok ? { ok: true, url: b.url } : { error: (b.errors || []).join("；") || cfg.tFailed };
        });
      }
      if (window.Wangge && window.Wangge.isLogin(res.url)) { return { error: cfg.tLogin, stop: true }; }
      return { error: cfg.tFailed + "（" + res.status + "）", stop: res.status >= 500 };
    });
  }

  var flushing = null, again = false;
  function flush(force) {
    if (flushing) {  // a round is under way: a tap on 立即发送 starts another one after it
      if (force) { again = true; }
      return flushing;
    }
    flushing = store.all().then(function (items) {
      var mine = items.filter(function (i) { return i.user === user && (force || !i.error); });
      mine.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      if (!mine.length) { return null; }
      return ping().then(function (who) {
        if (!who.user || String(who.user) !== user) { return null; }
        return mine.reduce(function (chain, item) {
          return chain.then(function (stop) {
            if (stop) { return true; }
            return send(item, who.csrf).then(function (r) {
              if (r.ok) { return store.remove(item.id).then(function () { return false; }); }
              item.error = r.error; item.tries = (item.tries || 0) + 1;
              return store.put(item).then(function () { return !!r.stop; });
            }, function () { return true; });  // the network went away again
          });
        }, Promise.resolve(false));
      }, function () { return null; });
    }).catch(function () { return null; }).then(function () {
      flushing = null;
      if (again) { again = false; return flush(true); }
      return refresh();
    });
    return flushing;
  }

  // The bar: offline state and the number of kept forms (a link to the outbox page).
  function refresh() {
    return store.all().then(function (items) {
      var mine = items.filter(function (i) { return i.user === user; });
      var others = items.length - mine.length;
      bar.querySelector(".outbox-count").textContent = String(mine.length);
      state.textContent = navigator.onLine ? "" : cfg.tOffline;
      bar.hidden = !mine.length;
      document.body.classList.toggle("has-outbox", !!mine.length);
      var list = document.getElementById("outbox-list");
      if (list) { draw(list, mine, others); }
      return mine.length;
    }).catch(function () { return 0; });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function draw(list, mine, others) {
    var t = list.dataset;
    list.textContent = "";
    if (!mine.length) { list.appendChild(el("li", "muted", t.empty)); }
    mine.sort(function (a, b) { return a.created < b.created ? -1 : 1; }).forEach(function (item) {
      var li = el("li", "outbox-item" + (item.error ? " failed" : ""));
      li.dataset.id = item.id;
      var head = el("div", "outbox-head");
      head.appendChild(el("strong", "", t["kind" + item.kind.charAt(0).toUpperCase() + item.kind.slice(1)] || item.kind));
      head.appendChild(el("span", "muted", new Date(item.created).toLocaleString("zh-CN", { hour12: false })));
      li.appendChild(head);
      if (item.title) { li.appendChild(el("div", "", item.title)); }
      var facts = item.files.length ? t.photos.replace("{n}", item.files.length) : "";
      li.appendChild(el("div", "muted", (item.error ? "" : t.waiting) + (facts ? " · " + facts : "")));
      if (item.error) { li.appendChild(el("div", "warn", item.error)); }
      var buttons = el("div", "rowbtns");
      var retry = el("button", "btn small", t.retry); retry.type = "button"; retry.dataset.outboxRetry = item.id;
      var drop = el("button", "btn small outline", t.remove); drop.type = "button"; drop.dataset.outboxRemove = item.id;
      buttons.appendChild(retry); buttons.appendChild(drop);
      li.appendChild(buttons);
      list.appendChild(li);
    });
    var note = document.getElementById("outbox-others");
    if (note) { note.hidden = !others; note.textContent = others ? t.others.replace("{n}", others) : ""; }
  }

  function notice(form, text, kind) {
    var box = form.querySelector(".offline-notice");
    if (!box) { box = el("div", "offline-notice"); form.insertBefore(box, form.firstChild); }
    box.className = "offline-notice msg " + (kind || "info");
    box.setAttribute("role", "status");
    box.textContent = text;
    box.scrollIntoView({ block: "center" });
  }

  function keep(form, item) {
    return store.put(item).then(function () {
      form.reset();
      form.elements.client_id.value = newId();
      return refresh();
    }).then(function (n) {
      notice(form, cfg.tQueued.replace("{n}", n), "success");
    });
  }

  // The platform refused the form (a rule, a field): the form's own submit shows why on the page, with the
  // photos already shrunk.
  function submitNatively(form, item) {
    var byName = {};
    item.files.forEach(function (p) {
      (byName[p[0]] = byName[p[0]] || []).push(new File([p[1]], p[2], { type: p[1].type }));
    });
    Object.keys(byName).forEach(function (name) {
      var input = form.querySelector('input[type=file][name="' + name + '"]');
      if (!input || !window.DataTransfer) { return; }
      var dt = new DataTransfer();
      byName[name].forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
    });
    HTMLFormElement.prototype.submit.call(form);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-offline]")) { return; }
    e.preventDefault();
    if (form.dataset.busy) { return; }
    var lng = form.elements.lng, point = form.elements.point;
    if (lng && !lng.value && !(point && point.value)) { notice(form, cfg.tNeedPlace, "error"); return; }
    form.dataset.busy = "1";
    var done = function () { delete form.dataset.busy; };
    entryOf(form).then(function (item) {
      if (!navigator.onLine) { return keep(form, item); }
      return ping().then(function (who) {
        if (!who.user) { submitNatively(form, item); return null; }
        return send(item, who.csrf).then(function (r) {
          if (r.ok) { window.location.href = r.url; return null; }
          submitNatively(form, item);
          return null;
        });
      }).catch(function () { return keep(form, item); });  // no network after all: kept
    }).then(done, function (err) { done(); notice(form, cfg.tFailed + "：" + err, "error"); });
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) { return; }
    var retry = t.closest("[data-outbox-retry]"), drop = t.closest("[data-outbox-remove]");
    if (t.closest("[data-outbox-send]") || retry) { flush(true); }
    if (drop && window.confirm(document.getElementById("outbox-list").dataset.confirm)) {
      store.remove(drop.dataset.outboxRemove).then(refresh);
    }
  });

  document.querySelectorAll("form[data-offline]").forEach(idInput);
  window.addEventListener("online", function () { flush(false); });
  window.addEventListener("offline", refresh);
  setInterval(function () { if (navigator.onLine) { flush(false); } }, 30000);
  if (navigator.onLine) { flush(false); } else { refresh(); }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.sw, { scope: "/" }).catch(function () { /* a page still works without */ });
    // Signing out forgets the kept pages; the first page after signing in has them kept again.
    var outboxUrl = bar.querySelector(".outbox-pill").getAttribute("href");
    if (navigator.serviceWorker.controller && window.caches && navigator.onLine) {
      caches.match(outboxUrl, { cacheName: "wangge-pages" }).then(function (hit) {
        if (!hit && navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage("keep-pages"); }
      }).catch(function () { /* no cache storage: nothing kept */ });
    }
  }
  window.WanggeOutbox = { flush: flush, refresh: refresh, all: store.all };
})();
