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
      show(false, texts.textOffline);
      input.focus();
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

  // Camera scanning, where the browser can read QR codes itself.
  const control = document.getElementById("camera-control");
  const button = document.getElementById("camera-button");
  const video = document.getElementById("scanner");
  if (!control || !button || !video) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;
  let detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    return; // no QR support after all: typing the code still works
  }
  control.hidden = false;
  let stream = null;
  let timer = null;
  let lastCode = "";
  let lastSeen = 0;

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

  async function scan() {
    if (video.readyState < 2) return;
    let found;
    try {
      found = await detector.detect(video);
    } catch (error) {
      return;
    }
    if (!found.length) return;
    // The ticket's QR code holds the ticket code itself, nothing else (registration/tickets.py).
    const code = String(found[0].rawValue || "").trim();
    const now = Date.now();
    // A ticket stays in view for a while: the same one counts again only once it has been
    // out of sight for 3 seconds, so holding it up does not turn green into "already".
    const again = code === lastCode && now - lastSeen < 3000;
    lastCode = code;
    lastSeen = now;
    if (code && !again) checkIn(code);
  }

  async function start() {
    try {
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
    timer = window.setInterval(scan, 300);
  }

  button.addEventListener("click", () => (stream ? stop() : start()));
  window.addEventListener("pagehide", () => stream && stop());
})();
