// Tiny DOM helpers; no framework.

/**
 * Creates an element. `props` keys: `class`, `text`, `dataset`, `on` (event -> handler),
 * attributes (strings, or booleans for presence) and anything else as a property.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (key.startsWith('aria-') || key === 'role' || key === 'for' || key === 'title') node.setAttribute(key, value);
    else if (typeof value === 'boolean') node.toggleAttribute(key, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * Runs `rebuild`, then puts the focus back on the element inside `container` with the same
 * `data-focus-key` as before, so live updates never steal a keyboard user's place.
 */
export function keepFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : undefined;
  rebuild();
  if (key === undefined || container.contains(document.activeElement)) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  again?.focus({ preventScroll: true });
}

/** "1.50, 0, -3.20" */
export function formatVector(v, digits = 2) {
  return (v ?? []).map((n) => formatNumber(n, digits)).join(', ');
}

export function formatNumber(n, digits = 2) {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? String(n) : n.toFixed(digits).replace(/\.?0+$/, '');
}

export function shortID(id) {
  return id ? id.slice(0, 8) : '';
}

export function clockTime(date = new Date()) {
  return date.toLocaleTimeString(undefined, { hour12: false });
}
