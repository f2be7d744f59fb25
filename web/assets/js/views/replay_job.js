// One replay job with a live progress bar: polls GET /v1/replay/{id} every second while the job
// is running or paused, charts the rate it achieves (events per second between polls) against
// its limit, and offers to cancel it.

import { ApiError, get, post } from '../api.js';
import { announce, h, message, replaceChildren } from '../dom.js';
import { lineChart } from '../chart.js';
import { duration, timeElement } from '../format.js';
import { circuitBadge } from './destinations.js';

const kPollMs = 1000;
const kRateSamples = 120;  // two minutes of polls
const kLiveStatuses = new Set(['running', 'paused']);

export function statusBadge(status) {
  const tone = { completed: 'good', running: 'info', paused: 'warn', cancelled: 'bad' }[status] ?? '';
  return h('span', { class: `badge ${tone}` }, status);
}

function percentOf(job) {
  return job.total > 0 ? Math.floor((job.processed * 100) / job.total) : 100;
}

function progressBlock(job) {
  const percent = percentOf(job);
  const live = kLiveStatuses.has(job.status);
  return h('div', { class: 'progress-block' },
    h('div', { class: 'progress-head' },
      h('span', { id: 'job-progress-label' }, 'Progress'),
      h('strong', { class: 'progress-percent' }, `${percent} %`)),
    h('progress', { max: Math.max(job.total, 1), value: job.total > 0 ? job.processed : 1, 'aria-labelledby': 'job-progress-label', 'aria-valuetext': `${job.processed} of ${job.total} events (${percent} %)` }),
    h('dl', { class: 'counters' },
      h('div', {}, h('dt', {}, 'Processed'), h('dd', { 'data-counter': 'processed' }, `${job.processed} / ${job.total}`)),
      h('div', {}, h('dt', {}, 'Succeeded'), h('dd', { 'data-counter': 'succeeded' }, job.succeeded)),
      h('div', {}, h('dt', {}, 'Failed'), h('dd', { 'data-counter': 'failed' }, job.failed)),
      h('div', {}, h('dt', { title: 'failed last time, succeeded now' }, 'Fixed'), h('dd', { 'data-counter': 'fixed' }, job.fixed)),
      h('div', {}, h('dt', { title: 'succeeded last time, failed now' }, 'Regressed'), h('dd', { 'data-counter': 'regressed' }, job.regressed)),
      h('div', {}, h('dt', {}, 'Time left'), h('dd', { 'data-counter': 'eta' }, live ? `about ${duration(job.eta_seconds)}` : '—'))));
}

function details(job, destination) {
  const rows = [
    ['Destination', destination
      ? [h('strong', {}, destination.name), ' ', h('span', { class: 'muted mono' }, destination.url), ' · circuit ', circuitBadge(destination.circuit)]
      : h('span', { class: 'mono' }, job.destination_id)],
    ['Source', job.source_id ? h('span', { class: 'mono' }, job.source_id) : 'All sources'],
    ['From', timeElement(job.from)],
    ['To', timeElement(job.to)],
    ['Rate limit', `${job.rate_limit} per second`],
    ['Max events', job.max_events],
    ['Filter', job.filter ? h('code', {}, JSON.stringify(job.filter)) : '—'],
    ['Events', { all: 'all in the range', failed: 'only those whose latest attempt failed', undelivered: 'only those never delivered' }[job.only] ?? job.only],
    ['Started', timeElement(job.started_at)],
    ['Completed', timeElement(job.completed_at)],
    ['Kept until', timeElement(job.expires_at)],
  ];
  return h('dl', { class: 'summary card' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

// The events that succeeded at the destination before and failed in this job: what a change
// broke. Loaded again whenever the count grows.
function regressionsSection(attempts) {
  if (!attempts.length) return null;
  return h('section', { 'aria-labelledby': 'regressions-heading' },
    h('h2', { id: 'regressions-heading' }, 'Regressed events'),
    h('p', { class: 'muted' }, 'Delivered successfully before, failed in this job.'),
    h('ul', {}, attempts.map((attempt) => h('li', {},
      h('a', { href: `#/events/${encodeURIComponent(attempt.event_id)}`, class: 'mono' }, attempt.event_id), ' — ',
      attempt.status_code !== null ? `HTTP ${attempt.status_code}` : (attempt.error ?? 'no response')))));
}

export async function renderReplayJob(main, view) {
  const path = `/v1/replay/${encodeURIComponent(view.id)}`;
  let job = await get(path);
  // Its circuit says why a job is paused; a deleted destination just shows its id.
  const destination = await get(`/v1/destinations/${encodeURIComponent(job.destination_id)}`).catch(() => null);
  if (!view.isCurrent()) return;

  let timer = null;
  let stopped = false;
  view.onStop(() => { stopped = true; window.clearTimeout(timer); });

  const statusLine = h('p', { class: 'status-line' });
  const progress = h('div', { class: 'card', role: 'group', 'aria-label': 'Replay progress' });
  const feedback = h('div', { class: 'feedback' });
  const cancelButton = h('button', { type: 'button', class: 'danger', onclick: cancel }, 'Cancel job');
  const detail = h('div', {});
  const regressions = h('div', {});
  let regressionsShown = 0;

  async function loadRegressions() {
    if (job.regressed === regressionsShown) return;
    regressionsShown = job.regressed;
    const { data } = await get(`${path}/deliveries?outcome=regressed&limit=100`);
    if (!stopped) replaceChildren(regressions, regressionsSection(data));
  }

  function show() {
    replaceChildren(statusLine, 'Status: ', statusBadge(job.status), job.status_reason ? h('span', { class: 'muted' }, ` — ${job.status_reason}`) : null);
    replaceChildren(progress, progressBlock(job));
    cancelButton.hidden = !kLiveStatuses.has(job.status);
    replaceChildren(detail, details(job, destination));
  }

  // The rate achieved since the last poll, charted with the job's limit.
  const rateChart = h('div', {});
  const samples = [];
  let last = { processed: job.processed, at: Date.now() };
  function sampleRate() {
    const now = Date.now();
    const rate = Math.round(((job.processed - last.processed) * 10000) / Math.max(1, now - last.at)) / 10;
    last = { processed: job.processed, at: now };
    samples.push({ t: new Date(now).toISOString(), rate });
    if (samples.length > kRateSamples) samples.shift();
    replaceChildren(rateChart, lineChart({ title: 'Events per second against the limit', bucket: 'second', series: [
      { name: 'achieved', points: samples.map((s) => ({ t: s.t, value: s.rate })) },
      { name: `limit (${job.rate_limit} per second)`, points: samples.map((s) => ({ t: s.t, value: job.rate_limit })) }] }));
  }

  async function poll() {
    try {
      const previous = job.status;
      job = await get(path);
      if (stopped) return;
      show();
      sampleRate();
      if (previous !== job.status) announce(`Replay job ${job.status}`);
      await loadRegressions();
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 401) return;
      replaceChildren(feedback, message('error', error.message));
    }
    if (!stopped && kLiveStatuses.has(job.status)) timer = window.setTimeout(poll, kPollMs);
  }

  async function cancel() {
    cancelButton.disabled = true;
    try {
      job = await post(`${path}/cancel`, {});
      if (stopped) return;
      replaceChildren(feedback, message('success', 'The job was cancelled.'));
      show();
    } catch (error) {
      if (!stopped) replaceChildren(feedback, message('error', error.message));
    } finally {
      cancelButton.disabled = false;
    }
  }

  show();
  replaceChildren(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/replay' }, '← Replay')),
    h('h1', {}, 'Replay job ', h('span', { class: 'mono' }, job.id)),
    statusLine, progress, h('div', { class: 'actions' }, cancelButton), feedback, rateChart, regressions, detail);
  loadRegressions().catch((error) => { if (!stopped) replaceChildren(feedback, message('error', error.message)); });
  if (kLiveStatuses.has(job.status)) timer = window.setTimeout(poll, kPollMs);
}
