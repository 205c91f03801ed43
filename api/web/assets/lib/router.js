// A small history router: paths like /console/members/:memberId, links that stay in the page, and focus moved to
// the new page's heading so keyboard and screen-reader users know the page changed.
import { html, useEffect, useState } from "/portal/vendor/preact-htm.js";

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", () => {
  for (const listener of listeners) listener();
});

function currentLocation() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function useLocation() {
  const [where, setWhere] = useState(currentLocation);
  useEffect(() => {
    const update = () => setWhere(currentLocation());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return where;
}

/** The parameters of `pattern` in `path`, or null when it does not match. */
export function match(pattern, path) {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** An in-page link; it carries aria-current="page" when it leads to the page shown. */
export function Link({ href, children, ...rest }) {
  const { path } = useLocation();
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} aria-current=${path === href ? "page" : undefined} ...${rest}>${children}</a>`;
}
