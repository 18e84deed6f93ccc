/* Baraza staff console: keyboard shortcuts and live queue counts. Every page works without it. */
(() => {
  /* Shortcuts on the case page: r respond, n note, i request information, c claim, g go to the
     queue. Not while typing. */
  var keys = { r: 'respond', n: 'note', i: 'request-info', s: 'status' };
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (event.key === 'g') {
      window.location.href = '/console';
      return;
    }
    var claim = event.key === 'c' && document.querySelector('form[data-shortcut=claim] button');
    if (claim) {
      claim.click();
      return;
    }
    var id = keys[event.key];
    if (!id) return;
    var section = document.getElementById(id);
    if (!section) return;
    event.preventDefault();
    if (section.tagName === 'DETAILS') section.open = true;
    var field = section.querySelector('textarea, select, input:not([type=hidden])');
    if (field) field.focus();
  });

  /* "Choose all on this page" for the bulk actions: only with a script, so it is hidden without. */
  var all = document.querySelector('[data-select-all]');
  if (all) {
    all.hidden = false;
    all.addEventListener('change', () => {
      document.querySelectorAll('input[name=refs]').forEach((box) => {
        box.checked = all.checked;
      });
    });
  }

  /* Queue counts refresh every 30 seconds while the page is visible. */
  var counts = document.querySelectorAll('[data-count]');
  if (counts.length === 0 || !window.fetch) return;
  function refresh() {
    if (document.hidden) return;
    fetch('/console/counts', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : null))
      .then((fresh) => {
        if (!fresh) return;
        counts.forEach((node) => {
          var value = fresh[node.getAttribute('data-count')];
          if (typeof value === 'number') node.textContent = String(value);
        });
      })
      .catch(() => {});
  }
  setInterval(refresh, 30000);
})();
