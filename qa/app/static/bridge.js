window.__qaTrigger = trigger;
if (!window.__qaLinks) {
  window.__qaLinks = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest(
      'a[href^="#zitat-"], a[href^="#treffer-"], a[href^="#artikel-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window.__qaTrigger('click', {link: link.getAttribute('href').slice(1)});
  }, true);
}
watch('value', () => {
  const mark = element.querySelector('mark');
  if (mark) mark.scrollIntoView({block: 'center'});
});
