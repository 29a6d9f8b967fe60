// The dashboard's only script, and none of it is needed to read a page: it keeps the part of the page marked
// data-refresh current by fetching the page again every few seconds, opens a task's details without a reload, and
// sends the retry button's POST.

const REFRESH_MS = 2000;
let running = null;
let again = false;

const live = () => document.getElementById('live');

/** Loads the page again and swaps the live part if it changed; a call while one runs makes one more run after it. */
function refresh() {
  if (running) {
    again = true;
    return;
  }
  running = load().finally(() => {
    running = null;
    if (again) {
      again = false;
      refresh();
    }
  });
}

async function load() {
  const current = live();
  if (!current) return;
  try {
    const response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    // Signed out or the session expired: load the page, which is the sign-in form now.
    if (response.status === 401) return location.reload();
    const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('live');
    if (!next || next.innerHTML === current.innerHTML) return;
    const scrolled = [...current.querySelectorAll('.scroll, .graph-scroll')].map((e) => [e.scrollLeft, e.scrollTop]);
    const focusedTask = document.activeElement?.closest?.('[data-task-id]')?.getAttribute('data-task-id');
    const status = (root) => root.querySelector('[data-status]')?.textContent;
    const [was, is] = [status(current), status(next)];
    current.innerHTML = next.innerHTML;
    // The live part is replaced whole, so screen readers hear of a new status from a region that stays.
    const announcer = document.getElementById('announcer');
    if (announcer && was !== is) announcer.textContent = `The privacy request is ${is} now.`;
    current.querySelectorAll('.scroll, .graph-scroll').forEach((e, i) => {
      const [left, top] = scrolled[i] ?? [0, 0];
      e.scrollLeft = left;
      e.scrollTop = top;
    });
    if (focusedTask) current.querySelector(`[data-task-id="${CSS.escape(focusedTask)}"]`)?.focus();
  } catch {
    // The engine is unreachable for a moment: the next round tries again.
  }
}

function navigate(url) {
  history.pushState(null, '', url);
  refresh();
}

async function retry(button) {
  const notice = document.getElementById('notice');
  button.disabled = true;
  try {
    const response = await fetch(button.dataset.retry, { method: 'POST', credentials: 'same-origin' });
    const body = await response.json().catch(() => ({}));
    notice.textContent = response.ok ? 'Retry started: the failed tasks run again.' : `Retry refused: ${body.detail ?? `status ${response.status}`}`;
    notice.dataset.code = body.code ?? '';
  } catch {
    notice.textContent = 'Retry failed: the engine could not be reached.';
    notice.dataset.code = '';
  } finally {
    button.disabled = false;
  }
  refresh();
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const button = event.target.closest('button[data-retry]');
  if (button) return void retry(button);
  const link = event.target.closest('#live a[data-task-id], #live a[data-nav]');
  if (!link) return;
  event.preventDefault();
  // An SVG link's href is an object; its attribute is the URL.
  navigate(new URL(link.getAttribute('href'), location.href).href);
});

window.addEventListener('popstate', refresh);
setInterval(() => {
  if (!document.hidden && live()?.hasAttribute('data-refresh')) refresh();
}, REFRESH_MS);
