// Turning API values into what a person reads: local times, sizes, durations, bodies.

import { h } from './dom.js';

const pad = (number, width = 2) => String(number).padStart(width, '0');

// "2026-11-23T17:05:09.123Z" -> "2026-11-23 18:05:09.123" in the browser's time zone.
export function localTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds(), 3)}`;
}

// A <time> element: local time as text, the exact UTC instant in datetime and the tooltip.
export function timeElement(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: iso }, localTime(iso));
}

// Date -> the value a datetime-local input takes ("2026-11-23T18:05:09", local time).
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// A datetime-local value (local time, no offset) -> ISO 8601 UTC for the API; '' stays ''.
export function fromLocalInput(value) {
  if (!value) return '';
  const date = new Date(value);  // the form without an offset is read as local time
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

// ISO 8601 from the URL -> datetime-local value; '' when absent or unreadable.
export function isoToLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : toLocalInput(date);
}

export function timeZoneName() {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const offset = `UTC${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone ? `${zone} (${offset})` : offset;
}

export function bytes(count) {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function base64ToBytes(text) {
  const binary = atob(text);
  const result = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) result[i] = binary.charCodeAt(i);
  return result;
}

// Classic 16-bytes-a-line dump: offset, hex, printable ASCII. Shows at most `limit` bytes.
export function hexDump(data, limit = 64 * 1024) {
  const shown = data.subarray(0, limit);
  const lines = [];
  for (let offset = 0; offset < shown.length; offset += 16) {
    const row = shown.subarray(offset, offset + 16);
    const hex = Array.from(row, (byte) => pad(byte.toString(16))).join(' ');
    const ascii = Array.from(row, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

const kMaxShownText = 256 * 1024;

// How an event's body is shown: {kind: 'json'|'text'|'binary'|'empty', text, note}.
// JSON is pretty-printed, other UTF-8 text shown as is, anything else as a hex dump.
export function describeBody(event) {
  if (event.body_base64 !== undefined) {
    const data = base64ToBytes(event.body_base64);
    const note = data.length > 64 * 1024 ? `First 65536 of ${data.length} bytes shown.` : '';
    return { kind: 'binary', text: hexDump(data), note };
  }
  const body = event.body ?? '';
  if (body === '') return { kind: 'empty', text: '', note: '' };
  try {
    const parsed = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') {
      const pretty = JSON.stringify(parsed, null, 2);
      if (pretty.length <= kMaxShownText) return { kind: 'json', text: pretty, note: '' };
      return { kind: 'json', text: pretty.slice(0, kMaxShownText), note: `First ${kMaxShownText} of ${pretty.length} characters shown.` };
    }
  } catch {
    // not JSON: shown as text below
  }
  if (body.length > kMaxShownText) {
    return { kind: 'text', text: body.slice(0, kMaxShownText), note: `First ${kMaxShownText} of ${body.length} characters shown.` };
  }
  return { kind: 'text', text: body, note: '' };
}
