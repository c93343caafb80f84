// The inspector's js_on_load (runs once per page): citation, passage and corpus links become the
// inspector's `click` event; on a narrow screen the side panel opens over the chat and closes back
// to the same place; the layout learns where the main row starts (--qa-top, see qa.css).
window.__qaTrigger = trigger;
if (!window.__qaLinks) {
  window.__qaLinks = true;
  const NARROW = window.matchMedia('(max-width: 899px)');
  const root = document.documentElement;  // outside Gradio's containers: qa.css styles it unprefixed
  let savedY = null;
  let returnTo = null;
  let savedBoxes = [];  // [element, scrollTop] of the scrolling boxes around the link (the chat's own)

  const openPanel = () => {
    if (!NARROW.matches || root.classList.contains('qa-panel-open')) return;
    savedY = window.scrollY;
    savedBoxes = [];
    for (let node = returnTo && returnTo.parentElement; node; node = node.parentElement) {
      if (node.scrollHeight > node.clientHeight) savedBoxes.push([node, node.scrollTop]);
    }
    const main = document.getElementById('qa-main');  // keeps its height while the panel is out of the flow,
    if (main) main.style.minHeight = main.offsetHeight + 'px';  // so the page neither shrinks nor scrolls
    root.classList.add('qa-panel-open');
  };
  const closePanel = () => {
    if (!root.classList.contains('qa-panel-open')) return;
    root.classList.remove('qa-panel-open');
    const main = document.getElementById('qa-main');
    if (main) main.style.minHeight = '';
    const boxes = savedBoxes;  // the chat may have scrolled meanwhile, and its autoscroll may
    const restore = () => { for (const [node, top] of boxes) node.scrollTop = top; };  // follow the resize
    restore();
    requestAnimationFrame(restore);
    setTimeout(restore, 150);
    savedBoxes = [];
    if (savedY !== null) window.scrollTo(0, savedY);
    savedY = null;
    if (returnTo && returnTo.isConnected) returnTo.focus({preventScroll: true});
  };
  window.__qaClosePanel = closePanel;

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!target || !target.closest) return;
    if (target.closest('.qa-panel-close')) {
      event.preventDefault();
      closePanel();
      return;
    }
    const link = target.closest('a[href^="#zitat-"], a[href^="#treffer-"], a[href^="#artikel-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    if (!link.closest('#qa-side')) returnTo = link;
    openPanel();
    window.__qaTrigger('click', {link: link.getAttribute('href').slice(1)});
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closePanel();
  });
  NARROW.addEventListener('change', () => { if (!NARROW.matches) closePanel(); });
  if (new URLSearchParams(window.location.search).has('artikel')) openPanel();  // a link from the API

  // Gradio 6.31 has no German for a few labels of its chat and tabs (tooltips, screen readers)
  const GERMAN = {'Copy message': 'Nachricht kopieren', 'Copied message': 'Nachricht kopiert', 'Copy': 'Kopieren',
                  'Copied': 'Kopiert', 'Scroll down': 'Nach unten', 'More tabs': 'Weitere Tabs',
                  'chatbot conversation': 'Gespräch'};
  // the chat's bin icon deletes the chat shown, also from the list of chats (ui.py: delete_chat)
  const IN_CHAT = {'Chat leeren': 'Gespräch löschen', 'Clear': 'Gespräch löschen'};
  const PREFIXES = [["bot's message: ", 'Antwort: '], ["user's message: ", 'Frage: ']];
  const german = (text, node) => {
    if (GERMAN[text]) return GERMAN[text];
    if (IN_CHAT[text] && node.closest('#qa-chat')) return IN_CHAT[text];
    for (const [english, translated] of PREFIXES) {
      if (text.startsWith(english)) return translated + text.slice(english.length);
    }
    return null;
  };
  const germanLabels = () => {
    for (const node of document.querySelectorAll('.gradio-container [aria-label], .gradio-container [title]')) {
      for (const attribute of ['aria-label', 'title']) {
        const value = node.getAttribute(attribute);
        const translated = value && german(value, node);
        if (translated) node.setAttribute(attribute, translated);
      }
    }
  };
  new MutationObserver(germanLabels).observe(document.body, {childList: true, subtree: true, attributes: true,
                                                             attributeFilter: ['aria-label', 'title']});
  germanLabels();

  const setTop = () => {
    const main = document.getElementById('qa-main');
    if (main) {
      const top = main.getBoundingClientRect().top + window.scrollY;
      document.documentElement.style.setProperty('--qa-top', Math.round(top) + 'px');
    }
  };
  const header = document.getElementById('qa-header');
  if (header && window.ResizeObserver) new ResizeObserver(setTop).observe(header);
  window.addEventListener('resize', setTop);
  setTop();
}

// Scroll only the panel's own scroll areas (never the page): the mark to their middle, else back
// to their top (a new article opens at its start). After the next frame: `watch` runs before the
// new HTML is in place.
const scrollPanel = () => {
  const mark = element.querySelector('mark');
  for (let box = element.parentElement; box && box !== document.body && box !== document.documentElement;
       box = box.parentElement) {
    const style = window.getComputedStyle(box);
    if (!/(auto|scroll)/.test(style.overflowY) || box.scrollHeight <= box.clientHeight) continue;
    if (!mark) {
      box.scrollTop = 0;
      continue;
    }
    const inner = mark.getBoundingClientRect();
    const outer = box.getBoundingClientRect();
    box.scrollTop = Math.max(0, box.scrollTop + inner.top - outer.top - (box.clientHeight - inner.height) / 2);
  }
};
watch('value', () => requestAnimationFrame(() => requestAnimationFrame(scrollPanel)));
