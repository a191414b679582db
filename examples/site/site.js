// SPDX-License-Identifier: MIT
// The reference site's one script (smtp-site embeds it). Every page reads
// fine without it; with it, the index filters codes as you type, and the
// compare form goes straight to the page of the pair.
(function () {
  'use strict';

  // Lower case, without diacritics, so "xac thuc" finds "Xác thực".
  function fold(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd');
  }

  // The page of two basic codes: "220-vs-535.html", the lower code first;
  // one code's page when both are the same; null when either is not a code.
  function pairPage(a, b, known) {
    if (known.indexOf(a) < 0 || known.indexOf(b) < 0) {
      return null;
    }
    if (a === b) {
      return a + '.html';
    }
    return Number(a) < Number(b) ? a + '-vs-' + b + '.html' : b + '-vs-' + a + '.html';
  }

  function knownCodes(form) {
    return Array.prototype.map.call(form.querySelector('select').options, function (o) {
      return o.value;
    });
  }

  function setUpCompare(form) {
    var known = knownCodes(form);
    form.addEventListener('submit', function (ev) {
      var page = pairPage(form.elements.a.value, form.elements.b.value, known);
      if (page) {
        ev.preventDefault();
        window.location.href = page;
      }
    });
    // compare.html?a=535&b=220, reached without this script on the index.
    if (document.body.getAttribute('data-page') === 'compare') {
      var params = new URLSearchParams(window.location.search);
      var page = pairPage(params.get('a') || '', params.get('b') || '', known);
      if (page) {
        window.location.replace(page);
      }
    }
  }

  function setUpSearch(box, data) {
    var entries = JSON.parse(data.textContent);
    var results = document.getElementById('results');
    var count = document.getElementById('results-count');
    var list = document.getElementById('results-list');
    var browse = document.getElementById('browse');
    entries.forEach(function (e) {
      e.code = fold(e.c);
      e.title = fold(e.t);
      e.all = fold(e.c + ' ' + (e.f || '') + ' ' + e.k);
    });

    function rank(e, q, words) {
      if (e.code.indexOf(q) === 0 || (e.f && fold(e.f).split(', ').some(function (f) {
        return f.indexOf(q) === 0;
      }))) {
        return 0;
      }
      if (words.every(function (w) { return e.title.indexOf(w) >= 0; })) {
        return 1;
      }
      return 2;
    }

    function show() {
      var q = fold(box.value.trim());
      if (!q) {
        results.hidden = true;
        browse.hidden = false;
        return;
      }
      var words = q.split(/\s+/);
      var hits = [];
      entries.forEach(function (e, i) {
        if (words.every(function (w) { return e.all.indexOf(w) >= 0; })) {
          hits.push({ e: e, r: rank(e, q, words), i: i });
        }
      });
      hits.sort(function (x, y) { return x.r - y.r || x.i - y.i; });
      list.textContent = '';
      hits.forEach(function (h) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        var code = document.createElement('span');
        var title = document.createElement('span');
        a.href = h.e.u;
        code.className = 'code';
        code.textContent = h.e.c;
        title.textContent = h.e.t;
        a.appendChild(code);
        a.appendChild(document.createTextNode(' '));
        a.appendChild(title);
        li.appendChild(a);
        if (h.e.f) {
          var forms = document.createElement('span');
          forms.className = 'note';
          forms.textContent = ' ' + h.e.f;
          li.appendChild(forms);
        }
        list.appendChild(li);
      });
      var n = hits.length;
      count.textContent = n === 0 ? results.getAttribute('data-none')
        : n === 1 ? results.getAttribute('data-one')
          : results.getAttribute('data-many').replace('{1}', String(n));
      results.hidden = false;
      browse.hidden = true;
    }

    box.addEventListener('input', show);
    box.form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      show();
    });
    var q = new URLSearchParams(window.location.search).get('q');
    if (q) {
      box.value = q;
    }
    show();
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  // The paste page: the reply is parsed and classified by the library itself,
  // compiled to WebAssembly (the npm package, in js/ beside this script).
  // Browsers load WebAssembly only over HTTP(S); from the disk the page keeps
  // its note and loads nothing.
  function setUpPaste(form, out, words) {
    if (window.location.protocol !== 'http:' && window.location.protocol !== 'https:') {
      return;
    }
    var lib = null;
    var url = new URL('../js/smtpreply.js', window.location.href).href;
    var ready = import(url).then(function (m) {
      return m.init().then(function () {
        lib = m;
        out.textContent = '';
      });
    });

    function codeLink(parent, text, page) {
      if (page) {
        var a = element('a', null, text);
        a.href = page;
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(text));
      }
    }

    function fact(dl, label, value) {
      dl.appendChild(element('dt', null, label));
      dl.appendChild(element('dd', null, value));
    }

    function showReply(r, command) {
      var v = r.classify(command || undefined);
      var art = element('article', 'reply');
      var h = element('h2');
      var dl = element('dl', 'facts');
      var L = words.labels;
      var flags = r.flags.concat(v.flags);
      codeLink(h, String(r.code), words.basic.indexOf(r.code) >= 0 ? r.code + '.html' : null);
      if (r.enhanced) {
        var sd = r.enhanced.slice(2);
        h.appendChild(document.createTextNode(' '));
        codeLink(h, r.enhanced, words.enhanced.indexOf(sd) >= 0 ? 'x.' + sd + '.html' : null);
      }
      h.appendChild(document.createTextNode(' ' + lib.explain(r.code, words.lang).title));
      art.appendChild(h);
      art.appendChild(element('pre', 'lines', r.lines.join('\n')));
      fact(dl, L.severity, v.severity);
      fact(dl, L.category, v.category);
      fact(dl, L.reason, v.reason + (v.reason === 'none' ? ''
        : ': ' + lib.describeReason(v.reason, words.lang)));
      fact(dl, L.bounce, words.bounce[v.bounce] || v.bounce);
      fact(dl, L.retry, words.retry[v.retry] || v.retry);
      fact(dl, L.evidence, v.evidence);
      fact(dl, L.rule, v.rule);
      if (flags.length) {
        fact(dl, L.flags, flags.join(', '));
      }
      art.appendChild(dl);
      out.appendChild(art);
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      ready.then(function () {
        // Lines as the server sent them: CRLF, the last one ended too.
        var text = form.elements.reply.value.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
        var items = lib.parse(text);
        var replies = 0;
        out.textContent = '';
        items.forEach(function (item) {
          if (item.kind === 'reply') {
            replies++;
            showReply(item, form.elements.command.value);
          } else {
            out.appendChild(element('p', 'error', words.labels.error
              .replace('{1}', String(item.line)).replace('{2}', item.description)));
          }
        });
        if (replies === 0) {
          out.appendChild(element('p', 'note', words.labels.nothing));
        }
      });
    });
  }

  var form = document.getElementById('compare-form');
  if (form && form.tagName === 'FORM') {
    setUpCompare(form);
  }
  var paste = document.getElementById('paste-form');
  var pasteWords = document.getElementById('paste-words');
  if (paste && pasteWords) {
    setUpPaste(paste, document.getElementById('paste-out'), JSON.parse(pasteWords.textContent));
  }
  var box = document.getElementById('q');
  var data = document.getElementById('search-data');
  if (box && data) {
    setUpSearch(box, data);
  }
}());
