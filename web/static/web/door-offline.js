// The door without a network. The page keeps this event's roster (name, participant type,
// status and ticket code of each person: nothing more) in IndexedDB and, offline, checks
// tickets against it; each offline scan is queued with a random key and sent when the
// network returns, where the server applies it exactly once (registration/door_sync.py).
// The roster and the scans' reports are deleted after the event's last day and on sign-out.
// check-in.js calls window.scieventsDoor when the check-in API cannot be reached.
(() => {
  const form = document.getElementById("check-in-form");
  if (!form || !window.indexedDB || !window.fetch) return;
  const data = form.dataset;
  const EVENT = data.event;
  const DB = "scievents-door";
  const BATCH = 100;
  // A device asks again about its own checked-in offline scans for this long after sending
  // them: another device's scan of the same ticket, sent later, is reported here too.
  const RECHECK_MS = 30 * 60 * 1000;
  const SYNC_EVERY_MS = 15 * 1000;
  const ROSTER_EVERY_MS = 60 * 1000;
  const status = document.getElementById("door-offline-status");
  const queueText = document.getElementById("door-queue");
  const report = document.getElementById("door-sync-report");
  const reportList = document.getElementById("door-sync-list");
  const syncButton = document.getElementById("door-sync-button");
  // What the last request found: navigator.onLine alone says "online" on a Wi-Fi without
  // internet, and after a reload from the service worker.
  let unreachable = false;
  let types = {};
  let notAdmitted = {};
  try {
    types = JSON.parse(data.types || "{}");
    notAdmitted = JSON.parse(data.notAdmitted || "{}");
  } catch (error) {
    // Texts fall back to the codes.
  }

  const fill = (template, values) =>
    String(template || "").replace(/%\((\w+)\)s/g, (whole, key) => (key in values ? String(values[key]) : whole));
  const normalise = (raw) => String(raw || "").replace(/[\s-]+/g, "").toUpperCase();

  // The event's own calendar day and clock, as the server counts check-ins.
  function eventDay(moment = new Date()) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: data.timezone }).format(moment);
  }
  function clock(moment = new Date()) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: data.timezone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(moment);
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // --- IndexedDB: two stores, rosters (one per event) and scans (keyed by their key) ---------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("rosters", { keyPath: "event" });
        db.createObjectStore("scans", { keyPath: "key" }).createIndex("event", "event");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function run(store, mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(store, mode);
        const request = work(transaction.objectStore(store));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }
  const getRoster = () => run("rosters", "readonly", (s) => s.get(EVENT));
  const putRoster = (roster) => run("rosters", "readwrite", (s) => s.put(roster));
  const dropRoster = () => run("rosters", "readwrite", (s) => s.delete(EVENT));
  const eventScans = () => run("scans", "readonly", (s) => s.index("event").getAll(EVENT));
  const putScans = (scans) =>
    run("scans", "readwrite", (s) => {
      scans.forEach((scan) => s.put(scan));
      return null;
    });
  const dropScans = (keys) =>
    run("scans", "readwrite", (s) => {
      keys.forEach((key) => s.delete(key));
      return null;
    });

  // --- The roster ---------------------------------------------------------------------------
  async function refreshRoster() {
    if (!navigator.onLine) return;
    const kept = await getRoster();
    const headers = { Accept: "application/json" };
    if (kept && kept.etag) headers["If-None-Match"] = kept.etag;
    let response;
    try {
      response = await fetch(data.roster, { credentials: "same-origin", headers });
    } catch (error) {
      unreachable = true; // offline after all: the kept roster stays
      render();
      return;
    }
    unreachable = false;
    if ([401, 403, 404].includes(response.status)) {
      await forget(); // signed out or no longer on the team: nothing stays on the device
      return;
    }
    if (response.status === 304 && kept) {
      kept.fetched_at = Date.now();
      await putRoster(kept);
    } else if (response.ok) {
      const body = await response.json();
      const people = {};
      body.people.forEach((person) => {
        people[person.ticket_code] = [person.name, person.participant_type, person.status];
      });
      const admitted = {};
      const sameDay = kept && kept.day === body.day;
      body.checked_in_today.forEach((code) => {
        admitted[code] = (sameDay && kept.admitted[code]) || "";
      });
      // Scans still queued here count as admitted until the server has them.
      (await eventScans())
        .filter((scan) => scan.state === "pending" && scan.day === body.day)
        .forEach((scan) => {
          admitted[scan.code] = admitted[scan.code] || scan.time;
        });
      await putRoster({
        event: EVENT,
        etag: response.headers.get("ETag") || "",
        expires_at: body.expires_at,
        day: body.day,
        fetched_at: Date.now(),
        people,
        admitted,
      });
    }
    await expireIfOver();
    render();
  }

  async function expireIfOver() {
    const roster = await getRoster();
    if (roster && Date.parse(roster.expires_at) <= Date.now()) {
      await sync();
      await forget();
    }
  }

  // Everything of this event on the device: roster, scan reports, the kept page. Scans not
  // sent yet hold a ticket code and a time only, and are kept until they can be sent.
  async function forget() {
    await dropRoster();
    const scans = await eventScans();
    await dropScans(scans.filter((scan) => scan.state !== "pending").map((scan) => scan.key));
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
  }

  // --- Scanning offline ---------------------------------------------------------------------
  async function scanOffline(raw) {
    unreachable = true;
    const code = normalise(raw);
    await expireIfOver();
    const roster = await getRoster();
    if (!roster) return { ok: false, text: data.textNoRoster };
    const today = eventDay();
    if (roster.day !== today) {
      roster.day = today;
      roster.admitted = {};
    }
    const person = roster.people[code];
    if (!person) return { ok: false, text: fill(data.textUnknown, { code }) };
    const [name, type, state] = person;
    if (state !== "confirmed") return { ok: false, text: notAdmitted[state] || data.textError };
    if (code in roster.admitted) {
      const time = roster.admitted[code];
      return { ok: false, text: fill(time ? data.textRepeat : data.textRepeatOffline, { time, name }) };
    }
    const time = clock();
    roster.admitted[code] = time;
    await putRoster(roster);
    await putScans([
      { key: newKey(), event: EVENT, code, day: today, time, scanned_at: new Date().toISOString(), state: "pending" },
    ]);
    render();
    return { ok: true, text: fill(data.textOfflineOk, { name, type: types[type] || type, time }) };
  }

  // An online check-in, noted in the roster so the device knows it if the network drops.
  async function noteOnline(code, time) {
    const roster = await getRoster();
    if (!roster) return;
    if (roster.day !== eventDay()) {
      roster.day = eventDay();
      roster.admitted = {};
    }
    roster.admitted[normalise(code)] = time;
    await putRoster(roster);
  }

  // --- Sending the queue ----------------------------------------------------------------------
  let syncing = null;
  function due(scan) {
    if (scan.state === "pending") return true;
    return scan.outcome === "checked_in" && !scan.duplicate && Date.now() - scan.synced_at < RECHECK_MS;
  }

  function csrfToken() {
    const hidden = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (hidden && hidden.value) return hidden.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function sendBatch(batch) {
    const response = await fetch(data.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Accept-Language": document.documentElement.lang || "en",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({
        scans: batch.map((scan) => ({ key: scan.key, code: scan.code, scanned_at: scan.scanned_at })),
      }),
    });
    if (!response.ok) return false;
    const answers = new Map((await response.json()).results.map((result) => [result.key, result]));
    const now = Date.now();
    batch.forEach((scan) => {
      const answer = answers.get(scan.key);
      if (!answer) return;
      scan.state = "synced";
      scan.synced_at = scan.synced_at || now;
      scan.outcome = answer.outcome;
      scan.duplicate = answer.duplicate;
      scan.detail = answer.detail;
    });
    await putScans(batch);
    return true;
  }

  async function doSync() {
    if (!navigator.onLine) return;
    const scans = (await eventScans()).filter(due);
    for (let start = 0; start < scans.length; start += BATCH) {
      let sent = false;
      try {
        sent = await sendBatch(scans.slice(start, start + BATCH));
        unreachable = false;
      } catch (error) {
        unreachable = true;
      }
      if (!sent) break; // tried again on the next round
    }
  }

  function sync() {
    // One round at a time: a second call waits for the running one.
    if (!syncing) {
      syncing = doSync().finally(() => {
        syncing = null;
        render();
      });
    }
    return syncing;
  }

  // --- What the page shows --------------------------------------------------------------------
  async function render() {
    let roster;
    let scans;
    try {
      roster = await getRoster();
      scans = await eventScans();
    } catch (error) {
      return;
    }
    const pending = scans.filter((scan) => scan.state === "pending").length;
    const lines = [navigator.onLine && !unreachable ? data.textOnline : data.textOfflineMode];
    if (roster) {
      const when = clock(new Date(roster.fetched_at));
      lines.push(fill(data.textRoster, { count: Object.keys(roster.people).length, time: when }));
    } else {
      lines.push(data.textNoRosterYet);
    }
    // Written only when changed, so assistive technology is not told the same thing again.
    const said = lines.join(" ");
    if (status && status.textContent !== said) status.textContent = said;
    const queued = pending ? fill(data.textQueue, { count: pending }) : "";
    if (queueText && queueText.textContent !== queued) queueText.textContent = queued;
    if (syncButton) syncButton.hidden = !scans.some(due);
    const attention = scans
      .filter((scan) => scan.state === "synced" && (scan.outcome !== "checked_in" || scan.duplicate))
      .sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
    const listed = attention.map((scan) => `${scan.key}:${scan.outcome}:${scan.duplicate}`).join();
    if (report && reportList && reportList.dataset.listed !== listed) {
      reportList.dataset.listed = listed;
      report.hidden = attention.length === 0;
      const items = attention.map((scan) => {
        const item = document.createElement("li");
        item.className = "scan-bad";
        item.dataset.outcome = scan.outcome;
        item.textContent = `${scan.time} · ${scan.detail}`;
        return item;
      });
      reportList.replaceChildren(...items);
    }
  }

  // --- Wiring ----------------------------------------------------------------------------------
  window.scieventsDoor = { scanOffline, noteOnline, sync, refreshRoster };

  if (navigator.serviceWorker && data.sw) {
    navigator.serviceWorker.register(data.sw, { scope: data.scope }).catch(() => {
      // Without a worker the page still works online and offline while it stays open.
    });
  }
  if (syncButton) syncButton.addEventListener("click", () => sync());
  window.addEventListener("online", () => {
    render();
    sync().then(refreshRoster);
  });
  window.addEventListener("offline", render);
  // Signing out from the door sends what is queued, then forgets the event's data (the
  // server also tells the browser to clear this site's storage: Clear-Site-Data).
  document.querySelectorAll("form[data-sign-out]").forEach((signOut) => {
    signOut.addEventListener("submit", async (event) => {
      if (signOut.dataset.doorDone) return;
      event.preventDefault();
      try {
        await sync();
        await forget();
      } finally {
        signOut.dataset.doorDone = "1";
        signOut.submit();
      }
    });
  });
  window.setInterval(() => {
    if (navigator.onLine) sync();
  }, SYNC_EVERY_MS);
  window.setInterval(refreshRoster, ROSTER_EVERY_MS);
  render();
  sync().then(refreshRoster);
})();
