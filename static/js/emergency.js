/* Community 365 — the door-to-door checklist (应急入户排查), made to work without a network.
 *
 * Every tap becomes an item with its own idempotency key, queued in localStorage before
 * anything is sent; the queue is sent as one batch whenever the phone is online (on load, on
 * the "online" event, after a tap, on the button). An item leaves the queue only when the
 * server has answered for it, so a batch whose answer was lost is simply sent again — the keys
 * make the server skip what it already has. The service worker keeps the page for offline use.
 */
(function () {
  "use strict";
  const configNode = document.getElementById("em-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const words = document.getElementById("em-words").dataset;
  const queueKey = "c365.emergency.queue." + config.event;
  const stateKey = "c365.emergency.state." + config.event;
  const statusText = document.getElementById("em-sync-text");
  const syncButton = document.getElementById("em-sync-now");
  const pendingCount = document.getElementById("em-pending");
  let sending = false;

  function load(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }
  function say(text) {
    const queue = load(queueKey, []);
    pendingCount.textContent = String(queue.length);
    syncButton.hidden = queue.length === 0;
    if (text) statusText.textContent = text;
  }

  // The cards show the latest tap, also the taps not sent yet (kept across reloads).
  function paint() {
    const state = load(stateKey, {});
    document.querySelectorAll(".em-household").forEach((card) => {
      const mine = state[card.dataset.household];
      const status = mine ? mine.status : card.dataset.status;
      card.classList.remove("em-is-safe", "em-is-needs_help", "em-is-not_home", "em-is-moved");
      if (status) {
        card.classList.add("em-is-" + status);
        const button = card.querySelector('[data-status="' + status + '"]');
        const label = status === "needs_help" ? card.querySelector("summary") : button;
        if (label) card.querySelector(".em-state").textContent = label.textContent.trim();
      }
    });
  }

  function tap(card, status) {
    const item = {
      household: Number(card.dataset.household),
      status: status,
      key: newKey(),
      at: new Date().toISOString(),
    };
    if (status === "needs_help") {
      item.needs = Array.from(card.querySelectorAll("input[name=need]:checked"), (i) => i.value);
      const supplies = {};
      card.querySelectorAll("input[data-supply]").forEach((input) => {
        const n = parseInt(input.value, 10);
        if (n > 0) supplies[input.dataset.supply] = Math.min(n, 100);
      });
      item.supplies = supplies;
      card.querySelector("details").open = false;
    }
    const queue = load(queueKey, []);
    queue.push(item);
    save(queueKey, queue);
    const state = load(stateKey, {});
    state[item.household] = { status: status, at: item.at };
    save(stateKey, state);
    paint();
    if (!navigator.onLine) {
      say(words.offline.replace("{n}", String(queue.length)));
    } else {
      say(words.pending.replace("{n}", String(queue.length)));
    }
    sync();
  }

  function forget(keys) {
    const done = new Set(keys);
    save(queueKey, load(queueKey, []).filter((i) => !done.has(i.key)));
  }

  async function sync() {
    if (sending || !config.open) return;
    const batch = load(queueKey, []).slice(0, 200);
    if (!batch.length) {
      say();
      return;
    }
    sending = true;
    try {
      const response = await fetch(config.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(batch),
      });
      if (response.ok) {
        forget(batch.map((i) => i.key));
        const left = load(queueKey, []).length;
        say(left ? words.pending.replace("{n}", String(left)) : words.sent);
      } else if ([400, 404, 409, 422].includes(response.status)) {
        // The server will never take this batch (the event closed, a household left the list):
        // drop it and say why, so the queue does not stay stuck.
        let message = "";
        try {
          message = (await response.json()).message || "";
        } catch (e) {
          message = String(response.status);
        }
        forget(batch.map((i) => i.key));
        say(words.refused + message);
      } else {
        say(words.pending.replace("{n}", String(batch.length)));
      }
    } catch (e) {
      say(words.offline.replace("{n}", String(load(queueKey, []).length)));
    } finally {
      sending = false;
    }
    if (load(queueKey, []).length && navigator.onLine && !document.hidden) {
      // More than one batch waiting: go on (each send removes what it sent).
      const before = batch.length;
      if (before === 200) sync();
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".em-tap");
    if (!button || button.disabled) return;
    tap(button.closest(".em-household"), button.dataset.status);
  });
  syncButton.addEventListener("click", () => sync());
  window.addEventListener("online", () => sync());
  window.c365Emergency = { sync: sync, queued: () => load(queueKey, []).length };

  if ("serviceWorker" in navigator && config.sw) {
    navigator.serviceWorker.register(config.sw, { scope: config.scope }).catch(() => undefined);
  }
  paint();
  say();
  sync();
})();
