#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The reference site in a real browser: headless Chromium, driven through the
DevTools protocol over a pipe (no websocket library, nothing downloaded).

usage: browser.py [--paste] CHROMIUM SITE_DIR SHOTS_DIR

Loads a sample of pages in each locale at 1280 and 390 px wide, over HTTP
(a server on 127.0.0.1) and once from the file system, saves a screenshot of
each, and checks:
  - no console error, no uncaught exception, no failed load;
  - no horizontal overflow; one h1; a title, a meta description, the lang;
  - dark colours when the reader prefers them;
  - the compare form goes to the right pair page, with and without JavaScript;
  - the search box finds 5.7.26 from "dmarc" and 535 from "auth";
  - the language switch leads to the same code in the other locale;
  - with --paste (a site written with smtp-site --js): the paste page parses
    and classifies a pasted reply with the WebAssembly build, in each locale,
    and shows a parse error as such; from the file system it only says why it
    cannot load.
Exit 0 when every check passes, 1 otherwise (Chromium not starting included).
The README's picture, docs/site-220-vs-535.png, is en-220-vs-535-1280.png
reduced with pngquant.
"""
import base64
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

WIDTHS = ((1280, 900), (390, 844))
LOCALES = ('en', 'vi')
SAMPLE = ('index.html', 'compare.html', '220.html', '535.html', '550.html', '421.html',
          'x.7.26.html', 'x.1.1.html', '220-vs-535.html', '421-vs-450.html',
          '550-vs-554.html', '211-vs-556.html')
TIMEOUT = 20.0


class Failure(Exception):
    pass


class Browser:
    """One Chromium process and one tab, spoken to over --remote-debugging-pipe."""

    def __init__(self, chromium, profile):
        to_r, to_w = os.pipe()        # we write commands, the browser reads fd 3
        from_r, from_w = os.pipe()    # the browser writes fd 4, we read replies
        # Above 4, so that putting them at 3 and 4 in the child clobbers neither.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_r, from_w)]
        os.close(to_r)
        os.close(from_w)

        def child_fds():
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        args = [chromium, '--headless', '--no-sandbox', '--disable-gpu',
                '--disable-background-networking', '--disable-component-update',
                '--no-first-run', '--disable-sync', '--disable-quic',
                '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio',
                '--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank']
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=child_fds,
                                     pass_fds=(3, 4))
        for fd in high:
            os.close(fd)
        self.w, self.r = to_w, from_r
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.call('Browser.close', session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)

    def _read_message(self, deadline):
        while b'\0' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure('no answer from Chromium within %.0f s' % TIMEOUT)
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 16)
                if not chunk:
                    raise Failure('Chromium closed the DevTools pipe (exit %s)' % self.proc.poll())
                self.buf += chunk
        msg, _, self.buf = self.buf.partition(b'\0')
        return json.loads(msg)

    def call(self, method, params=None, session=True):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            msg['sessionId'] = self.session
        data = json.dumps(msg).encode() + b'\0'
        while data:
            data = data[os.write(self.w, data):]
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get('id') == self.next_id:
                if 'error' in m:
                    raise Failure('%s: %s' % (method, m['error'].get('message')))
                return m.get('result', {})
            if 'method' in m:
                self.events.append(m)

    def wait_event(self, name, since):
        """The first event called name at or after index since of self.events."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for e in self.events[since:]:
                if e['method'] == name:
                    return e
            since = len(self.events)
            m = self._read_message(deadline)
            if 'method' in m:
                self.events.append(m)

    def open_tab(self):
        target = self.call('Target.createTarget', {'url': 'about:blank'}, session=False)
        attached = self.call('Target.attachToTarget',
                             {'targetId': target['targetId'], 'flatten': True}, session=False)
        self.session = attached['sessionId']
        for domain in ('Page', 'Runtime', 'Log'):
            self.call(domain + '.enable')

    def viewport(self, width, height):
        self.call('Emulation.setDeviceMetricsOverride',
                  {'width': width, 'height': height, 'deviceScaleFactor': 1,
                   'mobile': width < 600})

    def js(self, expression):
        r = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True,
                                           'awaitPromise': True})
        if 'exceptionDetails' in r:
            raise Failure('script failed: %s: %s' % (expression,
                                                     r['exceptionDetails'].get('text')))
        return r['result'].get('value')

    def goto(self, url):
        since = len(self.events)
        r = self.call('Page.navigate', {'url': url})
        if r.get('errorText'):
            raise Failure('%s: %s' % (url, r['errorText']))
        self.wait_event('Page.loadEventFired', since)

    def wait_js(self, expression):
        """Whether expression became true within TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.js(expression):
                return True
            time.sleep(0.05)
        return False

    def wait_location(self, want):
        """Path and query of the page once it is want, or what it is after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        where = None
        while time.monotonic() < deadline:
            try:
                where = self.js('document.readyState === "complete" ? '
                                'location.pathname + location.search : ""')
            except Failure:     # the page is between two documents
                where = None
            if where == want:
                break
            time.sleep(0.05)
        return where

    def after_navigation(self, action):
        """Run action (which makes the page navigate) and wait for the new page's load."""
        since = len(self.events)
        action()
        self.wait_event('Page.loadEventFired', since)

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.js('(function(){var e=document.querySelector(%s);e.scrollIntoView({block:'
                      '"center"});var r=e.getBoundingClientRect();return [r.x+r.width/2,'
                      'r.y+r.height/2];})()' % json.dumps(selector))
        for kind in ('mousePressed', 'mouseReleased'):
            self.call('Input.dispatchMouseEvent', {'type': kind, 'x': box[0], 'y': box[1],
                                                   'button': 'left', 'clickCount': 1})

    def type_text(self, selector, text):
        self.click(selector)
        self.js('document.querySelector(%s).select()' % json.dumps(selector))
        self.call('Input.insertText', {'text': text})

    def screenshot(self, path):
        shot = self.call('Page.captureScreenshot', {'format': 'png'})
        with open(path, 'wb') as f:
            f.write(base64.b64decode(shot['data']))

    def problems(self, since):
        """Console errors, uncaught exceptions and failed loads since index since."""
        out = []
        for e in self.events[since:]:
            p = e.get('params', {})
            if e['method'] == 'Runtime.consoleAPICalled' and p.get('type') in ('error', 'assert'):
                out.append('console.%s: %s' % (p['type'], ' '.join(
                    str(a.get('value', a.get('description', ''))) for a in p.get('args', []))))
            elif e['method'] == 'Runtime.exceptionThrown':
                d = p.get('exceptionDetails', {})
                out.append('exception: %s %s' % (d.get('text'), d.get('exception', {}).get(
                    'description', '')))
            elif e['method'] == 'Log.entryAdded' and p.get('entry', {}).get('level') == 'error':
                out.append('log: %s %s' % (p['entry'].get('text'), p['entry'].get('url', '')))
        return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root):
    handler = functools.partial(QuietHandler, directory=root)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Checks:
    def __init__(self):
        self.failures = []
        self.count = 0

    def expect(self, ok, what):
        self.count += 1
        if not ok:
            self.failures.append(what)
            print('FAIL', what)


def check_page(b, c, url, label, shots, locale):
    since = len(b.events)
    b.goto(url)
    facts = b.js('''(function(){
      var d = document.documentElement, m = document.querySelector('meta[name=description]');
      return {over: d.scrollWidth - window.innerWidth, h1: document.querySelectorAll('h1').length,
              title: document.title, desc: m ? m.content : '', lang: d.lang,
              page: document.body ? document.body.getAttribute('data-page') : null};
    })()''')
    c.expect(facts['over'] <= 0, '%s: wider than the window by %s px' % (label, facts['over']))
    c.expect(facts['h1'] == 1, '%s: %d h1 elements' % (label, facts['h1']))
    c.expect(facts['page'] is not None, '%s: not a page of the site (%s)' % (label,
                                                                             facts['title']))
    c.expect(facts['title'] != '' and facts['desc'] != '', '%s: title or description empty' % label)
    if locale:
        c.expect(facts['lang'] == locale, '%s: lang is %r' % (label, facts['lang']))
    b.screenshot(os.path.join(shots, label.replace('/', '-') + '.png'))
    for p in b.problems(since):
        c.expect(False, '%s: %s' % (label, p))


def location(b):
    return b.js('location.pathname + location.search')


GMAIL = ('550-5.1.1 The email account that you tried to reach does not exist. Please try\n'
         '550-5.1.1 double-checking the recipient\'s email address for typos or\n'
         '550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a - gsmtp')


def check_paste(b, c, base, shots):
    """The paste page, in each locale: a Gmail rejection, then a line that is no reply."""
    for loc in LOCALES:
        since = len(b.events)
        b.goto(base + loc + '/paste.html')
        loaded = b.wait_js('document.querySelector("#paste-out .note") === null')
        c.expect(loaded, '%s/paste.html: the WebAssembly module did not load' % loc)
        words = b.js('JSON.parse(document.getElementById("paste-words").textContent)')
        b.type_text('#reply', GMAIL)
        b.js('document.getElementById("command").value = "RCPT"')
        b.click('#paste-form button')
        shown = b.wait_js('document.querySelectorAll("#paste-out article").length === 1')
        got = b.js('''(function () {
            var a = document.querySelector('#paste-out article');
            var dd = Array.prototype.map.call(a.querySelectorAll('dd'), function (d) {
                return d.textContent; });
            var links = Array.prototype.map.call(a.querySelectorAll('h2 a'), function (l) {
                return l.getAttribute('href'); });
            return {dd: dd, links: links, lines: a.querySelector('pre').textContent};
        })()''') if shown else {'dd': [], 'links': [], 'lines': ''}
        dd = got['dd']
        c.expect(shown and got['links'] == ['550.html', 'x.1.1.html'],
                 '%s/paste.html: links %r' % (loc, got['links']))
        c.expect(any(d.startswith('recipient-unknown: ') and len(d) > 30 for d in dd),
                 '%s/paste.html: reason not shown with its description: %r' % (loc, dd))
        c.expect(words['bounce']['hard'] in dd and words['retry']['never'] in dd,
                 '%s/paste.html: bounce and retry not %r, %r: %r'
                 % (loc, words['bounce']['hard'], words['retry']['never'], dd))
        c.expect('NoSuchUser' in got['lines'] and got['lines'].count('\n') == 2,
                 '%s/paste.html: the three lines are not shown: %r' % (loc, got['lines']))
        b.screenshot(os.path.join(shots, '%s-paste.png' % loc))
        b.type_text('#reply', 'no code here\n250 2.0.0 Ok')
        b.click('#paste-form button')
        done = b.wait_js('document.querySelectorAll("#paste-out .error").length === 1 && '
                         'document.querySelectorAll("#paste-out article").length === 1')
        error = b.js('(document.querySelector("#paste-out .error") || {}).textContent || ""')
        prefix = words['labels']['error'].split('{1}')[0]
        c.expect(done and error.startswith(prefix + '1'),
                 '%s/paste.html: the error line shows %r' % (loc, error))
        for p in b.problems(since):
            c.expect(False, '%s/paste.html: %s' % (loc, p))


def run(chromium, site, shots, paste):
    c = Checks()
    server = serve(site)
    base = 'http://127.0.0.1:%d/' % server.server_address[1]
    profile = tempfile.mkdtemp(prefix='smtpreply-chromium-')
    b = Browser(chromium, profile)
    try:
        b.open_tab()
        # Every sampled page, each locale, each width.
        for width, height in WIDTHS:
            b.viewport(width, height)
            check_page(b, c, base + 'index.html', 'root-%d' % width, shots, None)
            for loc in LOCALES:
                for page in SAMPLE:
                    label = '%s-%s-%d' % (loc, page[:-5], width)
                    check_page(b, c, base + loc + '/' + page, label, shots, loc)

        # Dark when the reader asks for it.
        b.viewport(1280, 900)
        for scheme, want_dark in (('dark', True), ('light', False)):
            b.call('Emulation.setEmulatedMedia',
                   {'features': [{'name': 'prefers-color-scheme', 'value': scheme}]})
            b.goto(base + 'en/220-vs-535.html')
            rgb = b.js('getComputedStyle(document.body).backgroundColor')
            level = sum(int(x) for x in rgb[rgb.index('(') + 1:rgb.index(')')].split(',')[:3])
            c.expect((level < 3 * 128) == want_dark, '%s scheme: background %s' % (scheme, rgb))
            if want_dark:
                b.screenshot(os.path.join(shots, 'en-220-vs-535-1280-dark.png'))
        b.call('Emulation.setEmulatedMedia', {'features': []})

        since = len(b.events)
        for loc in LOCALES:
            # The compare form, with JavaScript: straight to the pair, lower code first.
            b.goto(base + loc + '/index.html')
            b.js('document.getElementById("a").value="535";'
                 'document.getElementById("b").value="220";')
            b.after_navigation(lambda: b.click('#compare-form button'))
            c.expect(location(b) == '/%s/220-vs-535.html' % loc,
                     '%s: compare form (535, 220) went to %s' % (loc, location(b)))
            # compare.html?a=..&b=.. (the form's target) goes on to the pair.
            b.goto(base + loc + '/compare.html?a=550&b=421')
            where = b.wait_location('/%s/421-vs-550.html' % loc)
            c.expect(where == '/%s/421-vs-550.html' % loc,
                     '%s: compare.html?a=550&b=421 went to %s' % (loc, where))

            # Search from the index: "dmarc" finds 5.7.26, "auth" finds 535.
            b.goto(base + loc + '/index.html')
            for query, href, text in (('dmarc', 'x.7.26.html', '5.7.26'),
                                      ('auth', '535.html', '535'),
                                      ('5.7.26', 'x.7.26.html', '5.7.26')):
                b.type_text('#q', query)
                found = b.js('''Array.prototype.map.call(
                    document.querySelectorAll('#results-list li'), function (li) {
                      return [li.querySelector('a').getAttribute('href'), li.textContent]; })''')
                visible = b.js('!document.getElementById("results").hidden && '
                               'document.getElementById("browse").hidden')
                c.expect(visible, '%s: search %r: results not shown' % (loc, query))
                c.expect(any(h == href and text in t for h, t in found),
                         '%s: search %r: no %s in %r' % (loc, query, text, found[:5]))
                if query == '5.7.26':
                    c.expect(found and found[0][0] == href,
                             '%s: search %r: first hit is %r' % (loc, query, found[:1]))
            b.screenshot(os.path.join(shots, '%s-search.png' % loc))
            # The header's search box on another page leads to the index, filtered.
            b.goto(base + loc + '/250.html')
            b.type_text('#q', 'dmarc')
            b.after_navigation(lambda: b.click('.search button'))
            hits = b.js('document.querySelectorAll("#results-list a[href=\'x.7.26.html\']").length')
            c.expect(location(b) == '/%s/index.html?q=dmarc' % loc and hits == 1,
                     '%s: header search went to %s with %s hits' % (loc, location(b), hits))

            # The language switch keeps the page.
            other = 'vi' if loc == 'en' else 'en'
            for page in ('535.html', 'x.7.26.html', '220-vs-535.html', 'index.html'):
                b.goto(base + loc + '/' + page)
                b.after_navigation(lambda: b.click('.lang a[hreflang="%s"]' % other))
                lang = b.js('document.documentElement.lang')
                c.expect(location(b) == '/%s/%s' % (other, page) and lang == other,
                         '%s/%s: language switch went to %s (lang %s)' % (loc, page,
                                                                           location(b), lang))
        for p in b.problems(since):
            c.expect(False, 'interactions: %s' % p)

        # Without JavaScript the form still lands on compare.html, whose links
        # lead through the first code's page to the pair.
        since = len(b.events)
        b.call('Emulation.setScriptExecutionDisabled', {'value': True})
        b.goto(base + 'en/index.html')
        b.after_navigation(lambda: b.click('#compare-form button'))
        c.expect(location(b) == '/en/compare.html?a=211&b=214',
                 'no JavaScript: the form went to %s' % location(b))
        b.after_navigation(lambda: b.click('a[href="535.html#compare"]'))
        c.expect(location(b) == '/en/535.html', 'no JavaScript: compare.html led to %s'
                 % location(b))
        b.after_navigation(lambda: b.click('#compare ~ ul a[href="220-vs-535.html"]'))
        c.expect(location(b) == '/en/220-vs-535.html',
                 'no JavaScript: 535.html led to %s' % location(b))
        b.call('Emulation.setScriptExecutionDisabled', {'value': False})
        for p in b.problems(since):
            c.expect(False, 'no JavaScript: %s' % p)

        if paste:
            check_paste(b, c, base, shots)

        # Opened from the file system, as the README suggests: the search works too.
        since = len(b.events)
        b.goto('file://' + os.path.abspath(os.path.join(site, 'en', 'index.html')))
        b.type_text('#q', 'auth')
        hits = b.js('document.querySelectorAll("#results-list a[href=\'535.html\']").length')
        c.expect(hits == 1, 'file://: search "auth" found %s' % hits)
        if paste:
            b.goto('file://' + os.path.abspath(os.path.join(site, 'en', 'paste.html')))
            note = b.js('document.querySelectorAll("#paste-out .note").length')
            c.expect(note == 1, 'file://: the paste page lost its note')
        for p in b.problems(since):
            c.expect(False, 'file://: %s' % p)
    except Failure as e:
        c.expect(False, str(e))
    finally:
        b.close()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    shot_count = len([f for f in os.listdir(shots) if f.endswith('.png')])
    print('%d checks, %d failed; %d screenshots in %s' % (c.count, len(c.failures), shot_count,
                                                          shots))
    return 1 if c.failures else 0


def main(argv):
    paste = len(argv) > 1 and argv[1] == '--paste'
    if paste:
        argv = argv[:1] + argv[2:]
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    chromium, site, shots = argv[1:]
    if not os.path.isfile(os.path.join(site, 'en', 'index.html')):
        print('no site in %s' % site)
        return 1
    os.makedirs(shots, exist_ok=True)
    for f in os.listdir(shots):
        if f.endswith('.png'):
            os.remove(os.path.join(shots, f))
    if paste and not os.path.isfile(os.path.join(site, 'en', 'paste.html')):
        print('--paste: the site has no paste page (smtp-site --js PACKAGE_DIR)')
        return 1
    return run(chromium, site, shots, paste)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
