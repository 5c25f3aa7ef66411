// The door page, enhanced: a scan goes to the check-in API and its answer shows at once.
// Without this file the form posts to the page, which answers with the same wording: every
// text shown here comes, translated, from the page's data- attributes.
(() => {
  const form = document.getElementById("check-in-form");
  if (!form || !window.fetch) return;
  const input = document.getElementById("id_code");
  const result = document.getElementById("scan-result");
  const count = document.getElementById("checked-in-count");
  const texts = form.dataset;
  let types = {};
  try {
    types = JSON.parse(texts.types || "{}");
  } catch (error) {
    types = {};
  }

  // The page's texts use Python's %(name)s placeholders: fill them the same way.
  const fill = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (whole, key) => (key in values ? String(values[key]) : whole));

  function show(ok, text) {
    result.classList.remove("scan-ok", "scan-bad");
    // Emptied first, so a screen reader announces the same answer twice in a row too.
    result.textContent = "";
    window.requestAnimationFrame(() => {
      result.classList.add(ok ? "scan-ok" : "scan-bad");
      result.textContent = text;
      // Above the input already; on a short screen scrolled to, so the answer is seen at once.
      const box = result.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        result.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function csrfToken() {
    const hidden = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (hidden && hidden.value) return hidden.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The API answers errors as {"detail": "..."} or, for invalid input, {"field": ["..."]}.
  function messageOf(data) {
    if (!data || typeof data !== "object") return "";
    if (typeof data.detail === "string") return data.detail;
    for (const value of Object.values(data)) {
      if (Array.isArray(value) && value.length) return String(value[0]);
      if (typeof value === "string") return value;
    }
    return "";
  }

  async function refreshCount() {
    try {
      const response = await fetch(texts.stats, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const stats = await response.json();
      // Today's check-ins: a multi-day event admits everyone again each day.
      const done = stats.checked_in_today ?? stats.checked_in;
      count.textContent = fill(texts.textCount, { done, total: stats.confirmed });
    } catch (error) {
      // The count stays as it was; the next scan refreshes it again.
    }
  }

  // The list of last check-ins, with its Undo buttons, as the page itself renders it.
  async function refreshRecent() {
    try {
      const response = await fetch(texts.page, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("recent-check-ins");
      const current = document.getElementById("recent-check-ins");
      if (fresh && current) current.replaceWith(fresh);
    } catch (error) {
      // The list catches up on the next scan or reload.
    }
  }

  async function checkIn(raw) {
    const code = String(raw || "").trim();
    input.value = "";
    input.focus();
    if (!code) return;
    let response;
    let data = null;
    const door = window.scieventsDoor;
    // Without a network the roster kept on this device answers (door-offline.js).
    const offline = async () => {
      const answer = await door.scanOffline(code);
      show(answer.ok, answer.text);
      input.focus();
    };
    if (door && navigator.onLine === false) {
      await offline();
      return;
    }
    try {
      response = await fetch(texts.api, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          // The API answers (the day's name, errors) in the page's own language.
          "Accept-Language": document.documentElement.lang || "en",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ code }),
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      if (door) {
        await offline();
      } else {
        show(false, texts.textOffline);
        input.focus();
      }
      return;
    }
    // checked_in_at is this day's check-in in the event's timezone: its HH:MM is the page's.
    const time = String((data && data.checked_in_at) || "").slice(11, 16);
    if (response.ok && data) {
      if (data.already_checked_in) {
        show(false, fill(texts.textRepeat, { time, name: data.name }));
      } else {
        const type = types[data.participant_type] || data.participant_type;
        show(true, fill(texts.textOk, { name: data.name, type, time, day: data.day_label }));
        if (door) door.noteOnline(data.ticket_code, time);
        refreshRecent();
      }
    } else if (response.status === 404) {
      show(false, fill(texts.textUnknown, { code: code.replace(/[\s-]+/g, "").toUpperCase() }));
    } else {
      show(false, messageOf(data) || texts.textError);
    }
    input.focus();
    refreshCount();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    checkIn(input.value);
  });

  // Camera scanning: with the browser's own BarcodeDetector where it reads QR codes, else
  // with jsQR (vendored: static/web/vendor/jsqr), loaded the first time the camera starts.
  const control = document.getElementById("camera-control");
  const button = document.getElementById("camera-button");
  const video = document.getElementById("scanner");
  if (!control || !button || !video) return;
  if (!navigator.mediaDevices?.getUserMedia) return;
  control.hidden = false;
  let detect = null;
  let stream = null;
  let timer = null;
  let lastCode = "";
  let lastSeen = 0;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
  }

  async function nativeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (!formats.includes("qr_code")) return null;
      const native = new window.BarcodeDetector({ formats: ["qr_code"] });
      return async () => {
        const found = await native.detect(video);
        return found.length ? String(found[0].rawValue || "") : "";
      };
    } catch (error) {
      return null;
    }
  }

  async function decoderDetector() {
    if (!window.jsQR) await loadScript(form.dataset.decoder);
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async () => {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height) return "";
      // A ticket fills much of the view: 640 pixels across read it, at a fraction of the work.
      const scale = Math.min(1, 640 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found ? found.data : "";
    };
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = button.dataset.start;
    input.focus();
  }

  let busy = false;
  async function scan() {
    if (video.readyState < 2 || busy) return;
    busy = true;
    let code = "";
    try {
      // The ticket's QR code holds the ticket code itself, nothing else (registration/tickets.py).
      code = String((await detect()) || "").trim();
    } catch (error) {
      code = "";
    } finally {
      busy = false;
    }
    if (!code) return;
    const now = Date.now();
    // A ticket stays in view for a while: the same one counts again only once it has been
    // out of sight for 3 seconds, so holding it up does not turn green into "already".
    const again = code === lastCode && now - lastSeen < 3000;
    lastCode = code;
    lastSeen = now;
    if (!again) checkIn(code);
  }

  async function start() {
    try {
      detect = detect || (await nativeDetector()) || (await decoderDetector());
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (error) {
      stream = null;
      show(false, texts.textCameraError);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    try {
      await video.play();
    } catch (error) {
      // Autoplay of a muted inline video is allowed; if not, detection waits for frames.
    }
    button.textContent = button.dataset.stop;
    timer = window.setInterval(scan, 250);
  }

  button.addEventListener("click", () => (stream ? stop() : start()));
  window.addEventListener("pagehide", () => stream && stop());
})();
