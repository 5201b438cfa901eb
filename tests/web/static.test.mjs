// Static checks of web/ against the Content-Security-Policy and the safety rules of the shell:
// no inline script or style, no HTML parsing of data, nothing loaded from another origin.
// Run: node --test tests/web/static.test.mjs
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');

function files(dir, ext) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path, ext));
    else if (ext.some((e) => entry.name.endsWith(e))) out.push(path);
  }
  return out;
}

const html = readFileSync(join(WEB, 'index.html'), 'utf8');
const scripts = files(join(WEB, 'js'), ['.js']);
const css = readFileSync(join(WEB, 'css', 'app.css'), 'utf8');

describe('index.html under script-src/style-src self', () => {
  test('no inline <script> (every script has a src)', () => {
    const inline = [...html.matchAll(/<script\b([^>]*)>/g)].filter((m) => !/\bsrc=/.test(m[1]));
    assert.equal(inline.length, 0);
  });
  test('no <style> blocks, style="" attributes or on*="" handlers', () => {
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  });
  test('nothing from another origin', () => {
    assert.doesNotMatch(html, /(src|href)\s*=\s*"(https?:)?\/\//i);
  });
  test('has lang, viewport, favicon and manifest', () => {
    assert.match(html, /<html lang="th">/);
    assert.match(html, /name="viewport"/);
    assert.match(html, /rel="icon" href="\/favicon.svg"/);
    assert.match(html, /rel="manifest" href="\/manifest.webmanifest"/);
    assert.ok(existsSync(join(WEB, 'favicon.svg')));
    const manifest = JSON.parse(readFileSync(join(WEB, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.lang, 'th');
    assert.ok(manifest.icons.every((i) => existsSync(join(WEB, i.src))));
  });
});

describe('scripts', () => {
  for (const file of scripts) {
    const name = relative(WEB, file);
    const text = readFileSync(file, 'utf8');
    test(`${name}: no innerHTML/outerHTML/insertAdjacentHTML/document.write/eval`, () => {
      // dom.js names innerHTML only to refuse it.
      const code = name === join('js', 'dom.js') ? text.replace(/'innerHTML'|'outerHTML'/g, '') : text;
      assert.doesNotMatch(code, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
    });
    test(`${name}: no inline styles (.style, setAttribute('style'))`, () => {
      assert.doesNotMatch(text, /\.style\b|setAttribute\(\s*'style'/);
    });
    test(`${name}: no absolute URLs (offline, same origin)`, () => {
      // The SVG namespace name looks like a URL but is never fetched.
      assert.doesNotMatch(text.replaceAll("'http://www.w3.org/2000/svg'", ''), /https?:\/\//);
    });
  }
});

describe('app.css', () => {
  test('loads Sarabun from /vendor/sarabun/, and every referenced file exists in node_modules', () => {
    const urls = [...css.matchAll(/url\('([^']+)'\)/g)].map((m) => m[1]);
    assert.ok(urls.some((u) => u.includes('sarabun-thai-400-normal.woff2')));
    assert.ok(urls.some((u) => u.includes('sarabun-latin-400-normal.woff2')));
    for (const url of urls) {
      assert.ok(url.startsWith('/vendor/sarabun/'), url);
      const onDisk = join(ROOT, 'node_modules', '@fontsource', 'sarabun', url.slice('/vendor/sarabun/'.length));
      assert.ok(existsSync(onDisk), `${url} → ${onDisk} is missing`);
    }
  });
  test('falls back to system fonts', () => {
    assert.match(css, /--font:\s*'Sarabun',[^;]*sans-serif;/);
  });
  test('nothing from another origin', () => {
    assert.doesNotMatch(css, /url\(\s*['"]?(https?:)?\/\//);
  });
});
