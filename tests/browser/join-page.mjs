// Drives Debian's Chromium (headless, fake camera and microphone) through the gateway's join page
// and measures what the page receives. Prints one JSON object on stdout; the Python test asserts.
//
// node join-page.mjs --url http://127.0.0.1:PORT/ --site ID --token TOKEN --probe 510,730
//   [--screenshot FILE.png] [--hold S] [--checks] [--wrong-site ID] [--bench]
//   [--call-site ID [--panel-screenshot FILE.png]]
//
// --hold keeps the page in the meeting that long after the measurements (so the other sites
// measure it); --checks also exercises the error and reconnect paths of the page. --bench only
// joins, prints "connected", stays --hold seconds and leaves. --call-site: the page is the chair;
// it only clicks that hall's "Gọi" in its chair panel, prints "calling" once the button says
// "Đang gọi…" (the test then lets the call fail) and follows it until "Gọi lại"; screenshots of
// the page and of the panel in both states.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const CHROMIUM = '/usr/bin/chromium';
// headless: true below adds --headless.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A fresh profile each run: no permissions, storage or cache left from an earlier one.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'diemcau-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function joinPage(page, url, site, token) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('#site option').length > 1);
  await page.selectOption('#site', site);
  await page.fill('#token', token);
  await page.click('#join');
}

async function waitForState(page, state, timeoutMs) {
  await page.waitForFunction((s) => window.diemcau.state === s, state, { timeout: timeoutMs });
}

// Levels of the probe frequencies in the remote mix as the page's WebAudio hears it, in dB
// relative to the median bin of the spectrum, averaged over `ms`.
function measureSpectrum(page, probes, ms) {
  return page.evaluate(async ({ probes, ms }) => {
    const ctx = new AudioContext();
    await ctx.resume();
    const source = ctx.createMediaStreamSource(window.diemcau.remoteStream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    source.connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const power = new Float64Array(bins.length);
    let reads = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      for (let i = 0; i < bins.length; i++)
        power[i] += 10 ** (bins[i] / 10);
      reads += 1;
    }
    const db = Array.from(power, (p) => 10 * Math.log10(p / reads + 1e-30));
    // The median over the voice band, 100 Hz to 8 kHz, is the floor the tones must rise above.
    const hz = ctx.sampleRate / analyser.fftSize;
    const band = db.slice(Math.round(100 / hz), Math.round(8000 / hz)).sort((a, b) => a - b);
    const median = band[band.length >> 1];
    const levels = {};
    for (const f of probes) {
      const i = Math.round(f / hz);
      levels[f] = Math.max(...db.slice(i - 2, i + 3)) - median;
    }
    source.disconnect();
    await ctx.close();
    return { sampleRate: ctx.sampleRate, reads, median, levels };
  }, { probes, ms });
}

async function countFrames(page, ms) {
  const before = await page.evaluate(() => ({
    frames: window.diemcau.videoFrames,
    time: document.getElementById('remote-video').currentTime,
  }));
  await sleep(ms);
  const after = await page.evaluate(() => {
    const video = document.getElementById('remote-video');
    return { frames: window.diemcau.videoFrames, time: video.currentTime,
             width: video.videoWidth, height: video.videoHeight };
  });
  return { frames: after.frames - before.frames, seconds: after.time - before.time,
           width: after.width, height: after.height, fps: (after.frames - before.frames) / (ms / 1000) };
}

// The page's own camera comes back inside the composition: the mean colour of its tile, sampled
// over time, shows whether the gateway receives it and whether it moves.
function sampleOwnTile(page, site, count) {
  return page.evaluate(async ({ site, count }) => {
    const tile = window.diemcau.layout.tiles.find((t) => t.site === site);
    const video = document.getElementById('remote-video');
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const samples = [];
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, 300));
      g.drawImage(video, 0, 0);
      const d = g.getImageData(tile.x, tile.y, tile.width, tile.height).data;
      const sum = [0, 0, 0];
      for (let p = 0; p < d.length; p += 4)
        for (let c = 0; c < 3; c++)
          sum[c] += d[p + c];
      samples.push(sum.map((v) => Math.round(v / (d.length / 4))));
    }
    return { tile, samples };
  }, { site, count });
}

async function rtpStats(page) {
  return page.evaluate(async () => {
    const out = {};
    const report = await window.diemcau.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' || s.type === 'inbound-rtp')
        out[`${s.type}-${s.kind}`] = { packets: s.packetsSent ?? s.packetsReceived,
                                       bytes: s.bytesSent ?? s.bytesReceived,
                                       frames: s.framesEncoded ?? s.framesDecoded,
                                       codec: report.get(s.codecId)?.mimeType,
                                       fmtp: report.get(s.codecId)?.sdpFmtpLine,
                                       encoder: s.encoderImplementation,
                                       frameWidth: s.frameWidth, frameHeight: s.frameHeight,
                                       decoder: s.decoderImplementation };
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded')
        out.pair = s.id;
      if (s.type === 'codec')
        out[`codec-${s.payloadType}`] = s.mimeType;
    });
    return out;
  });
}

const text = (page, selector) => page.$eval(selector, (el) => (el.hidden ? '' : el.textContent));

// The page is replaced by a second one joining as the same site: it must say so and stay out.
async function checkReplaced(context, url, site, token, page) {
  const other = await context.newPage();
  await joinPage(other, url, site, token);
  await waitForState(other, 'stConnected', 20000);
  await page.waitForFunction(() => window.diemcau.state === 'idle', null, { timeout: 10000 });
  await sleep(6000);  // longer than the rejoin countdown: the replaced page must not come back
  const result = { notice: await text(page, '#notice'), state: await page.evaluate(() => window.diemcau.state),
                   joinShown: await page.isVisible('#join-form') };
  return { other, result };
}

// A lost signaling connection: a countdown, then the page joins again by itself.
async function checkRejoin(page) {
  await page.evaluate(() => window.diemcau.dropConnection());
  await waitForState(page, 'stReconnecting', 5000);
  const countdown = await text(page, '#status');
  await waitForState(page, 'stConnected', 30000);
  return { countdown, rejoined: true };
}

async function checkWrongToken(context, url, site) {
  const page = await context.newPage();
  await joinPage(page, url, site, '0'.repeat(64));
  await page.waitForFunction(() => !document.getElementById('notice').hidden, null, { timeout: 10000 });
  const vi = await text(page, '#notice');
  await page.click('#lang');
  const en = await text(page, '#notice');
  const button = await text(page, '#join');
  await page.close();
  return { vi, en, button };
}

// Visible buttons whose label is one of the chair's call commands (a district must have none).
function visibleCallButtons(page) {
  return page.evaluate(() => [...document.querySelectorAll('button')]
    .filter((b) => b.offsetParent !== null && /^(Gọi|Đang gọi)/.test(b.textContent))
    .map((b) => b.textContent));
}

const panelState = async (page, row) => ({
  rowText: await text(page, row), callAll: await text(page, '#call-all'),
  callAllDisabled: await page.$eval('#call-all', (b) => b.disabled) });

// The chair's page calls one hall: every label its row's button shows is recorded from before
// the click until "Gọi lại" (the call failed, no redial left) or 15 s.
async function checkChairCalls(page, site, screenshot) {
  const row = `#chair-sites li[data-site="${site}"]`;
  await page.waitForSelector(`${row} button.call`, { timeout: 15000 });
  await page.evaluate((row) => {
    const seen = window.diemcau.callLabels = [];
    const note = () => {
      const button = document.querySelector(`${row} button.call`);
      const label = button ? `${button.textContent}${button.disabled ? ' (disabled)' : ''}` : '';
      if (seen[seen.length - 1] !== label)
        seen.push(label);
    };
    note();
    new MutationObserver(note).observe(document.getElementById('chair-sites'),
                                       { childList: true, subtree: true, attributes: true });
  }, row);
  const shoot = async (suffix) => {
    if (screenshot)
      await page.locator('#chair-panel').screenshot({ path: screenshot.replace(/\.png$/, suffix) });
  };
  const before = { ...await panelState(page, row), buttons: await visibleCallButtons(page) };
  await page.click(`${row} button.call`);
  const clickedAt = Date.now();
  const last = (label) => page.waitForFunction((l) => window.diemcau.callLabels.at(-1) === l,
                                               label, { timeout: 15000 }).catch(() => {});
  await last('Đang gọi… (disabled)');
  const during = await panelState(page, row);
  await shoot('-calling.png');
  process.stdout.write('calling\n');
  await last('Gọi lại');
  const result = { before, during, ...await panelState(page, row),
                   labels: await page.evaluate(() => window.diemcau.callLabels),
                   seconds: (Date.now() - clickedAt) / 1000,
                   state: await page.evaluate((site) =>
                     window.diemcau.state_message.sites.find((s) => s.id === site), site) };
  if (screenshot)
    await page.screenshot({ path: screenshot });
  await shoot('-panel.png');
  return result;
}

async function chairMain(values) {
  const browser = await launch();
  const result = { console: [] };
  try {
    const page = await browser.context.newPage();
    page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => result.console.push(`pageerror: ${e.message}`));
    await joinPage(page, `${values.url}?loopback=1`, values.site, values.token);
    result.chair = await checkChairCalls(page, values['call-site'], values['panel-screenshot']);
    await page.click('#leave');
  } finally {
    await browser.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main() {
  const { values } = parseArgs({ options: {
    url: { type: 'string' }, site: { type: 'string' }, token: { type: 'string' },
    probe: { type: 'string', default: '' }, screenshot: { type: 'string' },
    hold: { type: 'string', default: '0' }, checks: { type: 'boolean', default: false },
    'wrong-site': { type: 'string' }, bench: { type: 'boolean', default: false },
    'call-site': { type: 'string' }, 'panel-screenshot': { type: 'string' },
  } });
  if (values['call-site'])
    return chairMain(values);
  const probes = values.probe.split(',').filter(Boolean).map(Number);
  // The last probe is this site's own frequency, which nobody sends; the others are site tones.
  const siteTones = probes.slice(0, -1);
  const url = `${values.url}?loopback=1`;
  const browser = await launch();
  const result = { console: [] };
  try {
    const page = await browser.context.newPage();
    page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => result.console.push(`pageerror: ${e.message}`));
    await joinPage(page, url, values.site, values.token);
    await waitForState(page, 'stConnected', 30000);
    result.connected_at = Date.now();
    if (values.bench) {
      // Only be in the call: the benchmark measures the browser's processes meanwhile.
      process.stdout.write('connected\n');
      await sleep(Number(values.hold) * 1000);
      await page.click('#leave');
      return;
    }
    await sleep(3000);
    result.video = await countFrames(page, 3000);
    // One window can catch a passing disturbance on a busy 2-core machine: measure up to three
    // windows until every site tone stands out; each window is kept in the report.
    result.audio_windows = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      result.audio = await measureSpectrum(page, probes, 3000);
      result.audio_windows.push(result.audio.levels);
      if (siteTones.every((f) => result.audio.levels[f] > 20))
        break;
    }
    result.own_tile = await sampleOwnTile(page, values.site, 10);
    result.rtp = await rtpStats(page);
    result.send = await page.evaluate(() => ({ limits: window.diemcau.sendLimits || null,
                                                applied: window.diemcau.sendApplied || null }));
    result.status = await text(page, '#status');
    // Ask to speak: the gateway's state comes back with this site's hand in the queue.
    await page.click('#hand');
    await page.waitForFunction((site) => (window.diemcau.state_message?.sites || [])
      .some((s) => s.id === site && s.hand === 1), values.site, { timeout: 10000 });
    result.hand = { button: await text(page, '#hand'), floor: await text(page, '#floor') };
    result.district_calls = { buttons: await visibleCallButtons(page),
                              panelHidden: await page.$eval('#chair-panel', (el) => el.hidden) };
    if (values.screenshot)
      await page.screenshot({ path: values.screenshot });
    await sleep(Number(values.hold) * 1000);
    result.measured_until = Date.now();
    if (values.checks) {
      result.rejoin = await checkRejoin(page);
      if (values['wrong-site'])
        result.wrong_token = await checkWrongToken(browser.context, url, values['wrong-site']);
      const { other, result: replaced } = await checkReplaced(browser.context, url, values.site,
                                                              values.token, page);
      result.replaced = replaced;
      await other.click('#leave');
    } else {
      await page.click('#leave');
    }
    result.left_at = Date.now();
    await sleep(500);
  } finally {
    await browser.close();
  }
  if (!values.bench)
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
