// The dashboard's entry point: checks the session, then shows the view the URL's hash names
// (#/overview, the landing page; #/events, #/events/evt_..., #/sources, #/replay, #/replay/job_..., #/destinations, #/destinations/dst_...,
// #/transformations, #/transformations/trf_..., #/notifications).
// Hash routes keep every URL of the app at "/", the one page rehook serves.

import { ApiError, get, onUnauthorized, post } from './api.js';
import { h, message, replaceChildren } from './dom.js';
import { renderDestinationDetail } from './views/destination_detail.js';
import { renderDestinations } from './views/destinations.js';
import { renderEventDetail } from './views/event_detail.js';
import { renderEvents } from './views/events.js';
import { mayManageNotifications, renderNotifications } from './views/notifications.js';
import { renderOverview } from './views/overview.js';
import { renderReplayJob } from './views/replay_job.js';
import { renderReplayJobs } from './views/replay_jobs.js';
import { renderSignIn } from './views/sign_in.js';
import { renderSources } from './views/sources.js';
import { renderTransformationDetail, renderTransformations } from './views/transformations.js';

const main = document.getElementById('main');
let principal = null;       // /v1/auth/me of the signed-in key, or null
let stopCurrentView = null; // stops the current view's timers when another is shown
let renderCount = 0;        // tells a slow view that it has been replaced meanwhile

const routes = [
  { pattern: /^\/overview$/, section: 'overview', render: renderOverview },
  { pattern: /^\/events$/, section: 'events', render: renderEvents },
  { pattern: /^\/events\/([^/]+)$/, section: 'events', render: renderEventDetail },
  { pattern: /^\/sources$/, section: 'sources', render: renderSources },
  { pattern: /^\/replay$/, section: 'replay', render: renderReplayJobs },
  { pattern: /^\/replay\/([^/]+)$/, section: 'replay', render: renderReplayJob },
  { pattern: /^\/destinations$/, section: 'destinations', render: renderDestinations },
  { pattern: /^\/destinations\/([^/]+)$/, section: 'destinations', render: renderDestinationDetail },
  { pattern: /^\/transformations$/, section: 'transformations', render: renderTransformations },
  { pattern: /^\/transformations\/([^/]+)$/, section: 'transformations', render: renderTransformationDetail },
  { pattern: /^\/notifications$/, section: 'notifications', render: renderNotifications },
];

// "#/events?source_id=x" -> {path: '/events', params: URLSearchParams}
function currentLocation() {
  const hash = window.location.hash.replace(/^#/, '') || '/overview';
  const [path, query = ''] = hash.split('?');
  return { path, params: new URLSearchParams(query) };
}

export function navigate(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, value);
  }
  const text = query.toString();
  const hash = `#${path}${text ? `?${text}` : ''}`;
  if (window.location.hash === hash) {
    showCurrentView();
  } else {
    window.location.hash = hash;  // hashchange shows it
  }
}

function setShellVisible(visible) {
  document.getElementById('nav').hidden = !visible;
  document.getElementById('identity').hidden = !visible;
  if (visible && principal) {
    document.getElementById('identity-role').textContent = principal.role;
    document.getElementById('identity-key').textContent = ` · ${principal.key_id}`;
    document.getElementById('nav-notifications').hidden = !mayManageNotifications(principal);
  }
}

function markSection(section) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function stopView() {
  if (stopCurrentView) stopCurrentView();
  stopCurrentView = null;
}

async function showCurrentView({ focus = true } = {}) {
  stopView();
  if (!principal) return;
  const { path, params } = currentLocation();
  const route = routes.find((candidate) => candidate.pattern.test(path));
  const thisRender = ++renderCount;
  markSection(route?.section);
  if (!route) {
    replaceChildren(main, h('h1', {}, 'Not found'), message('error', `There is no page ${path}.`),
      h('p', {}, h('a', { href: '#/events' }, 'Go to events')));
    return;
  }
  const [, id] = path.match(route.pattern);
  const view = {
    id: id ? decodeURIComponent(id) : undefined,
    params,
    principal,
    navigate,
    // False once the user has moved on; async views check it before touching the page.
    isCurrent: () => thisRender === renderCount,
    // A view registers what stops its timers.
    onStop: (stop) => { stopCurrentView = stop; },
  };
  replaceChildren(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await route.render(main, view);
  } catch (error) {
    if (!view.isCurrent()) return;
    if (error instanceof ApiError && error.status === 401) return;  // sign-in is shown
    replaceChildren(main, h('h1', {}, 'Something went wrong'), message('error', error.message));
  }
  if (focus && view.isCurrent()) {
    // Keyboard and screen-reader users land on the new page's heading, not the old link.
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

function showSignIn(notice) {
  stopView();
  principal = null;
  setShellVisible(false);
  renderSignIn(main, {
    notice,
    onSignedIn: (me) => {
      principal = me;
      setShellVisible(true);
      showCurrentView();
    },
  });
}

async function signOut() {
  try {
    await post('/v1/auth/logout', {}, { quietUnauthorized: true });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      replaceChildren(main, h('h1', {}, 'Sign-out failed'), message('error', error.message));
      return;
    }
  }
  showSignIn('You are signed out.');
}

async function start() {
  onUnauthorized((error) => showSignIn(`Your session has ended: ${error.message}`));
  document.getElementById('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => showCurrentView());
  try {
    principal = await get('/v1/auth/me', { quietUnauthorized: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn();
      return;
    }
    replaceChildren(main, h('h1', {}, 'rehook cannot be reached'), message('error', error.message));
    return;
  }
  setShellVisible(true);
  showCurrentView({ focus: false });
}

start();
