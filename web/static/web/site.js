// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-autosubmit]")) target.form.submit();
  if (target.matches("[data-select-all]")) {
    document.querySelectorAll(target.dataset.selectAll).forEach((box) => {
      box.checked = target.checked;
    });
  }
});

// Buttons that print the page (no inline onclick: the Content-Security-Policy forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// Print buttons and other controls that need this file stay hidden without it.
window.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print][hidden]").forEach((element) => {
    element.hidden = false;
  });
});

document.addEventListener("submit", (event) => {
  const message = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// After a failed submit, move focus to the error summary so screen readers announce it.
window.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

// Live figures: an element with an id and data-live="<seconds>" is refreshed from the same
// page every so often, while the tab is visible.
window.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live][id]").forEach((element) => {
    const seconds = Math.max(Number(element.dataset.live) || 30, 5);
    setInterval(async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById(element.id);
        if (fresh) element.innerHTML = fresh.innerHTML;
      } catch (error) {
        // Offline for a moment: keep the figures shown and try again at the next tick.
      }
    }, seconds * 1000);
  });
});
