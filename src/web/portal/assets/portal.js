/* Baraza portal: small progressive enhancements. Every page works without this file. */
(() => {
  var KEY = 'baraza.draft';
  var banner = document.getElementById('offline');

  if ('serviceWorker' in navigator) {
    window.addEventListener('load', () => {
      navigator.serviceWorker.register('/sw.js').catch(() => {});
    });
  }

  function say(key) {
    if (!banner) return;
    var text = banner.getAttribute('data-' + key);
    if (!text) return;
    banner.textContent = text;
    banner.className = 'in on note';
  }

  /* "Use my location": only shown when the browser can do it. */
  var locate = document.querySelector('[data-locate]');
  if (locate && 'geolocation' in navigator) {
    locate.hidden = false;
    locate.addEventListener('click', () => {
      var out = document.getElementById('locate-status');
      out.textContent = locate.getAttribute('data-wait');
      navigator.geolocation.getCurrentPosition(
        (p) => {
          document.querySelector('input[name=lat]').value = p.coords.latitude.toFixed(5);
          document.querySelector('input[name=lng]').value = p.coords.longitude.toFixed(5);
          out.textContent = locate.getAttribute('data-done');
        },
        () => {
          out.textContent = locate.getAttribute('data-fail');
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
      );
    });
  }

  /* Offline drafts: a feedback step posted while offline is kept on this device and sent, once,
     when the connection returns. The form's idempotency key makes a repeat the same case. */
  function entriesOf(form, submitter) {
    var out = [];
    var data = new FormData(form);
    data.forEach((value, name) => {
      if (typeof value === 'string') out.push([name, value]);
    });
    if (submitter && submitter.name) out.push([submitter.name, submitter.value]);
    return out;
  }

  function send(draft) {
    say('sending');
    var body = new URLSearchParams();
    draft.fields.forEach((pair) => {
      body.append(pair[0], pair[1]);
    });
    return fetch(draft.action, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
      .then((response) =>
        response.text().then((text) => {
          if (response.status >= 500) throw new Error('server');
          localStorage.removeItem(KEY);
          document.open();
          document.write(text);
          document.close();
        }),
      )
      .catch(() => {
        say('saved');
      });
  }

  document.addEventListener('submit', (event) => {
    var form = event.target;
    if (!form.hasAttribute('data-draft') || navigator.onLine) return;
    event.preventDefault();
    var draft = {
      action: (event.submitter && event.submitter.getAttribute('formaction')) || form.getAttribute('action'),
      fields: entriesOf(form, event.submitter),
      at: Date.now(),
    };
    try {
      localStorage.setItem(KEY, JSON.stringify(draft));
    } catch (e) {
      return;
    }
    say('saved');
  });

  function resume() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (saved && navigator.onLine) send(saved);
    else if (saved) say('saved');
  }
  window.addEventListener('online', resume);
  resume();
})();
