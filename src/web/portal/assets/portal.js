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

  /* Offline drafts: a feedback step posted while offline is kept on this device. The page that
     saved it sends it, once, when the connection returns; a later visit asks first (the phone may
     be shared), and a draft older than a week is dropped. The form's idempotency key makes a
     repeat the same case. */
  var WEEK = 7 * 24 * 60 * 60 * 1000;
  var savedHere = false;

  function entriesOf(form, submitter) {
    var out = [];
    var data = new FormData(form);
    data.forEach((value, name) => {
      if (typeof value === 'string') out.push([name, value]);
    });
    if (submitter && submitter.name) out.push([submitter.name, submitter.value]);
    return out;
  }

  function forget() {
    try {
      localStorage.removeItem(KEY);
    } catch (e) {}
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
          // Busy or broken: keep it and try again later. Anything else is the server's answer.
          if (response.status >= 500 || response.status === 429) throw new Error('later');
          forget();
          savedHere = false;
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
    savedHere = true;
    say('saved');
  });

  function savedDraft() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (saved && !(saved.at > Date.now() - WEEK && saved.fields && saved.action)) {
      forget();
      return null;
    }
    return saved;
  }

  /* A draft from an earlier visit: the citizen chooses to send it or throw it away. */
  function ask(saved) {
    if (!banner) return;
    banner.textContent = '';
    var text = document.createElement('p');
    text.textContent = banner.getAttribute('data-resume');
    var sendButton = document.createElement('button');
    sendButton.type = 'button';
    sendButton.className = 'btn';
    sendButton.textContent = banner.getAttribute('data-send');
    sendButton.addEventListener('click', () => {
      send(saved);
    });
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'btn sec';
    discard.textContent = banner.getAttribute('data-discard');
    discard.addEventListener('click', () => {
      forget();
      banner.textContent = banner.getAttribute('data-discarded');
    });
    banner.appendChild(text);
    banner.appendChild(sendButton);
    banner.appendChild(discard);
    banner.className = 'in on note';
  }

  window.addEventListener('online', () => {
    var saved = savedDraft();
    if (saved && savedHere) send(saved);
  });
  var earlier = savedDraft();
  if (earlier) ask(earlier);
})();
