// Builds DOM nodes from data without ever parsing data as HTML: text goes in as text nodes and
// attributes through setAttribute, so whatever a captured webhook contains stays inert text.
// (The Content-Security-Policy would stop an injected script too; this keeps the page intact.)

// h('a', {href: '#/x', class: 'link', onclick: fn}, 'text', childNode, [more]) -> element.
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'value' || name === 'checked') {
      element[name] = value;  // the live property, not the default
    } else if (name === 'href' && !/^[#/]/.test(String(value))) {
      throw new Error(`refusing a link that leaves the dashboard: ${value}`);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

// Appends children (nodes, strings, numbers, nested arrays); null, undefined and false are
// skipped so that conditional children read naturally.
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

let uniqueIds = 0;
// An id for pairing a <label for> with its input.
export function uniqueId(prefix) {
  uniqueIds += 1;
  return `${prefix}-${uniqueIds}`;
}

// A labelled form field: the label and the control stacked in one wrapper.
export function field(labelText, control, hint) {
  if (!control.id) control.id = uniqueId('field');
  const parts = [h('label', { for: control.id }, labelText), control];
  if (hint) {
    const hintId = uniqueId('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

// A <table> that turns into labelled cards at phone width (the CSS reads data-label), unless
// `stacked` is false: two narrow columns (name, value) read better as a table everywhere.
export function table(caption, columns, rows, { stacked = true } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: stacked ? 'responsive' : 'plain' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))),
      h('tbody', {}, rows.map((cells) => h('tr', {},
        cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell)))))));
}

// A message for the user: role=alert for errors so screen readers speak them at once.
export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// Says `text` through the page's polite live region (copy confirmations and the like).
export function announce(text) {
  const announcer = document.getElementById('announcer');
  announcer.textContent = '';
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}
